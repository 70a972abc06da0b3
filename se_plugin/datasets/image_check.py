"""Undecodable images: named (or skipped) at run time by
:class:`DecodeCheckMixin`, all listed by the tools' check mode
(docs/user_guides/datasets.md); start-up checks only existence."""
import os
import sys
from typing import Any, Callable, Dict, Optional, Sequence, Set

import mmcv
from mmengine.fileio import get
from mmengine.logging import MMLogger
from mmengine.utils import track_parallel_progress, track_progress

from ..engine.errors import DataError, UserInputError, fail

BAD_IMAGES = ('error', 'skip')
CHECK_MODE = ('tools/dataset_converters/check_images.py <config> lists '
              'every bad image')


class BadImageError(UserInputError, OSError):
    """An image that is listed but cannot be read or decoded."""


def image_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be loaded as ``LoadImageFromFile`` loads it
    (mmengine's ``get``, :func:`mmcv.imfrombytes`), or None."""
    try:
        data = get(path)
    except FileNotFoundError:
        return 'does not exist'
    except IsADirectoryError:
        return 'is a directory, not an image file'
    except OSError as error:
        return f'cannot be read ({error})'
    if not data:
        return 'is empty (0 bytes)'
    try:
        image = mmcv.imfrombytes(data)
    except Exception as error:  # cv2.error has no common base to catch
        return f'cannot be decoded ({type(error).__name__}: {error})'
    if image is None:
        return (f'cannot be decoded ({len(data)} bytes, not an image or '
                'truncated)')
    return None


def report_bad_images(dataset, name: str, nproc: int = 8) -> int:
    """Decode every image of ``dataset`` (a :class:`DecodeCheckMixin`) in
    ``nproc`` processes (1: this one), print the bad ones under ``name``;
    returns their number."""
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    print(f'{name}: decoding {len(infos):,} images with {nproc} processes')
    paths = [info['img_path'] for info in infos]
    # mmengine binds its default output at import; print where stdout is now.
    problems = track_parallel_progress(
        image_problem, paths, nproc, file=sys.stdout,
        chunksize=max(1, min(256, len(paths) // (nproc * 4)))) if nproc > 1 \
        else track_progress(image_problem, paths, file=sys.stdout)
    bad = [(i, p) for i, p in enumerate(problems) if p is not None]
    wheres = dataset.describe_images([infos[i] for i, _ in bad])
    print(f'{name}: {len(bad):,} of {len(infos):,} images cannot be loaded'
          + (':' if bad else ''))
    for (i, problem), where in zip(bad, wheres):
        print(f'  {infos[i]["img_path"]} ({where}): {problem}')
    return len(bad)


def add_check_args(parser, what: str) -> None:
    """Add ``--check-images`` (``what`` it does besides decoding) and
    ``--nproc`` to a prepare tool's parser."""
    parser.add_argument('--check-images', action='store_true', help=f'{what},'
                        ' and decode every image in parallel and list the '
                        'bad ones')
    parser.add_argument('--nproc', type=int, default=8,
                        help='decoding processes of --check-images')


def check_splits(build: Callable[..., Any],
                 splits: Sequence[str],
                 nproc: int = 0) -> Dict[str, int]:
    """The tools' check mode: build each split with
    ``build(split=, check_files=, serialize_data=)`` and, with ``nproc``,
    decode its images (missing ones listed too); the number of images per
    split; SystemExit(1) when an image cannot be loaded."""
    counts, bad = {}, 0
    for split in splits:
        # Not serialized: the check reads each entry once, never trains.
        dataset = build(
            split=split, check_files=not nproc, serialize_data=False)
        counts[split] = len(dataset)
        if nproc:
            bad += report_bad_images(dataset, split, nproc)
    if bad:
        sys.exit(f'{bad:,} images cannot be loaded')
    return counts


class DecodeCheckMixin:
    """When the pipeline fails on an image, decode it again: a bad one is a
    :class:`BadImageError` naming it (or skipped and counted), else the
    pipeline's error is raised unchanged. Subclasses define
    ``describe_images(infos)``: where each info's image is listed.

    Args:
        check_files (bool): Check that every listed image exists when the
            dataset is built (one directory listing per image folder).
            Defaults to True.
        bad_images (str): ``'error'`` or ``'skip'`` (training only) for an
            image that cannot be decoded when it is loaded. Defaults to
            ``'error'``.
    """

    def __init__(self, *args, check_files: bool = True,
                 bad_images: str = 'error', **kwargs):
        if bad_images not in BAD_IMAGES:
            fail(f'{type(self).__name__}.bad_images', bad_images, BAD_IMAGES,
                 DataError)
        if bad_images == 'skip' and kwargs.get('test_mode', False):
            raise DataError(
                f"{type(self).__name__}.bad_images='skip' needs "
                'test_mode=False: a test set must not lose images')
        self.check_files, self.bad_images = check_files, bad_images
        self.skipped_images: Set[str] = set()
        super().__init__(*args, **kwargs)

    def prepare_data(self, idx: int):
        """The pipeline's output, with bad images named or skipped."""
        try:
            return super().prepare_data(idx)
        except Exception as error:
            info = self.get_data_info(idx)
            problem = image_problem(info['img_path'])
            if problem is None:
                raise
            where = self.describe_images([info])[0]
            if self.bad_images == 'error':
                raise BadImageError(
                    f'image {info["img_path"]!r} ({where}) {problem}; '
                    f"bad_images='skip' skips such images when training; "
                    f'{CHECK_MODE}') from error
        if info['img_path'] not in self.skipped_images:
            self.skipped_images.add(info['img_path'])
            # One warning per image and process: data-loader workers each
            # hold a copy of the dataset, so the count is per worker.
            MMLogger.get_current_instance().warning(
                f'skipped image {info["img_path"]!r} ({where}): {problem}; '
                f'{len(self.skipped_images)} bad images skipped so far '
                f'(process {os.getpid()}); {CHECK_MODE}')
        return None
