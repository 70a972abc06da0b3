"""Annotation lists read with clear errors for missing or bad entries.

ImageNet's ``meta/*.txt`` and Places365's ``places365_*.txt`` share one
format, ``<relative image path> <class index>`` per line. mmpretrain's
``CustomDataset`` reads it without checks, so a missing image surfaces as an
``OSError`` from a data-loader worker hours into training and an
out-of-range label as a CUDA assert in the loss. :class:`CheckedListMixin`
reads the same format once at start-up and names the file and line of the
first bad entry instead.
"""
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Tuple

from mmengine.fileio import exists, get_file_backend, list_from_file

README = 'README.md'


def require_path(path: str, what: str, section: str) -> None:
    """Raise FileNotFoundError when ``path`` is missing.

    Args:
        path (str): File or folder that must exist.
        what (str): What the path is, e.g. ``'ImageNet data root'``.
        section (str): The README section that explains how to prepare it.
    """
    if not exists(path):
        raise FileNotFoundError(
            f'{what} {path!r} does not exist; see the section '
            f'"{section}" of {README} for how to prepare it')


def find_missing_files(entries: List[Tuple[int, str]],
                       img_prefix: str) -> List[Tuple[int, str]]:
    """Return the entries whose image file does not exist.

    One directory listing per distinct folder instead of one ``stat`` per
    image: ImageNet's 1.28M training images live in 1,000 folders, so the
    check costs 1,000 listings (seconds, also on network file systems where
    a ``stat`` per file would take minutes). Only one folder's names are
    held in memory at a time.

    Args:
        entries (list[tuple[int, str]]): ``(line number, relative path)``.
        img_prefix (str): Folder the paths are relative to.

    Returns:
        list[tuple[int, str]]: The missing entries, by line number.
    """
    backend = get_file_backend(img_prefix, enable_singleton=True)
    by_folder: Dict[str, List[Tuple[int, str]]] = defaultdict(list)
    for lineno, path in entries:
        by_folder[osp.dirname(path)].append((lineno, osp.basename(path)))
    missing = []
    for folder, names in by_folder.items():
        folder_path = backend.join_path(img_prefix, folder)
        try:
            present = set(
                backend.list_dir_or_file(folder_path, list_dir=False))
        except FileNotFoundError:
            present = set()
        missing.extend((lineno, osp.join(folder, name))
                       for lineno, name in names if name not in present)
    return sorted(missing)


class CheckedListMixin:
    """Reads ``<path> <label>`` annotation lists of a mmpretrain
    ``CustomDataset`` with checks; set ``README_SECTION`` in the subclass.

    Every line is checked: two fields, an integer label in
    ``[0, len(classes))`` and, with ``check_files=True``, an existing image
    (see :func:`find_missing_files` for the cost). Blank lines are skipped.
    A leading ``/`` of a path (Places365's lists) is relative to
    ``data_prefix``, not the file system root.
    """
    README_SECTION = ''

    def load_data_list(self) -> List[dict]:
        """Load ``img_path`` and ``gt_label`` of every annotated image."""
        if not self.ann_file:
            require_path(self.img_prefix, 'Image folder', self.README_SECTION)
            return super().load_data_list()
        require_path(self.ann_file, 'Annotation file', self.README_SECTION)
        if not self.with_label:
            return super().load_data_list()
        num_classes = len(self.CLASSES)
        entries, labels = [], []
        for lineno, line in enumerate(list_from_file(self.ann_file), 1):
            if not line.strip():
                continue
            fields = line.strip().rsplit(' ', 1)
            label = fields[-1]
            if len(fields) != 2 or not label.lstrip('-').isdigit():
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: {line!r} is not '
                    '"<image path> <class index>"')
            if not 0 <= int(label) < num_classes:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: class index {label} '
                    f'is out of range; allowed: 0..{num_classes - 1} '
                    f'({num_classes} classes)')
            entries.append((lineno, fields[0].lstrip('/')))
            labels.append(int(label))
        if self.check_files:
            missing = find_missing_files(entries, self.img_prefix)
            if missing:
                lineno, path = missing[0]
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: image '
                    f'{osp.join(self.img_prefix, path)!r} does not exist '
                    f'({len(missing)} of {len(entries)} listed images are '
                    f'missing); see "{self.README_SECTION}" in {README}')
        backend = get_file_backend(self.img_prefix, enable_singleton=True)
        return [
            dict(img_path=backend.join_path(self.img_prefix, path),
                 gt_label=label)
            for (_, path), label in zip(entries, labels)
        ]
