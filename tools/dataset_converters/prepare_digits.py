"""Write scikit-learn's digits to disk in the ImageNet layout for the demo.

Example:
    python tools/dataset_converters/prepare_digits.py data/digits
    python tools/dataset_converters/prepare_digits.py data/digits \
        --check-images     # check what is there: lists, labels, every image
"""
import argparse

from se_plugin.datasets.digits import SPLITS, prepare_digits
from se_plugin.datasets.image_check import add_check_args, check_splits
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.outputs import write_dir


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'root', nargs='?', default='data/digits', help='output folder')
    parser.add_argument(
        '--val-ratio', type=float, default=0.2, help='validation fraction')
    parser.add_argument('--seed', type=int, default=0, help='split seed')
    parser.add_argument(
        '--image-size', type=int, default=32, help='image side in pixels')
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace what this tool wrote in root before')
    add_check_args(parser, 'write nothing: check the lists')
    return parser.parse_args(argv)


def check(root: str, nproc: int):
    """Build both splits as the demo config does and decode every image.

    Raises:
        SystemExit: When an image cannot be loaded.
    """
    from se_plugin.datasets import CheckedCustomDataset

    def build(split, **kwargs):
        return CheckedCustomDataset(
            data_root=root, ann_file=f'meta/{split}.txt', data_prefix=split,
            metainfo=dict(classes=[str(c) for c in range(10)]),
            **kwargs)

    return check_splits(build, SPLITS, nproc)


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    if args.check_images:
        check(args.root, args.nproc)
        return
    counts = write_dir(
        args.root, lambda: prepare_digits(
            args.root, val_ratio=args.val_ratio, seed=args.seed,
            image_size=args.image_size), overwrite=args.overwrite)
    print(f'Wrote {counts["train"]} train and {counts["val"]} val images '
          f'of {counts["classes"]} classes to {args.root}')


if __name__ == '__main__':
    main()
