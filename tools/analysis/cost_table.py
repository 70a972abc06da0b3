"""Parameters, FLOPs and (with --speed) timings of configs vs a baseline.

The paper's Tables 2, 3 and 7 as Markdown (printed and saved) and CSV::

    python tools/analysis/cost_table.py configs/se_resnet/resnet50_imagenet.py \\
        configs/se_resnet50_imagenet.py --speed --out work_dirs/cost_50

See :mod:`se_plugin.analysis.cost` for what the FLOP count includes.
"""
import argparse
import os
import os.path as osp

from se_plugin.analysis.cost import cost_rows, to_csv, to_markdown
from se_plugin.apis import build_model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+', help='classifier configs')
    parser.add_argument(
        '--baseline', help='config the ratios refer to (one of the '
        'configs; defaults to the first)')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=(224, 224),
        metavar=('H', 'W'), help='input size (default: 224 224)')
    parser.add_argument('--speed', action='store_true',
                        help='also time forward and forward+backward on '
                        'this machine')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--out', help='write OUT.md and OUT.csv')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    baseline = args.baseline or args.configs[0]
    if baseline not in args.configs:
        args.configs.insert(0, baseline)
    names = {c: osp.splitext(osp.basename(c))[0] for c in args.configs}
    models = {names[c]: build_model(c) for c in args.configs}
    speed = dict(batch_size=args.batch_size, repeats=args.repeats,
                 warmup=args.warmup) if args.speed else None
    rows = cost_rows(models, names[baseline], (3, *args.shape), speed)
    table = to_markdown(rows)
    print(table)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        for ext, text in (('md', table), ('csv', to_csv(rows))):
            with open(f'{args.out}.{ext}', 'w') as f:
                f.write(text)
    return rows


if __name__ == '__main__':
    main()
