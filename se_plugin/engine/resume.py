"""What ``--resume`` does with a config that differs from the checkpoint's.

The checkpoint's optimizer, scheduler and loop state replace what the
current config says about them, so a difference there would be dropped
silently: every such difference is refused, naming each key with both
values. A checkpoint at the end of its schedule is reported as finished.
"""
from mmengine.config import Config

from .errors import ConfigError

#: Config parts the checkpoint's state overrides on resume.
COMPARED = ('optim_wrapper', 'param_scheduler', 'train_cfg',
            'train_dataloader.batch_size', 'train_dataloader.dataset',
            'auto_scale_lr')


def _get(cfg, dotted):
    node = dict(cfg.items()) if isinstance(cfg, Config) else cfg
    for part in dotted.split('.'):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _leaves(node, prefix):
    if isinstance(node, dict):
        for key in sorted(node):
            yield from _leaves(node[key], f'{prefix}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _leaves(item, f'{prefix}[{i}]')
    else:
        yield prefix, node


def config_differences(saved, current):
    """``[(key, saved value, current value)]`` over :data:`COMPARED`."""
    diffs = []
    for part in COMPARED:
        old = dict(_leaves(_get(saved, part), part))
        new = dict(_leaves(_get(current, part), part))
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key, '<unset>') != new.get(key, '<unset>'):
                diffs.append((key, old.get(key, '<unset>'),
                              new.get(key, '<unset>')))
    return diffs


def check_resume_config(path, checkpoint, cfg):
    """Refuse a resume whose config changes what the checkpoint's state
    would override; return a message if the run has already finished, else
    None.

    Raises:
        ConfigError: Naming each differing key and both values.
    """
    meta = checkpoint.get('meta') or {}
    text = meta.get('cfg')
    if not isinstance(text, str):
        return None  # checkpoints not saved by mmengine's Runner
    saved = Config.fromstring(text, '.py')
    diffs = config_differences(saved, cfg)
    if diffs:
        listed = '; '.join(f'{key}: checkpoint {old!r}, now {new!r}'
                           for key, old, new in diffs)
        raise ConfigError(
            f'--resume {path}: the config differs where the checkpoint\'s '
            f'state would override it ({listed}); resume with the '
            'checkpoint\'s values, or start a new run with --cfg-options '
            f'load_from={path}')
    loop = cfg.get('train_cfg') or {}
    for key, done in (('max_epochs', meta.get('epoch')),
                      ('max_iters', meta.get('iter'))):
        if key in loop and isinstance(done, int) and done >= loop[key]:
            return (f'{path}: the run is finished ({key.split("_")[1]} '
                    f'{done} of train_cfg.{key}={loop[key]}); nothing to '
                    'train')
    return None
