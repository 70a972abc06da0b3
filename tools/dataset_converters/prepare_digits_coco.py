"""Write the toy digits detection dataset (COCO format) for the demos.

Real handwritten digits (scikit-learn's) pasted on 128x128 canvases, several
per image; see :mod:`se_plugin.datasets.digits_coco`.

Example:
    python tools/dataset_converters/prepare_digits_coco.py data/digits_coco
"""
import argparse

from se_plugin.datasets.digits_coco import make_digits_coco


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'root', nargs='?', default='data/digits_coco', help='output folder')
    parser.add_argument(
        '--num-images',
        type=int,
        nargs=2,
        default=(400, 100),
        metavar=('TRAIN', 'VAL'),
        help='canvases in the train and val splits')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    args = parser.parse_args(argv)
    counts = make_digits_coco(
        args.root,
        num_images=dict(zip(('train', 'val'), args.num_images)),
        seed=args.seed)
    print(f'Wrote {counts["train"]} train images ({counts["train_boxes"]} '
          f'boxes) and {counts["val"]} val images ({counts["val_boxes"]} '
          f'boxes) to {args.root}')


if __name__ == '__main__':
    main()
