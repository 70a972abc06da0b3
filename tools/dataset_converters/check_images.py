"""Decode every image of a config's datasets and list the bad ones.

Builds ``train_dataloader.dataset``, ``val_dataloader.dataset`` and
``test_dataloader.dataset`` of the config (their start-up checks run: list
lines, labels, COCO annotations) with ``check_files=False``, then decodes
each image as the loading pipeline would, in parallel with a progress bar,
and prints every image that is missing, empty, a folder or undecodable,
with its list line (or COCO image id). Exits with status 1 if any is bad.

Example:
    python tools/dataset_converters/check_images.py \
        configs/se_resnet50_imagenet.py --nproc 16
"""
import argparse
import sys

from mmengine.config import Config, DictAction
from mmengine.registry import DATASETS, init_default_scope

from se_plugin.datasets.image_check import DecodeCheckMixin, check_splits

SPLITS = ('train', 'val', 'test')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config file path')
    parser.add_argument('--splits', nargs='+', choices=SPLITS,
                        default=list(SPLITS), help='dataloaders to check')
    parser.add_argument('--nproc', type=int, default=8,
                        help='decoding processes')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. '
                        'train_dataloader.dataset.data_root=/data/imagenet')
    args = parser.parse_args(argv)
    if args.nproc < 1:
        parser.error(f'--nproc {args.nproc}: allowed: 1 or more')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    datasets = {}
    for split in args.splits:
        dataset_cfg = cfg.get(f'{split}_dataloader', {}).get('dataset')
        # test_dataloader is often val_dataloader: check it once.
        if dataset_cfg is None or dataset_cfg in datasets.values():
            continue
        dataset_type = DATASETS.get(dataset_cfg['type'])
        if not issubclass(dataset_type or object, DecodeCheckMixin):
            sys.exit(f'{split}_dataloader.dataset.type='
                     f'{dataset_cfg["type"]!r} is not one of se_plugin\'s '
                     'checked datasets; allowed: se_plugin.ImageNet, '
                     'se_plugin.Places365, se_plugin.CheckedCustomDataset, '
                     'se_plugin.CheckedCocoDataset')
        datasets[split] = dataset_cfg
    check_splits(
        lambda split, **kwargs: DATASETS.build(
            dict(datasets[split], **kwargs)),
        list(datasets), args.nproc)


if __name__ == '__main__':
    main()
