"""Write scikit-learn's digits to disk in the ImageNet layout for the demo.

Example:
    python tools/dataset_converters/prepare_digits.py data/digits
"""
import argparse

from se_plugin.datasets.digits import prepare_digits


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'root', nargs='?', default='data/digits', help='output folder')
    parser.add_argument(
        '--val-ratio', type=float, default=0.2, help='validation fraction')
    parser.add_argument('--seed', type=int, default=0, help='split seed')
    parser.add_argument(
        '--image-size', type=int, default=32, help='image side in pixels')
    return parser.parse_args()


def main():
    args = parse_args()
    counts = prepare_digits(
        args.root,
        val_ratio=args.val_ratio,
        seed=args.seed,
        image_size=args.image_size)
    print(f'Wrote {counts["train"]} train and {counts["val"]} val images '
          f'of {counts["classes"]} classes to {args.root}')


if __name__ == '__main__':
    main()
