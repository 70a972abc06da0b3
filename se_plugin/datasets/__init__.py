from se_plugin.registry import DATASETS
from se_plugin.utils.compat import missing_mmcv_ops, register_unavailable
from .imagenet import ImageNet
from .places365 import Places365

# CheckedCocoDataset subclasses mmdet's CocoDataset, whose package needs
# mmcv's compiled ops.
if missing_mmcv_ops():
    register_unavailable(DATASETS, 'CheckedCocoDataset', missing_mmcv_ops())
    __all__ = ['ImageNet', 'Places365']
else:
    from .coco_checked import CheckedCocoDataset
    __all__ = ['CheckedCocoDataset', 'ImageNet', 'Places365']
