"""Write the toy digits detection dataset (COCO format) for the demos.

Real handwritten digits (scikit-learn's) pasted on 128x128 canvases, several
per image; see :mod:`se_plugin.datasets.digits_coco`.

Example:
    python tools/dataset_converters/prepare_digits_coco.py data/digits_coco
    python tools/dataset_converters/prepare_digits_coco.py data/digits_coco \
        --check-images     # check what is there: annotations, every image
"""
import argparse

from se_plugin.datasets.digits_coco import CLASSES, SPLITS, make_digits_coco
from se_plugin.datasets.image_check import add_check_args, check_splits
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.outputs import write_dir


def check(root: str, nproc: int):
    """Build both splits as the toy config does and decode every image.

    Raises:
        SystemExit: When an image cannot be loaded.
    """
    from se_plugin.datasets import CheckedCocoDataset

    def build(split, **kwargs):
        return CheckedCocoDataset(
            data_root=root, ann_file=f'annotations/instances_{split}.json',
            data_prefix=dict(img=f'{split}/'), metainfo=dict(classes=CLASSES),
            pipeline=[], **kwargs)

    return check_splits(build, SPLITS, nproc)


@report_user_errors
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
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace what this tool wrote in root before')
    add_check_args(parser, 'write nothing: check the annotations')
    args = parser.parse_args(argv)
    if args.check_images:
        check(args.root, args.nproc)
        return
    num_images = dict(zip(('train', 'val'), args.num_images))
    counts = write_dir(
        args.root, lambda: make_digits_coco(
            args.root, num_images=num_images, seed=args.seed),
        overwrite=args.overwrite)
    print(f'Wrote {counts["train"]} train images ({counts["train_boxes"]} '
          f'boxes) and {counts["val"]} val images ({counts["val_boxes"]} '
          f'boxes) to {args.root}')


if __name__ == '__main__':
    main()
