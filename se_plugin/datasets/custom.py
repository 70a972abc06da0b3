"""mmpretrain's CustomDataset with the checks of se_plugin's ImageNet."""
from mmpretrain.datasets import CustomDataset

from se_plugin.registry import DATASETS
from .checked_list import CheckedListMixin


@DATASETS.register_module()
class CheckedCustomDataset(CheckedListMixin, CustomDataset):
    """mmpretrain's ``CustomDataset`` with its list checked line by line when
    built (class names required with a labelled list); a drop-in;
    ``check_files`` and ``bad_images``: see
    :class:`~.image_check.DecodeCheckMixin`.

    Example:
        >>> dataset = CheckedCustomDataset(
        ...     data_root='data/digits', ann_file='meta/val.txt',
        ...     data_prefix='val', metainfo=dict(classes=list('0123456789')))
    """
    GUIDE_SECTION = 'Prepare the digits demo data'
