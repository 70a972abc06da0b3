"""mmpretrain's CustomDataset with the checks of se_plugin's ImageNet."""
from mmpretrain.datasets import CustomDataset

from se_plugin.registry import DATASETS
from .checked_list import CheckedListMixin


@DATASETS.register_module()
class CheckedCustomDataset(CheckedListMixin, CustomDataset):
    """mmpretrain's ``CustomDataset`` with its list checked line by line when
    built (class names required with a labelled list); a drop-in.

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
