from se_plugin.registry import DATASETS
from se_plugin.utils.compat import missing_mmcv_ops, register_unavailable
from .cifar import CheckedCIFAR10, CheckedCIFAR100  # noqa: F401
from .custom import CheckedCustomDataset
from .image_check import BadImageError
from .imagenet import ImageNet
from .places365 import Places365

__all__ = ['BadImageError', 'CheckedCustomDataset', 'ImageNet', 'Places365']

# CheckedCocoDataset subclasses mmdet's CocoDataset, whose package needs
# mmcv's compiled ops.
if missing_mmcv_ops():
    register_unavailable(DATASETS, 'CheckedCocoDataset', missing_mmcv_ops())
else:
    from .coco_checked import CheckedCocoDataset  # noqa: F401
    __all__.append('CheckedCocoDataset')
