"""Check an extracted Places365 against the official file lists.

The official archives already have the layout se_plugin.Places365 reads
(README, "Prepare Places365"); this builds each requested split with the
dataset's checks (every listed image exists, every label in 0..364) and
prints the counts next to the official ones.

With ``--check-images`` it also decodes every image in parallel (progress
bar) and lists those that cannot be loaded (missing, empty, undecodable).

Example:
    python tools/dataset_converters/prepare_places365.py data/places365 \
        --splits train-challenge val
    python tools/dataset_converters/prepare_places365.py data/places365 \
        --splits val --check-images --nproc 16
"""
import argparse
from functools import partial
from typing import Dict, Sequence

from se_plugin.datasets.image_check import add_check_args, check_splits
from se_plugin.datasets.places365 import SPLITS

NUM_IMAGES = {
    'train-standard': 1_803_460,
    'train-challenge': 8_026_628,
    'val': 36_500,
}


def check(root: str, splits: Sequence[str], nproc: int = 0) -> Dict[str, int]:
    """Build the splits with se_plugin.Places365 (all its checks) and, with
    ``nproc > 0``, decode every image; as ``prepare_imagenet.check``.

    Args:
        root (str): The Places365 data root.
        splits (Sequence[str]): Splits to check.
        nproc (int): Processes that decode the images; 0 decodes none.
    """
    from se_plugin.datasets import Places365
    return check_splits(partial(Places365, data_root=root), splits, nproc)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='Places365 data root')
    parser.add_argument('--splits', nargs='+', choices=tuple(SPLITS),
                        default=['train-challenge', 'val'])
    add_check_args(parser, 'check the lists and labels')
    args = parser.parse_args(argv)
    nproc = args.nproc if args.check_images else 0
    for split, n in check(args.root, args.splits, nproc).items():
        note = '' if n == NUM_IMAGES[split] else (
            f' (the official list has {NUM_IMAGES[split]:,})')
        print(f'{split}: {n:,} images{note}')


if __name__ == '__main__':
    main()
