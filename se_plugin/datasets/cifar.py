"""CIFAR-10/100's python layout: any file of it read with checks, never
downloaded (mmpretrain's need the official md5), and a writer of it. The
files are pickles: read only files you trust."""
import os.path as osp
import pickle
from pathlib import Path
from typing import Dict, Sequence

import numpy as np
from mmpretrain.datasets import CIFAR10, CIFAR100
from PIL import Image

from se_plugin.engine.errors import DataError, DataNotFoundError, fail
from se_plugin.registry import DATASETS

#: Layout -> (folder, train files, test files, meta file, label key, class
#: names key), as in the official archives.
LAYOUTS = {
    'cifar10': ('cifar-10-batches-py',
                [f'data_batch_{i}' for i in range(1, 6)], ['test_batch'],
                'batches.meta', 'labels', 'label_names'),
    'cifar100': ('cifar-100-python', ['train'], ['test'], 'meta',
                 'fine_labels', 'fine_label_names'),
}

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp')


def _load(path: str, what: str) -> dict:
    if not osp.isfile(path):
        raise DataNotFoundError(
            f'{path}: missing; the {what} of the CIFAR python layout '
            '(se_plugin never downloads: unpack cifar-*-python.tar.gz '
            'there, or write one with tools/dataset_converters/to_cifar.py)')
    try:
        with open(path, 'rb') as f:
            entry = pickle.load(f, encoding='latin1')
    except Exception as e:  # any unpickling failure means a foreign file
        raise DataError(f'{path}: not a CIFAR python {what} (it does not '
                        f'unpickle: {type(e).__name__}: {e})') from None
    if not isinstance(entry, dict):
        raise DataError(f'{path}: not a CIFAR python {what} (a pickled '
                        f'{type(entry).__name__}, not a dict)')
    return entry


class CheckedCIFARMixin:
    """Reads the split's files of ``layout`` with checks; no download."""
    layout: str

    def __init__(self, data_root: str = '', split: str = 'train',
                 download: bool = False, **kwargs):
        name = type(self).__name__
        if download is not False:
            fail(f'{name}.download', download,
                 'False (se_plugin never downloads)', DataError)
        if split not in ('train', 'test'):
            fail(f'{name}.split', split, ('train', 'test'), DataError)
        super().__init__(data_root, split, download=False, **kwargs)

    def _path(self, name: str) -> str:
        return osp.join(self.data_prefix['root'], LAYOUTS[self.layout][0],
                        name)

    def load_data_list(self):
        _, train, test, _, key, _ = LAYOUTS[self.layout]
        if self.CLASSES is None:
            self._load_meta()
        num_classes = len(self.CLASSES)
        data_list = []
        for name in train if self.split == 'train' else test:
            path = self._path(name)
            entry = _load(path, 'batch')
            data, labels = entry.get('data'), entry.get(key)
            if (not isinstance(data, np.ndarray) or data.dtype != np.uint8
                    or data.ndim != 2 or data.shape[1] != 3 * 32 * 32):
                raise DataError(
                    f"{path}: 'data' must be a uint8 array of N x 3072 "
                    '(32x32 RGB, channel-major); got '
                    + (f'{data.dtype} {data.shape}' if isinstance(
                        data, np.ndarray) else type(data).__name__))
            if labels is None or len(labels) != len(data):
                raise DataError(
                    f"{path}: needs {key!r}, one label per image "
                    f'({len(data)} images); got '
                    f"{'none' if labels is None else len(labels)}")
            bad = [v for v in labels
                   if not isinstance(v, (int, np.integer))
                   or not 0 <= v < num_classes]
            if bad:
                raise DataError(f'{path}: label {bad[0]!r} is not allowed; '
                                f'allowed: ints in 0..{num_classes - 1} '
                                f'({num_classes} classes)')
            images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            data_list += [dict(img=img, gt_label=int(label))
                          for img, label in zip(images, labels)]
        return data_list

    def _load_meta(self):
        *_, meta, _, names_key = LAYOUTS[self.layout]
        path = self._path(meta)
        names = _load(path, 'meta file').get(names_key)
        if not isinstance(names, list) or not names:
            raise DataError(f'{path}: needs {names_key!r}, a non-empty list '
                            'of class names')
        self._metainfo['classes'] = tuple(names)


@DATASETS.register_module()
class CheckedCIFAR10(CheckedCIFARMixin, CIFAR10):
    """mmpretrain's ``CIFAR10`` that reads any file of its format (class
    names from ``batches.meta`` unless ``metainfo`` gives them), checks
    every file and never downloads."""
    layout = 'cifar10'
    METAINFO = {}


@DATASETS.register_module()
class CheckedCIFAR100(CheckedCIFARMixin, CIFAR100):
    """mmpretrain's ``CIFAR100`` with :class:`CheckedCIFAR10`'s checks."""
    layout = 'cifar100'
    METAINFO = {}


def _folder_images(folder: Path, classes: Sequence[str]):
    images, labels = [], []
    for label, name in enumerate(classes):
        files = sorted(p for p in (folder / name).iterdir()
                       if p.suffix.lower() in IMAGE_EXTENSIONS)
        for file in files:
            with Image.open(file) as img:
                img = img.convert('RGB').resize((32, 32),
                                                Image.Resampling.BILINEAR)
            images.append(np.asarray(img).transpose(2, 0, 1).reshape(-1))
            labels.append(label)
    return np.stack(images).astype(np.uint8), labels


def write_cifar(src, out, layout: str = 'cifar10', train_dir: str = 'train',
                test_dir: str = 'val') -> Dict[str, int]:
    """Write ``src/<split>/<class>/<image>`` (classes: the sorted folders,
    alike in both splits) in CIFAR's layout under ``out`` at 32x32 RGB,
    never over an existing folder; images per split and classes."""
    if layout not in LAYOUTS:
        fail('layout', layout, tuple(LAYOUTS), DataError)
    folder, train, test, meta, key, names_key = LAYOUTS[layout]
    src, target = Path(src), Path(out) / folder
    if target.exists():
        raise DataError(f'{target}: exists; not overwritten (remove it or '
                        'choose another output folder)')
    splits = {}
    for split in (train_dir, test_dir):
        if not (src / split).is_dir():
            raise DataNotFoundError(f'{src / split}: missing; expected '
                                    f'{src}/<split>/<class>/<image>')
        splits[split] = sorted(p.name for p in (src / split).iterdir()
                               if p.is_dir())
    classes = splits[train_dir]
    if not classes or splits[test_dir] != classes:
        raise DataError(f'{src}: the class folders of {train_dir!r} '
                        f'({classes}) and {test_dir!r} '
                        f'({splits[test_dir]}) must be the same, non-empty')
    files, counts = {meta: {names_key: list(classes)}}, {}
    for split, sub, names in (('train', train_dir, train),
                              ('test', test_dir, test)):
        data, labels = _folder_images(src / sub, classes)
        counts[split] = len(data)
        for i, part in enumerate(np.array_split(np.arange(len(data)),
                                                len(names))):
            files[names[i]] = {'batch_label': f'{names[i]} of {src.name}',
                               key: [labels[j] for j in part],
                               'data': data[part]}
    target.mkdir(parents=True)
    for name, entry in files.items():
        (target / name).write_bytes(pickle.dumps(entry))
    return dict(counts, classes=len(classes))
