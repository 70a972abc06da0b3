"""Write an image-folder dataset in CIFAR's python-pickle layout (32x32 RGB).

The input is SRC/<train-dir>/<class>/<image> and SRC/<test-dir>/<class>/...
(e.g. the digits of prepare_digits.py); the output is
OUT/cifar-10-batches-py/ (or OUT/cifar-100-python/), read by the configs in
configs/cifar/ through se_plugin.CheckedCIFAR10/100. An existing output
folder is refused unless ``--overwrite`` (then only when this tool wrote
what it holds), and the output never overlaps the input splits
(:mod:`se_plugin.engine.outputs`).

Example:
    python tools/dataset_converters/prepare_digits.py data/digits
    python tools/dataset_converters/to_cifar.py data/digits data/digits_cifar
"""
import argparse
import os
import os.path as osp

from se_plugin.datasets.cifar import LAYOUTS, write_cifar
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.outputs import write_dir


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='image-folder dataset root')
    parser.add_argument('out', help='output root')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace an earlier output of this tool (never '
                        'other files)')
    parser.add_argument('--layout', choices=tuple(LAYOUTS), default='cifar10',
                        help='file names and label keys to write')
    parser.add_argument('--train-dir', default='train',
                        help='training split folder under SRC')
    parser.add_argument('--test-dir', default='val',
                        help='test split folder under SRC')
    return parser.parse_args(argv)


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    folder = osp.join(args.out, LAYOUTS[args.layout][0])
    splits = [osp.join(args.src, d) for d in (args.train_dir, args.test_dir)]

    def write():
        if osp.isdir(folder) and not any(os.scandir(folder)):
            os.rmdir(folder)  # write_cifar creates it
        return write_cifar(args.src, args.out, args.layout, args.train_dir,
                           args.test_dir)

    counts = write_dir(folder, write, splits, args.overwrite, option='out')
    print(f'Wrote {counts["train"]} train and {counts["test"]} test images '
          f'of {counts["classes"]} classes to {args.out} ({args.layout})')


if __name__ == '__main__':
    main()
