"""Undecodable images: named at run time, all listed by a check mode.

Decoding every image when a dataset is built would take ImageNet's 1.28M
JPEGs tens of minutes, so the datasets only check that images exist at
start-up. An image that exists but cannot be read (zero bytes, truncated,
not an image, a folder) is found in one of two ways:

- at run time, :class:`DecodeCheckMixin` turns the loading pipeline's
  ``cv2.error`` / ``failed to load image`` into a :class:`BadImageError`
  naming the file and where it is listed (or skips and counts it);
- before training, :func:`report_bad_images` (the check mode of the
  prepare tools and ``tools/dataset_converters/check_images.py``) decodes
  every image in parallel with a progress bar and lists the bad ones.
"""
import os
import sys
from typing import (Any, Callable, Dict, List, Optional, Sequence, Set,
                    Tuple)

import mmcv
from mmengine.fileio import get
from mmengine.logging import MMLogger
from mmengine.utils import track_parallel_progress, track_progress

from ..engine.errors import DataError, UserInputError

BAD_IMAGES = ('error', 'skip')
CHECK_MODE = ('tools/dataset_converters/check_images.py <config> lists '
              'every bad image')


class BadImageError(UserInputError, OSError):
    """An image that is listed but cannot be read or decoded."""


def image_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be loaded as the pipelines load it, or None.

    Reads the bytes with mmengine's file backends and decodes them with
    :func:`mmcv.imfrombytes` (cv2), as ``LoadImageFromFile`` does.

    Args:
        path (str): The image file.

    Returns:
        str | None: ``'does not exist'``, ``'is a directory'``, ``'is empty
        (0 bytes)'``, ``'cannot be decoded ...'``, or None when it decodes.
    """
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


def find_bad_images(paths: Sequence[str],
                    nproc: int = 8) -> List[Tuple[int, str]]:
    """Decode every image in ``nproc`` processes with a progress bar.

    Args:
        paths (Sequence[str]): Image files.
        nproc (int): Worker processes; 1 decodes in this process.

    Returns:
        list[tuple[int, str]]: ``(index in paths, problem)`` of each image
        that cannot be loaded, in order.
    """
    # mmengine binds its default output at import; print where stdout is now.
    if nproc > 1:
        problems = track_parallel_progress(
            image_problem, list(paths), nproc,
            chunksize=max(1, min(256, len(paths) // (nproc * 4))),
            file=sys.stdout)
    else:
        problems = track_progress(image_problem, list(paths), file=sys.stdout)
    return [(i, p) for i, p in enumerate(problems) if p is not None]


def report_bad_images(dataset, name: str, nproc: int = 8) -> int:
    """Decode every image of ``dataset``, print the bad ones and a count.

    The check mode of the prepare tools: build the dataset with
    ``check_files=False`` so that missing files are listed here too.

    Args:
        dataset: A dataset with :class:`DecodeCheckMixin`.
        name (str): The split's name, for the output.
        nproc (int): Decoding processes.

    Returns:
        int: The number of images that cannot be loaded.
    """
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    print(f'{name}: decoding {len(infos):,} images with {nproc} processes')
    bad = find_bad_images([info['img_path'] for info in infos], nproc)
    wheres = dataset.describe_images([infos[i] for i, _ in bad])
    print(f'{name}: {len(bad):,} of {len(infos):,} images cannot be loaded'
          + (':' if bad else ''))
    for (i, problem), where in zip(bad, wheres):
        print(f'  {infos[i]["img_path"]} ({where}): {problem}')
    return len(bad)


def add_check_args(parser, what: str) -> None:
    """Add ``--check-images`` and ``--nproc`` to a prepare tool's parser.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        what (str): What ``--check-images`` does besides decoding.
    """
    parser.add_argument(
        '--check-images', action='store_true',
        help=f'{what}, and decode every image in parallel and list the bad '
        'ones')
    parser.add_argument(
        '--nproc', type=int, default=8,
        help='decoding processes of --check-images')


def check_splits(build: Callable[..., Any],
                 splits: Sequence[str],
                 nproc: int = 0) -> Dict[str, int]:
    """Build each split (its start-up checks run) and, with ``nproc > 0``,
    decode its images (:func:`report_bad_images`): the tools' check mode.

    Args:
        build (Callable): ``build(split=..., check_files=...,
            serialize_data=...)`` returns the dataset, e.g.
            ``functools.partial(ImageNet, data_root=root)``.
        splits (Sequence[str]): The splits to check.
        nproc (int): Decoding processes; 0 does not decode. When decoding,
            the datasets are built with ``check_files=False``: missing files
            are listed with the undecodable ones.

    Returns:
        dict: Number of images per split.

    Raises:
        SystemExit: With status 1 when an image cannot be loaded.
    """
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
    """Names the file (and where it is listed) of an image that the
    loading pipeline fails on, or skips it and counts.

    Nothing is added to the normal path: only when the pipeline raises is
    the image decoded again (:func:`image_problem`); if it is bad the error
    becomes a :class:`BadImageError`, else the pipeline's own error is
    raised unchanged. The error's message survives the re-raise of a
    data-loader worker's exception in the main process.

    Subclasses set ``self.bad_images`` through :meth:`_init_bad_images` and
    may refine :meth:`describe_images`.
    """

    def _init_bad_images(self, bad_images: str, test_mode: bool) -> None:
        if bad_images not in BAD_IMAGES:
            raise DataError(f'{type(self).__name__}.bad_images='
                            f'{bad_images!r} is not supported; allowed: '
                            f'{BAD_IMAGES}')
        if bad_images == 'skip' and test_mode:
            raise DataError(
                f"{type(self).__name__}.bad_images='skip' needs "
                'test_mode=False: a test set must not lose images')
        self.bad_images = bad_images
        self.skipped_images: Set[str] = set()

    def describe_images(self, infos: List[dict]) -> List[str]:
        """Where the image of each data info comes from, for messages: the
        annotation file (or the data root); the list and COCO datasets
        override it with the line or the image id."""
        source = self.ann_file or self.data_root
        return [f'listed in {source}'] * len(infos)

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
