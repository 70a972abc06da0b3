"""``<image path> <class index>`` lists (ImageNet, Places365, digits) read
once at start-up, naming the file and line of a bad entry (why:
docs/user_guides/datasets.md)."""
import codecs
import io
import os.path as osp
import re
from collections import defaultdict
from typing import Any, Callable, Dict, List, Tuple

from mmengine.fileio import exists, get, get_file_backend

from ..engine.errors import DataError, DataNotFoundError
from .image_check import DecodeCheckMixin

GUIDE = 'docs/user_guides/datasets.md'
INTEGER = re.compile('-?[0-9]+')
ENCODINGS = ('allowed: UTF-8 (or UTF-16 with a byte-order mark): save the '
             'list as UTF-8')
LINE_FORMAT = ('"<image path> <class index>" (two fields separated by '
               'white space; image paths with spaces are not supported)')


def require_path(path: str, what: str, section: str) -> None:
    """DataNotFoundError naming a missing ``path`` and the guide's section."""
    if not exists(path):
        raise DataNotFoundError(
            f'{what} {path!r} does not exist; see the section '
            f'"{section}" of {GUIDE} for how to prepare it')


def require_images(entries: List[Tuple[Any, str]], img_prefix: str,
                   where: Callable[[Any], str], section: str,
                   images: str = 'images', error=DataError) -> None:
    """Raise ``error`` for the first missing image of ``entries`` (``(key,
    relative path)``, ``where(key)`` names it); one directory listing per
    folder, not a stat per image."""
    backend = get_file_backend(img_prefix, enable_singleton=True)
    by_folder: Dict[str, List[Tuple[Any, str]]] = defaultdict(list)
    for key, path in entries:
        by_folder[osp.dirname(path)].append((key, osp.basename(path)))
    missing = []
    for folder, names in by_folder.items():
        try:
            present = set(backend.list_dir_or_file(
                backend.join_path(img_prefix, folder), list_dir=False))
        except FileNotFoundError:
            present = set()
        missing.extend((key, osp.join(folder, name))
                       for key, name in names if name not in present)
    if missing:
        key, path = min(missing)
        full = backend.join_path(img_prefix, path)
        what = ('is a directory, not an image file'
                if backend.isdir(full) else 'does not exist')
        raise error(f'{where(key)} {full!r} {what} ({len(missing)} of '
                    f'{len(entries)} {images} are missing); see "{section}" '
                    f'in {GUIDE}')


def read_list(path: str) -> List[str]:
    """The lines of a UTF-8 (or UTF-16 with BOM) list, without a leading
    BOM or CRLF; a DataError naming the line for another encoding."""
    data = get(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode('utf-16')
    elif b'\0' in data:
        lineno = data.count(b'\n', 0, data.index(b'\0')) + 1
        raise DataError(f'{path}, line {lineno}: holds NUL bytes: UTF-16 '
                        'without a byte-order mark, or not a text file; '
                        + ENCODINGS)
    else:
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as error:
            lineno = data.count(b'\n', 0, error.start) + 1
            raise DataError(f'{path}, line {lineno}: byte '
                            f'{data[error.start]:#04x} is not UTF-8 text; '
                            + ENCODINGS) from None
    return [line.rstrip('\n\r')
            for line in io.StringIO(text.lstrip('\ufeff'))]


def parse_line(ann_file: str, lineno: int, line: str,
               num_classes: int) -> Tuple[str, int]:
    """``(path without a leading /, class index)`` of a non-blank line."""
    fields = line.split()
    allowed = f'allowed: 0..{num_classes - 1} ({num_classes} classes)'
    if len(fields) != 2:
        what = 'has no class index' if len(fields) == 1 else (
            f'has {len(fields)} fields')
        raise DataError(f'{ann_file}, line {lineno}: {line.strip()!r} '
                        f'{what}; allowed: {LINE_FORMAT}')
    path, label = fields
    if not INTEGER.fullmatch(label):
        raise DataError(f'{ann_file}, line {lineno}: class index {label!r} '
                        f'is not an integer; {allowed}')
    if not 0 <= int(label) < num_classes:
        raise DataError(f'{ann_file}, line {lineno}: class index {label} '
                        f'is out of range; {allowed}')
    return path.lstrip('/'), int(label)


class CheckedListMixin(DecodeCheckMixin):
    """Reads ``<path> <label>`` annotation lists of a mmpretrain
    ``CustomDataset`` with checks (docs/user_guides/datasets.md); set
    ``GUIDE_SECTION`` in the subclass. ``check_files`` and ``bad_images``:
    see :class:`~se_plugin.datasets.image_check.DecodeCheckMixin`."""
    GUIDE_SECTION = ''

    def prepare_data(self, idx: int):
        """The pipeline's output; in test mode an input of another size than
        the first raises (batch padding changes the other predictions)."""
        data = super().prepare_data(idx)
        inputs = data.get('inputs') if isinstance(data, dict) else None
        if not self.test_mode or not hasattr(inputs, 'shape'):
            return data
        shape = tuple(inputs.shape)
        first = getattr(self, '_first_input', None)
        if first is None:
            self._first_input = (shape, self.get_data_info(idx)['img_path'])
        elif shape != first[0]:
            info = self.get_data_info(idx)
            where = self.describe_images([info])[0]
            raise DataError(
                f'image {info["img_path"]!r} ({where}) gives an input of '
                f'shape {shape} after the test pipeline, {first[1]!r} gave '
                f'{first[0]}: a batch pads every input to the largest, '
                'which changes the other images\' predictions; resize or '
                'crop to one size in the test pipeline, or fix the image')
        return data

    def load_data_list(self) -> List[dict]:
        """Load ``img_path`` and ``gt_label`` of every annotated image."""
        if not self.ann_file:
            require_path(self.img_prefix, 'Image folder', self.GUIDE_SECTION)
            return super().load_data_list()
        require_path(self.ann_file, 'Annotation file', self.GUIDE_SECTION)
        if not self.with_label:
            return super().load_data_list()
        if self.CLASSES is None:
            raise DataError(
                f'{type(self).__name__} needs the class names to check the '
                f'labels of {self.ann_file}: set metainfo=dict(classes=...) '
                "or classes='<file with one name per line>'")
        entries, labels = [], []
        for lineno, line in enumerate(read_list(self.ann_file), 1):
            if line.strip():
                path, label = parse_line(self.ann_file, lineno, line,
                                         len(self.CLASSES))
                entries.append((lineno, path))
                labels.append(label)
        if not entries:
            raise DataError(
                f'{self.ann_file} lists no images (it is empty or blank); '
                f'allowed: lines {LINE_FORMAT}; see "{self.GUIDE_SECTION}" '
                f'in {GUIDE}')
        backend = get_file_backend(self.img_prefix, enable_singleton=True)
        if self.check_files:
            require_images(entries, self.img_prefix,
                           lambda line: f'{self.ann_file}, line {line}: image',
                           self.GUIDE_SECTION, 'listed images')
        return [dict(img_path=backend.join_path(self.img_prefix, path),
                     gt_label=label)
                for (_, path), label in zip(entries, labels)]

    def describe_images(self, infos: List[dict]) -> List[str]:
        """The list file and line of each info's image (the list read again:
        only bad images need it)."""
        if not self.ann_file:
            return [f'found in {self.img_prefix}'] * len(infos)
        paths = [info['img_path'][len(self.img_prefix):].lstrip('/')
                 for info in infos]
        lines = dict.fromkeys(paths)
        for lineno, line in enumerate(read_list(self.ann_file), 1):
            fields = line.split()
            if fields and lines.get(fields[0].lstrip('/'), 0) is None:
                lines[fields[0].lstrip('/')] = lineno
        return [f'{self.ann_file}, line {lines[path]}' for path in paths]
