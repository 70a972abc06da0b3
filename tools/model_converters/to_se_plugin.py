"""Convert published SENet/ResNet weights into se_plugin's layout.

Writes the converted checkpoint and, next to it, the config that builds the
matching se_plugin classifier (same name, ``.py``)::

    python tools/model_converters/to_se_plugin.py timm legacy_seresnet50 \\
        se_resnet50-ce0d4300.pth checkpoints/legacy_seresnet50.pth
"""
import argparse
import os
import os.path as osp

import torch

from se_plugin.converters import convert, load_weights


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', help="'timm', 'torchvision' or "
                        "'mmpretrain'")
    parser.add_argument(
        'arch',
        help='the model the weights belong to: timm.create_model name, '
        'torchvision builder name, mmpretrain model name or config')
    parser.add_argument('src', help='checkpoint to convert')
    parser.add_argument('dst', help='converted checkpoint (.pth)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    converted = convert(load_weights(args.src), args.source, args.arch)
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    meta = dict(source=args.source, arch=args.arch, converted_from=args.src)
    torch.save(dict(state_dict=converted.state_dict, meta=meta), args.dst)
    config = osp.splitext(args.dst)[0] + '.py'
    with open(config, 'w') as f:
        f.write(converted.config)
    print(f'weights: {args.dst}\nconfig: {config}')


if __name__ == '__main__':
    main()
