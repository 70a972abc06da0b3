"""ImageNet-1k with checked annotation lists and paths."""
from mmpretrain.datasets import ImageNet as MMPretrainImageNet

from se_plugin.registry import DATASETS
from .checked_list import CheckedListMixin, require_path


@DATASETS.register_module()
class ImageNet(CheckedListMixin, MMPretrainImageNet):
    """mmpretrain's ImageNet (same layouts and arguments) that fails early,
    naming the file and line of bad data (docs/user_guides/datasets.md);
    ``check_files`` and ``bad_images``: see
    :class:`~.image_check.DecodeCheckMixin`.

    Example:
        >>> dataset = ImageNet(data_root='data/imagenet', split='val')
    """
    GUIDE_SECTION = 'Prepare ImageNet'

    def __init__(self, data_root: str = '', split: str = '', **kwargs):
        if data_root:
            require_path(data_root, 'ImageNet data root', self.GUIDE_SECTION)
        super().__init__(data_root=data_root, split=split, **kwargs)
