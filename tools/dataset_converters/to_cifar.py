"""Write an image-folder dataset in CIFAR's python-pickle layout (32x32 RGB).

The input is SRC/<train-dir>/<class>/<image> and SRC/<test-dir>/<class>/...
(e.g. the digits of prepare_digits.py); the output is
OUT/cifar-10-batches-py/ (or OUT/cifar-100-python/), read by the configs in
configs/cifar/ through se_plugin.CheckedCIFAR10/100. An existing output is
never overwritten.

Example:
    python tools/dataset_converters/prepare_digits.py data/digits
    python tools/dataset_converters/to_cifar.py data/digits data/digits_cifar
"""
import argparse
import sys

from se_plugin.datasets.cifar import LAYOUTS, write_cifar
from se_plugin.engine.errors import UserInputError


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='image-folder dataset root')
    parser.add_argument('out', help='output root')
    parser.add_argument('--layout', choices=tuple(LAYOUTS), default='cifar10',
                        help='file names and label keys to write')
    parser.add_argument('--train-dir', default='train',
                        help='training split folder under SRC')
    parser.add_argument('--test-dir', default='val',
                        help='test split folder under SRC')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        counts = write_cifar(args.src, args.out, args.layout, args.train_dir,
                             args.test_dir)
    except UserInputError as e:
        sys.exit(f'error: {e}')
    print(f'Wrote {counts["train"]} train and {counts["test"]} test images '
          f'of {counts["classes"]} classes to {args.out} ({args.layout})')


if __name__ == '__main__':
    main()
