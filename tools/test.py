"""Evaluate a checkpoint on a config's test set with mmengine's Runner.

Works for mmpretrain and mmdet configs alike and prints the metrics. The
checkpoint must fit the config's model (``--allow-partial`` to load what
fits); see docs/user_guides/checkpoints.md.

Example:
    python tools/test.py configs/digits/se_resnet18_digits.py \
        work_dirs/se_resnet18_digits/epoch_6.pth --out metrics.json
"""
import argparse
import json
import sys
from pathlib import Path

from mmengine.dist import is_main_process

# The options both tools share live in train.py next to this file; its
# folder is on sys.path when run as a script but not when imported.
sys.path.append(str(Path(__file__).parent))
from train import (add_runner_args, build_runner, load_config,  # noqa: E402
                   report_user_errors)

from se_plugin.engine import UserInputError  # noqa: E402
from se_plugin.engine.atomic import atomic_write  # noqa: E402
from se_plugin.engine.config import SAFE_HOOK  # noqa: E402
from se_plugin.engine.loading import read_checkpoint  # noqa: E402

OUT_SUFFIXES = {
    '.json': 'the metrics',
    '.pkl': 'the predictions',
    '.pickle': 'the predictions'
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    add_runner_args(parser)
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out',
        help='write the metrics (.json) or the predictions (.pkl/.pickle, '
        "with mmengine's DumpResults) to this file")
    parser.add_argument(
        '--allow-partial',
        action='store_true',
        help='load only the weights that fit the model (by default missing, '
        'unexpected or mis-shaped keys stop the run)')
    args = parser.parse_args(argv)
    if args.out is not None and not args.out.endswith(tuple(OUT_SUFFIXES)):
        parser.error(f'--out={args.out!r} must end with one of '
                     f'{sorted(OUT_SUFFIXES)} ({OUT_SUFFIXES})')
    return args


def check_checkpoint(cfg, args):
    """Read the checkpoint before the Runner does, for a one-line error,
    and pass ``--allow-partial`` to the checkpoint hook.

    Raises:
        CheckpointError: The file is no readable checkpoint.
        UserInputError: ``--allow-partial`` with a hook that cannot do it.
    """
    read_checkpoint(args.checkpoint)
    if not args.allow_partial:
        return
    hook = cfg.default_hooks.get('checkpoint')
    if hook is None or hook.get('type') != SAFE_HOOK:
        raise UserInputError(
            f'--allow-partial needs default_hooks.checkpoint.type='
            f'{SAFE_HOOK!r}; the config has {hook!r}')
    hook.strict_load = False


@report_user_errors
def main(argv=None):
    """Test the checkpoint and print its metrics.

    Args:
        argv (list[str], optional): Command-line arguments. Defaults to
            ``sys.argv[1:]``.

    Returns:
        dict: The metrics, e.g. ``{'accuracy/top1': 97.5}``.
    """
    args = parse_args(argv)
    cfg = load_config(args)
    check_checkpoint(cfg, args)
    cfg.load_from = args.checkpoint
    if args.out is not None and args.out.endswith(('.pkl', '.pickle')):
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpResults', out_file_path=args.out)
        ]
    metrics = build_runner(cfg).test()
    if not is_main_process():  # every rank holds the same metrics
        return metrics
    # Metrics can be numpy scalars, which json does not know.
    text = json.dumps(metrics, indent=1, default=float)
    print(f'Test metrics of {args.checkpoint}:\n{text}')
    if args.out is not None and args.out.endswith('.json'):
        atomic_write(args.out, text + '\n')
    return metrics


if __name__ == '__main__':
    main()
