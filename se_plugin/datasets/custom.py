"""mmpretrain's CustomDataset with the checks of se_plugin's ImageNet."""
from mmpretrain.datasets import CustomDataset

from se_plugin.registry import DATASETS
from .checked_list import CheckedListMixin


@DATASETS.register_module()
class CheckedCustomDataset(CheckedListMixin, CustomDataset):
    """mmpretrain's ``CustomDataset`` that fails early and clearly on bad
    lists: a drop-in, ``type='se_plugin.CheckedCustomDataset'``.

    The annotation list (``<image path> <class index>`` per line, as for
    ImageNet) is checked line by line when the dataset is built; see
    :class:`~.checked_list.CheckedListMixin`. The class names
    (``metainfo=dict(classes=...)`` or ``classes=<file>``) are required
    with a labelled list: they give the allowed class indices. Without
    ``ann_file`` the class folders are scanned as mmpretrain does.

    Args:
        check_files (bool): Check that every listed image exists. Defaults
            to True.
        bad_images (str): ``'error'`` or ``'skip'`` (training only) for an
            image that cannot be decoded when loaded. Defaults to
            ``'error'``.
        **kwargs: The arguments of :class:`mmpretrain.datasets.CustomDataset`.

    Example:
        >>> dataset = CheckedCustomDataset(
        ...     data_root='data/digits', ann_file='meta/val.txt',
        ...     data_prefix='val', metainfo=dict(classes=list('0123456789')))
    """
    GUIDE_SECTION = 'Prepare the digits demo data'
