"""Export a config's model to ONNX and check it with ONNX Runtime.

Batch, height and width are dynamic. The file is checked at two input sizes
other than the export size (by default ``2 x (H + 32) x W`` and ``3 x H x
(W + 64)``: stride-32 networks such as BN-Inception take multiples of 32):
the largest absolute difference from PyTorch and the allowed one are
printed, and the tool fails if the difference exceeds the allowed one:
``max(1e-4, 3 x PyTorch's own float32-vs-float64 error)`` on that input
(:func:`se_plugin.deployment.scaled_bound`), or ``--tolerance`` if given. Classifiers export their class
scores, detectors their backbone and neck (see
:class:`se_plugin.deployment.GraphModel`); inputs are normalised images.

Examples::

    python tools/deployment/export_onnx.py configs/se_resnet50_imagenet.py \\
        se_resnet50.pth --out work_dirs/se_resnet50.onnx
    python tools/deployment/export_onnx.py \\
        configs/detection/faster-rcnn_se-r50_fpn_1x_coco.py \\
        --exporter dynamo --shape 800 1216
"""
import argparse
import os
import os.path as osp
import sys

from se_plugin.deployment import (EXPORTERS, build_model, compare_onnx,
                                  export_onnx)
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.outputs import check_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='mmpretrain or mmdet config')
    parser.add_argument('checkpoint', nargs='?', help='weights (optional)')
    parser.add_argument(
        '--out', help='the .onnx file (default: work_dirs/<config '
        'name>_<exporter>.onnx); an existing file is kept unless '
        '--overwrite')
    parser.add_argument('--overwrite', action='store_true')
    parser.add_argument('--exporter', choices=EXPORTERS,
                        default='torchscript',
                        help='torch.onnx.export(dynamo=False) or '
                        'dynamo=True (default: torchscript)')
    parser.add_argument('--opset', type=int,
                        help='default: 17 (torchscript), the exporter\'s '
                        'own (dynamo)')
    parser.add_argument('--shape', type=int, nargs=2, default=(224, 224),
                        metavar=('H', 'W'),
                        help='export input size (default: 224 224)')
    parser.add_argument(
        '--size-multiple', type=int, default=1,
        help='dynamo only: height and width are multiples of this (32 for '
        'SE-BN-Inception; default: 1)')
    parser.add_argument('--batch', type=int, default=1,
                        help='export batch size (default: 1)')
    parser.add_argument(
        '--check-shapes', type=int, nargs=3, action='append',
        metavar=('N', 'H', 'W'),
        help='an input size to compare at (repeat the option for more); '
        'default: 2 x (H + 32) x W and 3 x H x (W + 64)')
    parser.add_argument(
        '--tolerance', type=float,
        help='largest allowed absolute difference (default: max(1e-4, 3 x '
        'PyTorch\'s float32-vs-float64 error on the same input))')
    return parser.parse_args(argv)


@report_user_errors
def main(argv=None):
    """Run the tool; returns the max difference per check shape."""
    args = parse_args(argv)
    height, width = args.shape
    out = args.out or osp.join(
        'work_dirs', f'{osp.splitext(osp.basename(args.config))[0]}_'
        f'{args.exporter}.onnx')
    check_output(out, [args.config, args.checkpoint], args.overwrite)
    checks = args.check_shapes or [(2, height + 32, width),
                                   (3, height, width + 64)]
    model = build_model(args.config, args.checkpoint)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    export_onnx(model, out, (args.batch, 3, height, width), args.exporter,
                args.opset, args.size_multiple)
    results = compare_onnx(out, model, [(n, 3, h, w) for n, h, w in checks])
    diffs = [d for d, _ in results]
    print(f'wrote {out} ({args.exporter}, exported at {args.batch}x3x'
          f'{height}x{width}, dynamic batch/height/width)')
    failed = []
    for (n, h, w), (diff, bound) in zip(checks, results):
        allowed = bound if args.tolerance is None else args.tolerance
        print(f'ONNX Runtime vs PyTorch at {n}x3x{h}x{w}: max abs '
              f'difference {diff:.3g}, allowed {allowed:.3g}')
        if not diff <= allowed:  # nan fails too
            failed.append(f'{n}x3x{h}x{w}: {diff:.3g} > {allowed:.3g}')
    if failed:
        sys.exit('error: ONNX Runtime disagrees with PyTorch at ' +
                 '; '.join(failed))
    return diffs


if __name__ == '__main__':
    main()
