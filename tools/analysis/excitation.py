"""Record and plot the excitations of SE blocks (the paper's Fig. 5).

Runs a trained classifier over its config's test (or val) set and writes,
to --out, ``excitation.npz`` (gate values per image and block),
``excitation.csv`` (mean activation per block, class and sampled channel)
and one ``<block>.png`` per block::

    python tools/analysis/excitation.py configs/se_resnet50_imagenet.py \\
        se_resnet50.pth --out work_dirs/fig5 --classes 1 254 404 972 \\
        --blocks SE_2_3 SE_3_4 SE_4_6 SE_5_1 SE_5_2 SE_5_3
"""
import argparse

from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader, Subset

from se_plugin.analysis.excitation import (record_dataset, select_images,
                                           summarize)
from se_plugin.analysis.fig5 import plot_blocks, write_numbers
from se_plugin.apis import build_model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='classifier config')
    parser.add_argument('checkpoint', help='trained weights')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument(
        '--blocks', nargs='+',
        help='SE blocks to record, e.g. SE_2_3 SE_5_1 (default: all)')
    parser.add_argument(
        '--classes', nargs='+',
        help='classes to plot, by index or name (default: all)')
    for flag, default, text in (
        ('--per-class', 50, 'images per class, the first in dataset order; '
         '0 for all (default: 50, as the paper)'),
        ('--channels', 50, 'channels sampled per block (default: 50)'),
        ('--seed', 0, 'seed of the channel sample'),
    ):
        parser.add_argument(flag, type=int, default=default, help=text)
    parser.add_argument('--split', choices=('test', 'val'), default='test',
                        help='which dataloader of the config to read')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries')
    return parser.parse_args(argv)


def class_indices(tokens, names):
    """Class indices from indices or names."""
    if tokens is None:
        return list(range(len(names)))
    indices = []
    for token in tokens:
        if token in names:
            indices.append(list(names).index(token))
        elif token.isdigit() and int(token) < len(names):
            indices.append(int(token))
        else:
            raise ValueError(f'--classes {token!r} is neither a class name '
                             f'nor an index < {len(names)} of the dataset')
    return indices


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    from mmpretrain.registry import DATASETS
    model = build_model(cfg, args.checkpoint)
    dataset = DATASETS.build(cfg[f'{args.split}_dataloader'].dataset)
    names = dataset.metainfo['classes']
    classes = class_indices(args.classes, names)
    indices = select_images(dataset.get_gt_labels(), args.per_class or None)
    loader = DataLoader(Subset(dataset, indices.tolist()),
                        batch_size=args.batch_size, collate_fn=pseudo_collate)
    record = record_dataset(model, loader, args.blocks)
    record['indices'] = indices
    rows = summarize(record['gates'], record['labels'], classes,
                     args.channels, args.seed)
    paths = write_numbers(args.out, record, rows, names)
    paths['png'] = plot_blocks(args.out, rows, names)
    print('\n'.join(f'{k}: {v}' for k, v in paths.items()))
    return paths


if __name__ == '__main__':
    main()
