"""Convert published SENet/ResNet weights into se_plugin's layout.

Writes the converted checkpoint and, next to it, the config that builds the
matching se_plugin classifier (same name, ``.py``)::

    python tools/model_converters/to_se_plugin.py timm legacy_seresnet50 \\
        se_resnet50-ce0d4300.pth checkpoints/legacy_seresnet50.pth
"""
import argparse
import io
import os.path as osp

import torch

from se_plugin.converters import convert, load_weights
from se_plugin.engine.atomic import atomic_write
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.outputs import check_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--overwrite', '--force', action='store_true',
        help='replace existing outputs (never the source); --force is the '
        'old name')
    parser.add_argument('source', help="'timm', 'torchvision' or "
                        "'mmpretrain'")
    parser.add_argument(
        'arch',
        help='the model the weights belong to: timm.create_model name, '
        'torchvision builder name, mmpretrain model name or config')
    parser.add_argument('src', help='checkpoint to convert')
    parser.add_argument(
        'dst', help='converted checkpoint (.pth); its config goes next to '
        'it with the suffix .py')
    return parser.parse_args(argv)


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    config = osp.splitext(args.dst)[0] + '.py'
    for out in (args.dst, config):
        check_output(out, [args.src], args.overwrite, option='dst')
    converted = convert(load_weights(args.src), args.source, args.arch)
    meta = dict(source=args.source, arch=args.arch, converted_from=args.src)
    weights = io.BytesIO()
    torch.save(dict(state_dict=converted.state_dict, meta=meta), weights)
    atomic_write(args.dst, weights.getvalue())
    atomic_write(config, converted.config)
    print(f'weights: {args.dst}\nconfig: {config}')


if __name__ == '__main__':
    main()
