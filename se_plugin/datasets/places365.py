"""Places365 (Zhou et al., TPAMI 2017) from its official file lists."""
from typing import List, Union

from mmengine.fileio import join_path
from mmpretrain.datasets import CustomDataset

from se_plugin.registry import DATASETS
from ..engine.errors import DataError
from ..models.checks import Choice
from .checked_list import CheckedListMixin, read_list, require_path

# split -> (file list, image folder of the 256x256 archives)
SPLITS = {
    'train-standard': ('places365_train_standard.txt', 'data_256'),
    'train-challenge': ('places365_train_challenge.txt', 'data_256'),
    'val': ('places365_val.txt', 'val_256'),
}
CATEGORIES = 'categories_places365.txt'


def load_categories(path: str) -> List[str]:
    """Class names of ``categories_places365.txt`` (lines ``/a/airfield 0``)
    without the ``/<letter>/`` prefix, in index order."""
    names = []
    for lineno, line in enumerate(read_list(path), 1):
        if not line.strip():
            continue
        fields = line.strip().rsplit(' ', 1)
        if (len(fields) != 2 or fields[1] != str(len(names))
                or not fields[0].startswith('/')):
            raise DataError(
                f'{path}, line {lineno}: {line!r} is not "/<letter>/<name> '
                f'{len(names)}" (classes must be listed in index order)')
        names.append(fields[0].split('/', 2)[2])
    return names


@DATASETS.register_module()
class Places365(CheckedListMixin, CustomDataset):
    """Places365 read from the official file lists, the 365 class names from
    ``categories_places365.txt`` (layout: docs/user_guides/datasets.md).

    Args:
        data_root (str): Folder holding the lists and image folders.
        split (str): ``'train-standard'`` (1.8M images),
            ``'train-challenge'`` (8M) or ``'val'`` (36,500).
            Defaults to ``'train-standard'``.
        data_prefix (str): Image folder relative to ``data_root``; defaults
            to the split's 256x256 folder (``data_256`` / ``val_256``); set
            ``'data_large'`` / ``'val_large'`` for the high-resolution
            release.
        ann_file (str): File list relative to ``data_root``; defaults to the
            split's official list.
        **kwargs: ``check_files`` and ``bad_images`` (see
            :class:`~.image_check.DecodeCheckMixin`) and the arguments of
            :class:`mmpretrain.datasets.BaseDataset` (``pipeline``,
            ``indices``, ``test_mode``...).
    """
    GUIDE_SECTION = 'Prepare Places365'

    def __init__(self, data_root: str, split: str = 'train-standard',
                 data_prefix: Union[str, dict] = '', ann_file: str = '',
                 **kwargs):
        Choice(*SPLITS)('Places365.split', split, {})
        require_path(data_root, 'Places365 data root', self.GUIDE_SECTION)
        categories = join_path(data_root, CATEGORIES)
        require_path(categories, 'Places365 categories file',
                     self.GUIDE_SECTION)
        default_list, default_folder = SPLITS[split]
        self.split = split
        kwargs.setdefault('metainfo',
                          dict(classes=load_categories(categories)))
        super().__init__(data_root=data_root, ann_file=ann_file or
                         default_list, data_prefix=data_prefix or
                         default_folder, **kwargs)
