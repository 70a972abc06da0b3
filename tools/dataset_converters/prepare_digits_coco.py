"""Write the toy digits detection dataset (COCO format) for the demos.

Example:
    python tools/dataset_converters/prepare_digits_coco.py data/digits_coco
"""
import argparse

from se_plugin.datasets.digits_coco import make_digits_coco


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'root', nargs='?', default='data/digits_coco', help='output folder')
    parser.add_argument(
        '--num-train', type=int, default=400, help='train canvases')
    parser.add_argument('--num-val', type=int, default=100, help='val canvases')
    parser.add_argument(
        '--canvas-size', type=int, default=128, help='canvas side in pixels')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args()


def main():
    args = parse_args()
    counts = make_digits_coco(
        args.root,
        num_images=dict(train=args.num_train, val=args.num_val),
        canvas_size=args.canvas_size,
        seed=args.seed)
    print(f'Wrote {counts["train"]} train images ({counts["train_boxes"]} '
          f'boxes) and {counts["val"]} val images ({counts["val_boxes"]} '
          f'boxes) to {args.root}')


if __name__ == '__main__':
    main()
