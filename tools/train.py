"""Train a model from an mmpretrain or mmdet config with mmengine's Runner.

Takes the options of mmpretrain's and mmdet's own tools/train.py; the
config's ``default_scope`` picks whose meaning they have. ``--resume``
without a path takes the newest complete checkpoint of the work dir. User
errors are one ``error:`` line on stderr (exit status 1). A second run in
a work dir that a live run holds stops at once naming it
(:mod:`se_plugin.engine.lock`). See
docs/user_guides/checkpoints.md and :mod:`se_plugin.engine.runner`.

Example:
    python tools/train.py configs/digits/se_resnet18_digits.py
"""
import sys

from se_plugin.engine.errors import report_user_errors
from se_plugin.engine.lock import is_rank_zero, lock_work_dir
from se_plugin.engine.runner import (build_runner, finish_distributed,
                                     load_config, merge_train_args,
                                     runner_parser)


def parse_args(argv=None):
    parser = runner_parser('Train a model')
    parser.add_argument(
        '--resume', nargs='?', const='auto',
        help='resume from this checkpoint, or without a value from the '
        'newest complete checkpoint in the work dir (the highest iteration '
        'among epoch_N.pth/iter_N.pth that loads)')
    for flag, text in (
        ('--amp', 'automatic mixed precision'),
        ('--auto-scale-lr',
         'scale the lr by total batch size / auto_scale_lr.base_batch_size'),
        ('--no-validate', 'skip validation during training'),
        ('--no-persistent-workers',
         'persistent_workers=False in the dataloaders'),
    ):
        parser.add_argument(flag, action='store_true', help=text)
    return parser.parse_args(argv)


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = merge_train_args(load_config(args), args)
    if getattr(args, 'finished', None):
        print(args.finished, file=sys.stderr)
        return
    # One writer per work dir; the lock is released when the process ends.
    lock = lock_work_dir(cfg.work_dir) if is_rank_zero() else None
    try:
        build_runner(cfg).train()
        finish_distributed()
    finally:
        if lock is not None:
            lock.close()


if __name__ == '__main__':
    main()
