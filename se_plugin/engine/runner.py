"""Runner glue of tools/train.py and tools/test.py: config, the toolbox's
option merge (see docs/architecture.md), CPU process group, runner."""
import argparse
import copy
import datetime
import functools
import importlib
import importlib.util
import os
import os.path as osp

import torch
from mmengine.config import ConfigDict, DictAction
from mmengine.logging import MMLogger
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from .config import (LOADERS, SAFE_HOOK, check_data_config, read_config,
                     safe_checkpoint_hook, warn_new_keys,
                     warn_unsafe_checkpoint_hook)
from .errors import ConfigError, fail
from .loading import check_resumable, find_resumable, read_checkpoint
from .outputs import check_output
from .resume import check_resume_config

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')
#: ``tools/test.py --out``: the suffixes of each ``--out-item``.
OUT_SUFFIXES = dict(pred=('.pkl', '.pickle'),
                    metrics=('.json', '.yaml', '.yml', '.pkl', '.pickle'))


class CfgOptionsAction(DictAction):
    """DictAction that names a malformed item instead of failing to unpack."""

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


def runner_parser(description):
    """An ArgumentParser with the options both tools share."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help="folder for logs and checkpoints "
                        "(default: the config's work_dir, else "
                        'work_dirs/<config name>)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=CfgOptionsAction,
        help='override config entries, e.g. train_cfg.max_epochs=1 '
        'model.backbone.se_cfg.ratio=8 (merged before the other options)')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='pin_memory=False in the dataloaders')
    parser.add_argument(
        '--launcher', choices=LAUNCHERS, default='none', help='job launcher')
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def load_config(args):
    """The config with ``--cfg-options``/``--work-dir`` applied, checked."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = read_config(args.config)
    if args.cfg_options is not None:
        warn_new_keys(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    check_data_config(cfg)
    warn_unsafe_checkpoint_hook(cfg)
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


@functools.lru_cache(maxsize=None)
def toolbox_tool(package, name):
    """A toolbox's own tool script (``<package>/.mim/tools/<name>``) as a
    module, for the functions it defines."""
    root = osp.dirname(importlib.import_module(package).__file__)
    path = osp.join(root, '.mim', 'tools', name)
    if not osp.isfile(path):  # mim's installs hold it; a bare copy may not
        raise ImportError(f'{package} is installed without its tools '
                          f'({path}); reinstall it with pip or mim')
    spec = importlib.util.spec_from_file_location(
        f'{package}_tools_{osp.splitext(name)[0]}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_mmdet(cfg):
    return cfg.get('default_scope') == 'mmdet'


def _toolbox_merge(cfg, args, tool, **replaced):
    """mmpretrain's ``merge_args`` of ``tool``, given ``args`` with
    ``replaced`` (options we handle ourselves are neutralised)."""
    args = argparse.Namespace(**{**vars(args), 'cfg_options': None,
                                 **replaced})
    return toolbox_tool('mmpretrain', tool).merge_args(cfg, args)


def _no_pin_memory(cfg, args, fields, persistent=False):
    """mmdet configs: ``--no-pin-memory``/``--no-persistent-workers`` as
    mmpretrain's tools do them (mmdet's tools have neither)."""
    for field in fields:
        if cfg.get(field) is not None:
            if args.no_pin_memory:
                cfg[field].pin_memory = False
            if persistent and args.no_persistent_workers:
                cfg[field].persistent_workers = False


def merge_train_args(cfg, args):
    """The config with tools/train.py's options applied (``--resume`` alone
    takes :func:`~se_plugin.engine.loading.find_resumable`'s checkpoint)."""
    loop = cfg.get('train_cfg') or {}
    for key in ('max_epochs', 'max_iters', 'val_interval'):
        # mmengine fails later, in a scheduler or the loop, without the key.
        value = loop.get(key)
        if key in loop and (isinstance(value, bool)
                            or not isinstance(value, int) or value < 1):
            fail(f'train_cfg.{key}', value, 'an int >= 1', ConfigError)
    if args.auto_scale_lr and 'base_batch_size' not in (
            cfg.get('auto_scale_lr') or {}):
        raise ConfigError(
            f'--auto-scale-lr needs auto_scale_lr.base_batch_size in the '
            f'config; {args.config} has auto_scale_lr='
            f'{cfg.get("auto_scale_lr")!r}')
    if not is_mmdet(cfg):
        kept = {f: cfg[f].get('persistent_workers', False) for f in LOADERS
                if cfg.get(f) is not None}
        cfg = _toolbox_merge(cfg, args, 'train.py', resume=None)
        for field, persistent in kept.items():
            if cfg.get(field) is None:  # dropped by --no-validate
                continue
            # Not mmpretrain's default True: workers re-created per epoch
            # are seeded alike, which an exact --resume needs (and torch
            # refuses persistent workers without workers).
            cfg[field].persistent_workers = persistent and bool(
                cfg[field].get('num_workers')) and \
                not args.no_persistent_workers
    else:  # mmdet's tools/train.py, and --no-validate as mmpretrain's
        if args.amp:
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'
        if args.auto_scale_lr:
            cfg.auto_scale_lr.enable = True
        if args.no_validate:
            cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        _no_pin_memory(cfg, args, LOADERS, persistent=True)
    if args.resume is not None:
        path = args.resume
        if path == 'auto':
            path = find_resumable(cfg.work_dir,
                                  MMLogger.get_current_instance())
        checkpoint = read_checkpoint(path)
        check_resumable(path, checkpoint)
        args.finished = check_resume_config(path, checkpoint, cfg)
        cfg.resume, cfg.load_from = True, path
    elif isinstance(cfg.get('load_from'), str) and '://' not in cfg.load_from:
        read_checkpoint(cfg.load_from)  # a one-line error for a bad file
    return cfg


def tool_inputs(cfg, args):
    """tools/test.py's inputs: config, checkpoint, test annotation files."""
    inputs = [args.config, args.checkpoint]

    def visit(node, root):
        if isinstance(node, dict):
            root = node.get('data_root', root)
            for key, value in node.items():
                if key == 'ann_file' and isinstance(value, str):
                    inputs.append(osp.join(root or '', value))
                visit(value, root)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value, root)

    visit(cfg.get('test_dataloader'), None)
    visit(cfg.get('test_evaluator'), None)
    return inputs


def out_item(args):
    """What tools/test.py's ``--out`` holds: ``--out-item``, else the
    metrics for .json/.yaml/.yml and the predictions for .pkl/.pickle."""
    item = args.out_item or ('pred' if args.out.endswith(
        OUT_SUFFIXES['pred']) else 'metrics')
    if not args.out.endswith(OUT_SUFFIXES[item]):
        raise ConfigError(
            f'--out={args.out!r} must end with one of '
            f'{", ".join(OUT_SUFFIXES[item])} (--out-item {item})')
    return item


def _det_tta(cfg):
    """mmdet's tools/test.py defaults for ``--tta`` (flip and NMS)."""
    cfg.setdefault('tta_model', dict(
        type='DetTTAModel',
        tta_cfg=dict(nms=dict(type='nms', iou_threshold=0.5),
                     max_per_img=100)))
    if 'tta_pipeline' not in cfg:
        data = cfg.test_dataloader.dataset
        while 'dataset' in data:
            data = data['dataset']
        cfg.tta_pipeline = copy.deepcopy(data.pipeline)
        keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                'scale_factor', 'flip', 'flip_direction')
        cfg.tta_pipeline[-1] = dict(type='TestTimeAug', transforms=[
            [dict(type='RandomFlip', prob=1.),
             dict(type='RandomFlip', prob=0.)],
            [dict(type='PackDetInputs', meta_keys=keys)]])
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline


def merge_test_args(cfg, args):
    """The config with tools/test.py's options applied; ConfigError or
    OutputExistsError for a bad option."""
    if args.out is not None:
        check_output(args.out, tool_inputs(cfg, args), args.overwrite)
        out_item(args)
    if (args.show or args.show_dir) and 'visualization' not in (
            cfg.get('default_hooks') or {}):
        raise ConfigError(
            '--show/--show-dir need default_hooks.visualization (e.g. '
            f"dict(type='VisualizationHook')); {args.config} has none")
    if args.interval < 1:
        raise ConfigError(f'--interval {args.interval}: allowed: an int >= 1')
    if not is_mmdet(cfg):
        return _toolbox_merge(cfg, args, 'test.py')
    from mmdet.engine.hooks.utils import trigger_visualization_hook
    cfg.load_from = args.checkpoint
    if args.amp:
        cfg.test_cfg.fp16 = True
    if args.show or args.show_dir:
        trigger_visualization_hook(cfg, args)
        cfg.default_hooks.visualization.interval = args.interval
    if args.tta:
        _det_tta(cfg)
    _no_pin_memory(cfg, args, ('test_dataloader', ))
    return cfg


def allow_partial(cfg):
    """``--allow-partial``: load what fits (needs SafeCheckpointHook)."""
    hook = safe_checkpoint_hook(cfg)
    if hook is None:
        raise ConfigError(
            f'--allow-partial needs default_hooks.checkpoint.type='
            f'{SAFE_HOOK!r}; the config has '
            f'{(cfg.get("default_hooks") or {}).get("checkpoint")!r}')
    hook.strict_load = False


def dump_predictions(runner, cfg, path):
    """Add the toolbox's dump of the predictions to ``path`` (.pkl)."""
    if is_mmdet(cfg):
        from mmdet.evaluation import DumpDetResults as Dump
    else:
        from mmengine.evaluator import DumpResults as Dump
    runner.test_evaluator.metrics.append(Dump(out_file_path=path))


def finish_distributed():
    """End a distributed run: every rank waits for the others, then the
    process group is destroyed (its threads joined) before the interpreter
    exits; left to static destruction they can abort a rank that has done
    its work ('terminate called without an active exception')."""
    if torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def init_cpu_distributed(cfg):
    """Start the process group of ``--launcher pytorch`` without CUDA
    (mmengine's ``init_dist`` needs CUDA; docs/architecture.md)."""
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
