"""Evaluate a checkpoint on a config's test set with mmengine's Runner.

Takes the options of mmpretrain's and mmdet's own tools/test.py; the
config's ``default_scope`` picks whose meaning they have (dump, TTA,
visualization). The checkpoint must fit the config's model
(``--allow-partial`` loads what fits); ``--out`` never replaces a file
without ``--overwrite``, nor ever one of the inputs. See
docs/user_guides/checkpoints.md and :mod:`se_plugin.engine.runner`.

Example:
    python tools/test.py configs/digits/se_resnet18_digits.py \
        work_dirs/se_resnet18_digits/epoch_6.pth --out metrics.json
"""
import json

import mmengine
from mmengine.dist import is_main_process

from se_plugin.engine.atomic import atomic_write
from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.loading import read_checkpoint
from se_plugin.engine.runner import (allow_partial, build_runner,
                                     dump_predictions, finish_distributed,
                                     load_config, merge_test_args, out_item,
                                     runner_parser)


def parse_args(argv=None):
    parser = runner_parser('Test a checkpoint')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out', help='write the metrics (.json/.yaml/.yml) or the '
        'predictions (.pkl/.pickle) to this file')
    parser.add_argument(
        '--out-item', choices=['metrics', 'pred'],
        help='what --out holds (default: by its suffix)')
    parser.add_argument('--overwrite', action='store_true',
                        help='let --out replace an existing file')
    parser.add_argument(
        '--allow-partial', action='store_true',
        help='load only the weights that fit the model (by default missing, '
        'unexpected or mis-shaped keys stop the run)')
    parser.add_argument('--amp', action='store_true',
                        help='test in mixed precision (test_cfg.fp16)')
    parser.add_argument('--show', action='store_true',
                        help='show the predictions in a window')
    parser.add_argument('--show-dir',
                        help='save the drawn predictions to this folder')
    parser.add_argument('--interval', type=int, default=1,
                        help='draw every INTERVAL-th image (default: 1)')
    parser.add_argument('--wait-time', type=float, default=2,
                        help='seconds each --show window stays')
    parser.add_argument('--tta', action='store_true',
                        help="test-time augmentation: the config's "
                        'tta_model/tta_pipeline, else flips')
    args = parser.parse_args(argv)
    if args.out_item is not None and args.out is None:
        parser.error('--out-item needs --out')
    return args


@report_user_errors
def main(argv=None):
    """Test the checkpoint, print its metrics and return them (a dict,
    e.g. ``{'accuracy/top1': 97.5}``)."""
    args = parse_args(argv)
    cfg = merge_test_args(load_config(args), args)
    read_checkpoint(args.checkpoint)  # a one-line error for a bad file
    if args.allow_partial:
        allow_partial(cfg)
    runner = build_runner(cfg)
    item = out_item(args) if args.out is not None else None
    if item == 'pred':
        dump_predictions(runner, cfg, args.out)
    metrics = runner.test()
    if is_main_process():  # every rank holds the same metrics
        # Metrics can be numpy scalars, which json does not know.
        text = json.dumps(metrics, indent=1, default=float)
        print(f'Test metrics of {args.checkpoint}:\n{text}')
        if item == 'metrics':
            fmt = args.out.rpartition('.')[2]
            atomic_write(args.out, text + '\n' if fmt == 'json' else
                         mmengine.dump(metrics, file_format=fmt))
    finish_distributed()
    return metrics


if __name__ == '__main__':
    main()
