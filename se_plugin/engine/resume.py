"""``--resume`` with a config that differs from the checkpoint's: refused,
but a longer run is re-planned (docs/user_guides/checkpoints.md)."""
import copy
import warnings

import torch
from mmengine.config import Config

from .checkpoint_hook import was_validated
from .config import SAFE_HOOK, leaves as _leaves, safe_checkpoint_hook
from .errors import ConfigError

#: What a config needs to validate.
LOOP_KEYS = ('val_cfg', 'val_dataloader', 'val_evaluator')
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


def config_differences(saved, current, allowed=None):
    """``[(key, saved value, current value)]`` over :data:`COMPARED`; a
    current value equal to ``allowed[key]`` is no difference."""
    allowed = allowed or {}
    diffs = []
    for part in COMPARED:
        old = dict(_leaves(_get(saved, part), part))
        new = dict(_leaves(_get(current, part), part))
        for key in sorted(set(old) | set(new), key=str):
            value = new.get(key, '<unset>')
            if old.get(key, '<unset>') != value and (
                    key not in allowed or allowed[key] != value):
                diffs.append((key, old.get(key, '<unset>'), value))
    return diffs


def longer_run(saved, current):
    """``(key, old length, new length)`` where the current config trains
    longer than the saved one (``train_cfg.max_epochs``/``max_iters``),
    else None."""
    for key in ('max_epochs', 'max_iters'):
        old, new = _get(saved, f'train_cfg.{key}'), _get(
            current, f'train_cfg.{key}')
        if isinstance(old, int) and isinstance(new, int) and new > old:
            return key, old, new
    return None


def _replan(scheduler, old, new):
    """Move the end of one scheduler (a config dict or a state dict, all
    lengths in one unit) from ``old`` to ``new`` where it ran to ``old``;
    returns whether it did."""
    begin = scheduler.get('begin', 0)
    moved = False
    if scheduler.get('end') == old:
        scheduler['end'], moved = new, True
    if scheduler.get('T_max') is not None and \
            begin + scheduler['T_max'] == old:
        scheduler['T_max'], moved = new - begin, True
    if scheduler.get('total_iters') is not None and \
            begin + scheduler['total_iters'] + 1 == old:
        scheduler['total_iters'], moved = new - begin - 1, True
    return moved


def _replanned_keys(saved, longer):
    """``{key: value}`` of the saved config's re-planned schedule (the
    values a config may give them for a longer run)."""
    key, old, new = longer
    schedulers = copy.deepcopy(saved.get('param_scheduler'))
    by_epoch = key == 'max_epochs'
    single = isinstance(schedulers, dict)
    for scheduler in [schedulers] if single else schedulers or []:
        if isinstance(scheduler, dict) and \
                scheduler.get('by_epoch', True) == by_epoch:
            _replan(scheduler, old, new)
    allowed = dict(_leaves(schedulers, 'param_scheduler'))
    allowed[f'train_cfg.{key}'] = new
    return allowed


def _saved_config(checkpoint):
    """The config a checkpoint was trained with (None: not mmengine's)."""
    text = (checkpoint.get('meta') or {}).get('cfg')
    return Config.fromstring(text, '.py') if isinstance(text, str) else None


def check_resume_config(path, checkpoint, cfg):
    """ConfigError for a config that changes what the checkpoint's state
    overrides; a message if the run has already finished, else None."""
    meta = checkpoint.get('meta') or {}
    saved = _saved_config(checkpoint)
    if saved is None:
        return None
    longer = longer_run(saved, cfg)
    allowed = {}
    if longer and safe_checkpoint_hook(cfg):
        allowed = _replanned_keys(saved, longer)
    diffs = config_differences(saved, cfg, allowed)
    if diffs:
        listed = '; '.join(f'{key}: checkpoint {old!r}, now {new!r}'
                           for key, old, new in diffs)
        raise ConfigError(
            f'--resume {path}: the config differs where the checkpoint\'s '
            f'state would override it ({listed}); resume with the '
            'checkpoint\'s values, or start a new run with --cfg-options '
            f'load_from={path}' + (
                '' if not longer or allowed else
                f'; a longer train_cfg.{longer[0]} is applied only with '
                f'default_hooks.checkpoint.type={SAFE_HOOK!r}'))
    loop = cfg.get('train_cfg') or {}
    for key, done in (('max_epochs', meta.get('epoch')),
                      ('max_iters', meta.get('iter'))):
        if key in loop and isinstance(done, int) and done >= loop[key]:
            hook = safe_checkpoint_hook(cfg)
            if hook and hook.get('by_epoch', True) == (key == 'max_epochs') \
                    and all(cfg.get(k) is not None for k in LOOP_KEYS) \
                    and not was_validated(path):
                # SafeCheckpointHook runs the lost last validation, then stops.
                return None
            return (f'{path}: the run is finished ({key.split("_")[1]} '
                    f'{done} of train_cfg.{key}={loop[key]}); nothing to '
                    'train')
    return None


def replan_schedules(checkpoint, runner):
    """Re-plan a checkpoint's schedule for a longer run in place, replaying
    the schedulers from step 0 as ParamSchedulerHook steps them; a line for
    the log, None if not longer; ConfigError if it cannot be replayed."""
    saved = _saved_config(checkpoint)
    longer = saved and 'param_schedulers' in checkpoint and longer_run(
        saved, runner.cfg)
    if not longer:
        return None
    key, old, new = longer
    head = f'train_cfg.{key}: {old} in the checkpoint, now {new}'
    states = checkpoint['param_schedulers']
    groups = (checkpoint.get('optimizer') or {}).get('param_groups')
    if not isinstance(states, list) or groups is None:
        raise ConfigError(
            f'{head}; a longer run is re-planned only for one optimizer and '
            "its list of param_scheduler; resume with the checkpoint's value")
    epoch_length = len(runner.train_dataloader)
    by_epoch = key == 'max_epochs'
    moved = []
    for i, state in enumerate(states):
        # OneCycle derives its phases from total_steps when built: moving
        # its end alone would leave them at the old length.
        for attr, why in (('need_val_args', 'follows a metric'),
                          ('total_steps', 'plans its phases once')):
            if state.get(attr):
                raise ConfigError(
                    f'{head}; param_scheduler[{i}] '
                    f'({state.get("param_name")}) {why} and cannot be '
                    "re-planned; resume with the checkpoint's value")
        # Lengths in the scheduler's unit: iterations for an iteration
        # scheduler in an epoch loop (convert_to_iter_based too).
        scale = epoch_length if by_epoch and not state['by_epoch'] else 1
        if _replan(state, old * scale, new * scale):
            moved.append(i)
    if not moved:
        return (f'{head}; no scheduler ran to the old end, the schedule is '
                'kept')
    # The checkpoint's parameter groups, one stand-in parameter each.
    optimizer = torch.optim.Optimizer(
        [dict(g, params=[torch.zeros(1)]) for g in groups], {})
    schedulers = []
    for state in states:
        scheduler = object.__new__(runner.param_schedulers[len(schedulers)]
                                   .__class__)
        scheduler.__dict__.update(copy.deepcopy(state), optimizer=optimizer,
                                  last_step=-1, _global_step=-1)
        name = state['param_name']
        for group, base in zip(optimizer.param_groups,
                               state['base_values']):
            group[name] = group[f'initial_{name}'] = base
        schedulers.append(scheduler)
    done = checkpoint['meta']['epoch' if by_epoch else 'iter']
    with warnings.catch_warnings():  # the optimizer never steps here
        warnings.simplefilter('ignore', UserWarning)
        for scheduler in schedulers:  # each steps once when built
            scheduler.step()
        for _ in range(done):
            for _ in range(epoch_length if by_epoch else 1):
                for scheduler in schedulers:
                    if not scheduler.by_epoch:
                        scheduler.step()
            for scheduler in schedulers:
                if by_epoch and scheduler.by_epoch:
                    scheduler.step()
    for i, (state, scheduler) in enumerate(zip(states, schedulers)):
        if scheduler._global_step != state['_global_step']:
            raise ConfigError(
                f'{head}; param_scheduler[{i}] was stepped '
                f'{state["_global_step"]} times, a replay '
                f'{scheduler._global_step}; the schedule cannot be '
                "re-planned, resume with the checkpoint's value")
        state.update(scheduler.state_dict())
        for group, replayed in zip(groups, optimizer.param_groups):
            group[state['param_name']] = replayed[state['param_name']]
    return (f'{head}: param_scheduler {moved} re-planned to end at '
            f'{new}, values continue as in an uninterrupted run of that '
            'length')
