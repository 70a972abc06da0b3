"""Train a model from an mmpretrain or mmdet config with mmengine's Runner.

The config's ``default_scope`` picks the toolbox; ``import se_plugin``
allow-lists mmengine's checkpoint contents for ``torch.load`` so that
``--resume`` and ``load_from`` work with torch>=2.6. Checkpoints are saved
by se_plugin's SafeCheckpointHook (atomic, never losing the last one) and
loaded strictly; ``--resume`` picks the newest complete checkpoint. See
docs/user_guides/checkpoints.md. Errors in the user's input are one line
on stderr (exit status 1).

Example:
    python tools/train.py configs/digits/se_resnet18_digits.py
"""
import argparse
import datetime
import os
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import se_plugin  # noqa: F401
from se_plugin.engine.config import (read_config, use_safe_checkpoint_hook,
                                     warn_new_keys)
from se_plugin.engine.errors import ConfigError, report_user_errors
from se_plugin.engine.loading import (check_resumable, find_resumable,
                                      read_checkpoint)

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


class CfgOptionsAction(DictAction):
    """DictAction that names a malformed item instead of failing to unpack
    it."""

    def __call__(self, parser, namespace, values, option_string=None):
        for item in values:
            key, sep, _ = item.partition('=')
            if not sep or not key:
                parser.error(
                    f'{option_string} item {item!r} is not KEY=VALUE; '
                    'allowed: a dotted config key, "=" and a Python value, '
                    'e.g. train_cfg.max_epochs=1 or '
                    "model.backbone.init_cfg=None")
        super().__call__(parser, namespace, values, option_string)


def add_runner_args(parser):
    """Add the options that train.py and test.py share.

    Args:
        parser (argparse.ArgumentParser): Parser to extend.
    """
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--work-dir',
        help='folder for logs and checkpoints (default: the config\'s '
        'work_dir, else work_dirs/<config name>)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        help='override config entries, e.g. train_cfg.max_epochs=1 '
        'model.backbone.se_cfg.ratio=8 (merged before the other options)')
    parser.add_argument(
        '--launcher', choices=LAUNCHERS, default='none', help='job launcher')
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args):
    """Read the config and apply the options both tools share.

    Args:
        args (argparse.Namespace): Parsed arguments of
            :func:`add_runner_args`.

    Returns:
        mmengine.Config: The config to build the runner from; it saves
        checkpoints with se_plugin's SafeCheckpointHook.

    Raises:
        ConfigError: The config does not parse, or the work dir is a file.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = read_config(args.config)
    if args.cfg_options is not None:
        warn_new_keys(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    use_safe_checkpoint_hook(cfg)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        name = osp.splitext(osp.basename(args.config))[0]
        cfg.work_dir = osp.join('work_dirs', name)
    if osp.exists(cfg.work_dir) and not osp.isdir(cfg.work_dir):
        raise ConfigError(f'work dir {cfg.work_dir}: is a file, not a '
                          'folder; give another --work-dir')
    return cfg


def init_cpu_distributed(cfg):
    """Start the process group of ``--launcher pytorch`` without CUDA.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` for this
    launcher whatever the backend, and its default DDP wrapper pins
    ``device_ids`` to the local GPU; both fail on a CPU-only machine. The
    Runner uses a process group that already exists, and ``device_ids=None``
    is DDP's setting for CPU modules.

    Args:
        cfg (mmengine.Config): Config from :func:`load_config`.
    """
    if (cfg.launcher != 'pytorch' or torch.cuda.is_available()
            or torch.distributed.is_initialized()):
        return
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    if dist_cfg.get('backend') != 'gloo':
        raise ConfigError(
            f'env_cfg.dist_cfg.backend={dist_cfg.get("backend")!r} needs '
            "CUDA; without it only 'gloo' is allowed: add --cfg-options "
            'env_cfg.dist_cfg.backend=gloo')
    if 'timeout' in dist_cfg:  # seconds in mmengine configs
        dist_cfg['timeout'] = datetime.timedelta(seconds=dist_cfg['timeout'])
    torch.distributed.init_process_group(**dist_cfg)
    cfg.setdefault('model_wrapper_cfg', dict(type='MMDistributedDataParallel'))
    cfg.model_wrapper_cfg.setdefault('device_ids', None)


def build_runner(cfg):
    """Build the config's runner: ``runner_type`` if set, else Runner."""
    init_cpu_distributed(cfg)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a model')
    add_runner_args(parser)
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        help='resume from this checkpoint, or without a value from the '
        'newest complete checkpoint in the work dir (the highest iteration '
        'among epoch_N.pth/iter_N.pth that loads)')
    parser.add_argument(
        '--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by total batch size / auto_scale_lr.'
        'base_batch_size')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='skip validation during training')
    return parser.parse_args(argv)


def merge_train_args(cfg, args):
    """Apply the training options to the config.

    Args:
        cfg (mmengine.Config): Config from :func:`load_config`.
        args (argparse.Namespace): Parsed arguments of :func:`parse_args`.

    Returns:
        mmengine.Config: The same config, updated.
    """
    loop = cfg.get('train_cfg') or {}
    for key in ('max_epochs', 'max_iters'):
        # mmengine fails later, in a scheduler or the loop, without the key.
        value = loop.get(key)
        if key in loop and (isinstance(value, bool)
                            or not isinstance(value, int) or value < 1):
            raise ConfigError(f'train_cfg.{key}={value!r} is not supported; '
                              'allowed: an int >= 1')
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None:
        # Not the Runner's own look-up: it trusts last_checkpoint and,
        # without one, silently starts from scratch.
        path = args.resume
        if path == 'auto':
            path = find_resumable(cfg.work_dir,
                                  MMLogger.get_current_instance())
        check_resumable(path, read_checkpoint(path))
        cfg.resume = True
        cfg.load_from = path
    if args.auto_scale_lr:
        if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
            raise ConfigError(
                f'--auto-scale-lr needs auto_scale_lr.base_batch_size in '
                f'the config; {args.config} has auto_scale_lr='
                f'{cfg.get("auto_scale_lr")!r}')
        cfg.auto_scale_lr.enable = True
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    return cfg


@report_user_errors
def main(argv=None):
    args = parse_args(argv)
    cfg = merge_train_args(load_config(args), args)
    build_runner(cfg).train()


if __name__ == '__main__':
    main()
