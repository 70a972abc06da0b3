"""Quantize an exported ONNX model to int8 with ONNX Runtime (SE's recipe).

Static QDQ quantization through :func:`se_plugin.deployment.quantize.
quantize_int8` (an SE squeeze left as ``ReduceMean`` by an export other
than ``export_onnx`` rewritten to ``GlobalAveragePool``, per-channel int8
weights, uint8 activations).
Calibration images come from a config's dataset, read through its own test
pipeline and data_preprocessor, or, for timing only, are random
(``--random``: the ranges, and so the accuracy, mean nothing).

Examples::

    python tools/deployment/quantize_onnx.py se_resnet18_digits.onnx \\
        se_resnet18_digits_int8.onnx \\
        --calib-config configs/digits/se_resnet18_digits.py --num-images 256
    python tools/deployment/quantize_onnx.py se_resnet50.onnx x_int8.onnx \\
        --random --shape 224 224
"""
import argparse
import os
import os.path as osp

import numpy as np

from se_plugin.deployment.quantize import (ACTIVATIONS, config_batches,
                                           quantize_int8)
from se_plugin.engine.errors import OptionError, report_user_errors
from se_plugin.engine.runner import check_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input', help='the float .onnx file')
    parser.add_argument('output', help='the int8 .onnx file; an existing '
                        'file is kept unless --overwrite')
    parser.add_argument('--overwrite', action='store_true')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--calib-config',
                        help='mmpretrain config whose dataset calibrates')
    source.add_argument('--random', action='store_true',
                        help='random calibration images (timing only)')
    parser.add_argument('--calib-split', choices=['train', 'val', 'test'],
                        help='--calib-config\'s split (default: train)')
    parser.add_argument('--data-root', help='replaces the dataset root')
    parser.add_argument('--num-images', type=int, default=256,
                        help='calibration images (default: 256)')
    parser.add_argument('--batch', type=int, default=32,
                        help='calibration batch size (default: 32)')
    parser.add_argument('--shape', type=int, nargs=2,
                        metavar=('H', 'W'),
                        help='--random image size (default: 224 224)')
    parser.add_argument('--activations', choices=list(ACTIVATIONS),
                        default='uint8')
    parser.add_argument('--fold-se', type=int, metavar='BATCH',
                        help='fold each bottleneck SE scale into the int8 '
                        'convolution before it (faster); the file then '
                        'takes this batch size only')
    return parser.parse_args(argv)


@report_user_errors
def main(argv=None):
    """Run the tool; returns :func:`quantize_int8`'s counts."""
    args = parse_args(argv)
    if not osp.isfile(args.input):
        raise OptionError(f'input {args.input!r} does not exist')
    for key in ('num_images', 'batch', 'fold_se'):
        if getattr(args, key) is not None and getattr(args, key) < 1:
            raise OptionError(f'--{key.replace("_", "-")}='
                              f'{getattr(args, key)} must be >= 1')
    # An option of the other calibration source would be ignored: refused.
    unused = (('--calib-split', '--data-root') if args.random else
              ('--shape', ))
    for flag in unused:
        value = getattr(args, flag[2:].replace('-', '_'))
        if value is not None:
            raise OptionError(
                f'{flag}={value!r} is not used with '
                f'{"--random" if args.random else "--calib-config"}')
    check_output(args.output, [args.input], args.overwrite)
    if args.random:
        rng = np.random.default_rng(0)
        height, width = args.shape or (224, 224)
        sizes = [min(args.batch, args.num_images - start)
                 for start in range(0, args.num_images, args.batch)]
        calibration = (rng.standard_normal((n, 3, height, width), np.float32)
                       for n in sizes)
    else:
        if not osp.isfile(args.calib_config):
            raise OptionError(f'--calib-config {args.calib_config!r} does '
                              'not exist')
        calibration = (x for x, _ in config_batches(
            args.calib_config, args.calib_split or 'train', args.num_images,
            args.batch, args.data_root))
    os.makedirs(osp.dirname(osp.abspath(args.output)), exist_ok=True)
    counts = quantize_int8(args.input, args.output, calibration,
                           args.activations, args.fold_se)
    folded = (f', {counts["folded"]} of {counts["scales"]} SE scales folded'
              f' (batch {args.fold_se})' if args.fold_se else '')
    print(f'wrote {args.output} (int8 QDQ, {args.activations} activations, '
          f'{counts["squeezes"]} ReduceMean squeezes as GlobalAveragePool'
          f'{folded})')
    return counts


if __name__ == '__main__':
    main()
