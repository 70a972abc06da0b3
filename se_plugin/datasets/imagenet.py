"""ImageNet-1k with checked annotation lists and paths."""
from mmpretrain.datasets import ImageNet as MMPretrainImageNet

from se_plugin.registry import DATASETS
from .checked_list import CheckedListMixin, require_path


@DATASETS.register_module()
class ImageNet(CheckedListMixin, MMPretrainImageNet):
    """mmpretrain's ImageNet that fails early and clearly on bad data.

    Same layouts and arguments as :class:`mmpretrain.datasets.ImageNet`
    (``data_root/{train,val}/...`` with ``data_root/meta/{train,val}.txt``,
    or class folders without lists). A missing data root, image folder or
    annotation file raises ``FileNotFoundError`` naming the path and the
    data guide's section "Prepare ImageNet"; an empty list, or a line that is
    not ``<path> <class index>``, with a missing image or a class index
    outside ``[0, len(classes))`` raises ``ValueError`` naming the file and
    line. See :class:`~.checked_list.CheckedListMixin`.

    Args:
        data_root (str): Root of the dataset. Defaults to ''.
        split (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to ''.
        check_files (bool): Check that every listed image exists when the
            dataset is built (one directory listing per image folder).
            Defaults to True.
        bad_images (str): ``'error'`` or ``'skip'`` (training only) for an
            image that cannot be decoded when loaded. Defaults to
            ``'error'``.
        **kwargs: The arguments of :class:`mmpretrain.datasets.ImageNet`.

    Example:
        >>> dataset = ImageNet(data_root='data/imagenet', split='val')
    """
    GUIDE_SECTION = 'Prepare ImageNet'

    def __init__(self,
                 data_root: str = '',
                 split: str = '',
                 **kwargs):
        if data_root:
            require_path(data_root, 'ImageNet data root',
                         self.GUIDE_SECTION)
        super().__init__(data_root=data_root, split=split, **kwargs)
