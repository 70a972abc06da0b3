"""Write (or check) the meta files of ImageNet-1k for se_plugin.ImageNet.

Input, the official ILSVRC2012 archives extracted under ``ROOT`` (README,
"Prepare ImageNet")::

    ROOT/train/n01440764/n01440764_10026.JPEG ...   (1,281,167 images)
    ROOT/val/ILSVRC2012_val_00000001.JPEG ...       (50,000, flat) or
    ROOT/val/n01440764/ILSVRC2012_val_00000293.JPEG (class folders)
    DEVKIT/data/meta.mat, DEVKIT/data/ILSVRC2012_validation_ground_truth.txt

Output, mmpretrain's layout::

    ROOT/meta/train.txt   n01440764/n01440764_10026.JPEG 0
    ROOT/meta/val.txt     ILSVRC2012_val_00000001.JPEG 65

Class indices follow the sorted WordNet ids (mmpretrain's
``IMAGENET_CATEGORIES`` order). The devkit's ground truth uses its own
``ILSVRC2012_ID`` numbering; ``meta.mat`` maps it to WordNet ids.

Examples:
    python tools/dataset_converters/prepare_imagenet.py data/imagenet \
        --devkit data/imagenet/ILSVRC2012_devkit_t12
    python tools/dataset_converters/prepare_imagenet.py data/imagenet --check
    python tools/dataset_converters/prepare_imagenet.py data/imagenet \
        --check-images --nproc 16
"""
import argparse
import os
import os.path as osp
from functools import partial
from typing import Dict, List, Optional

from se_plugin.datasets.image_check import add_check_args, check_splits

NUM_IMAGES = {'train': 1_281_167, 'val': 50_000}
IMAGE_EXTENSIONS = ('.jpeg', '.jpg', '.png')


def list_images(folder: str) -> List[str]:
    """Sorted image file names directly in ``folder``."""
    return sorted(name for name in os.listdir(folder)
                  if name.lower().endswith(IMAGE_EXTENSIONS))


def class_folders(folder: str) -> List[str]:
    """Sorted sub-folder names of ``folder`` (the WordNet ids)."""
    return sorted(name for name in os.listdir(folder)
                  if osp.isdir(osp.join(folder, name)))


def read_devkit(devkit: str) -> List[str]:
    """WordNet id of each validation image, in file-number order.

    Args:
        devkit (str): The extracted ``ILSVRC2012_devkit_t12`` folder.

    Returns:
        list[str]: ``wnids[i]`` is the class of
        ``ILSVRC2012_val_{i + 1:08d}.JPEG``.
    """
    from scipy.io import loadmat  # scipy comes with scikit-learn
    synsets = loadmat(
        osp.join(devkit, 'data', 'meta.mat'), squeeze_me=True)['synsets']
    id_to_wnid = {
        int(s['ILSVRC2012_ID']): str(s['WNID'])
        for s in synsets if int(s['num_children']) == 0
    }
    truth = osp.join(devkit, 'data', 'ILSVRC2012_validation_ground_truth.txt')
    with open(truth) as f:
        return [id_to_wnid[int(x)] for x in f.read().split()]


def write_meta(root: str, devkit: Optional[str] = None) -> Dict[str, int]:
    """Write ``meta/train.txt`` and ``meta/val.txt`` under ``root``.

    Args:
        root (str): Folder with ``train/<wnid>/`` and ``val/``.
        devkit (str, optional): Devkit folder; needed when ``val/`` is flat.

    Returns:
        dict: Number of lines written per split.
    """
    train = osp.join(root, 'train')
    wnids = class_folders(train)
    index = {wnid: i for i, wnid in enumerate(wnids)}
    lines = {'train': [f'{w}/{name} {index[w]}' for w in wnids
                       for name in list_images(osp.join(train, w))]}
    val = osp.join(root, 'val')
    if class_folders(val):
        lines['val'] = [f'{w}/{name} {index[w]}' for w in class_folders(val)
                        for name in list_images(osp.join(val, w))]
    else:
        if devkit is None:
            raise ValueError(
                f'{val} holds the images without class folders; pass '
                '--devkit <ILSVRC2012_devkit_t12> for their labels')
        names = list_images(val)
        truth = read_devkit(devkit)
        if len(names) != len(truth):
            raise ValueError(f'{val} has {len(names)} images but the devkit '
                             f'labels {len(truth)}')
        # Files are named by their position: ILSVRC2012_val_00000001.JPEG.
        lines['val'] = [
            f'{name} {index[truth[int(name.rsplit("_", 1)[1][:8]) - 1]]}'
            for name in names
        ]
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    for split, split_lines in lines.items():
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.writelines(f'{line}\n' for line in split_lines)
    return {split: len(split_lines) for split, split_lines in lines.items()}


def check(root: str, nproc: int = 0) -> Dict[str, int]:
    """Build both splits with se_plugin.ImageNet (all its checks).

    Args:
        root (str): The ImageNet data root.
        nproc (int): With ``nproc > 0``, also decode every image in that
            many processes and list the bad ones (missing files included).

    Returns:
        dict: Number of images per split.

    Raises:
        SystemExit: When an image cannot be loaded.
    """
    from se_plugin.datasets import ImageNet
    return check_splits(partial(ImageNet, data_root=root), NUM_IMAGES, nproc)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='ImageNet data root')
    parser.add_argument('--devkit', help='extracted ILSVRC2012_devkit_t12')
    parser.add_argument('--check', action='store_true',
                        help='only check the layout and meta files')
    add_check_args(parser, '--check')
    args = parser.parse_args(argv)
    if args.check or args.check_images:
        counts = check(args.root, args.nproc if args.check_images else 0)
    else:
        counts = write_meta(args.root, args.devkit)
    for split, n in counts.items():
        note = '' if n == NUM_IMAGES[split] else (
            f' (ImageNet-1k has {NUM_IMAGES[split]:,})')
        print(f'{split}: {n:,} images{note}')


if __name__ == '__main__':
    main()
