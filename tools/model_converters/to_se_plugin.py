"""Convert published SENet/ResNet weights into se_plugin's layout.

Writes the converted checkpoint and, next to it, the config that builds the
matching se_plugin classifier (same name, ``.py``)::

    python tools/model_converters/to_se_plugin.py timm legacy_seresnet50 \\
        se_resnet50-ce0d4300.pth checkpoints/legacy_seresnet50.pth
"""
import argparse
import io
import os.path as osp
import sys

import torch

from se_plugin.converters import convert, load_weights
from se_plugin.engine.atomic import atomic_write
from se_plugin.engine.errors import report_user_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
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
    parser.add_argument(
        '--force',
        action='store_true',
        help='replace existing outputs (never the source)')
    return parser.parse_args(argv)


def _same_file(a, b):
    if osp.exists(a) and osp.exists(b):
        return osp.samefile(a, b)  # also through links
    return osp.realpath(a) == osp.realpath(b)


def check_outputs(src, outputs, force):
    """Refuse outputs that would overwrite the source or, without
    ``--force``, an existing file.

    Returns:
        str: The reason to stop, or None.
    """
    for out in outputs:
        if _same_file(src, out):
            return (f'the output {out} is the source {src}; the converter '
                    'never overwrites its input, give another dst')
    existing = [out for out in outputs if osp.lexists(out)]
    if existing and not force:
        return (f'{" and ".join(existing)} already exist(s); pass --force '
                'to replace, or give another dst')
    return None


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    config = osp.splitext(args.dst)[0] + '.py'
    refusal = check_outputs(args.src, [args.dst, config], args.force)
    if refusal:
        sys.exit(f'error: {refusal}')
    converted = convert(load_weights(args.src), args.source, args.arch)
    meta = dict(source=args.source, arch=args.arch, converted_from=args.src)
    weights = io.BytesIO()
    torch.save(dict(state_dict=converted.state_dict, meta=meta), weights)
    atomic_write(args.dst, weights.getvalue())
    atomic_write(config, converted.config)
    print(f'weights: {args.dst}\nconfig: {config}')


if __name__ == '__main__':
    main()
