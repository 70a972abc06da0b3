"""SE (or ECA, CBAM, GC) in any registered backbone, from a config: the host
keeps its class, forward and keys, plus ``<owner>.se.*``."""
import difflib
import re
from fnmatch import fnmatchcase
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn

from se_plugin.registry import MODELS
from ..attention.slot import POSITIONS, SECfg, attach_se
from ..blocks.se_layer import squeeze_width
from ..checks import (CFG, Cfg, Choice, OptionError, check_keys,
                      check_options, fail)

#: What an SE ratio is a ratio of: the recalibrated channels (the paper's
#: rule) or the input channels of the owner block (RegNetY's).
RATIO_OF = ('channels', 'block_input')


def match(pattern: str, path: str) -> bool:
    """Whether a dotted module ``path`` matches a glob ``pattern``: ``*``,
    ``?``, ``[234]`` within one part, ``**`` any number of parts."""

    def rec(pats, parts):
        if not pats:
            return not parts
        if pats[0] == '**':
            return any(rec(pats[1:], parts[i:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatchcase(parts[0], pats[0]) and rec(
            pats[1:], parts[1:])

    return rec(pattern.split('.'), path.split('.'))


def near(word: str, paths: Sequence[str]) -> List[str]:
    """Module paths like ``word``, with indices written as ``*``."""
    shapes = list(dict.fromkeys(re.sub(r'\d+', '*', p) for p in paths if p))
    return difflib.get_close_matches(word, shapes, n=5, cutoff=0.5)


def _type_names(module: nn.Module) -> set:
    return {cls.__name__ for cls in type(module).__mro__}


def _owners(host: nn.Module, where: str, spec: dict) -> List[str]:
    patterns = spec['at']
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    types = spec.get('module_type')
    types = {types} if isinstance(types, str) else types and set(types)
    paths = [p for p, _ in host.named_modules() if p]
    found = []
    for pattern in patterns:
        hits = [p for p in paths if match(pattern, p)]
        if types is not None:
            hits = [p for p in hits
                    if _type_names(host.get_submodule(p)) & types]
        if not hits:
            kinds = '' if types is None else f' of module_type {sorted(types)}'
            fail(f'{where}.at', pattern,
                 f'a pattern that matches a module{kinds} of '
                 f'{type(host).__name__}; near matches: '
                 f'{near(pattern, paths)}')
        found += [p for p in hits if p not in found]
    return found


def _target(host: nn.Module, owner: str, rel: str, where: str, key: str):
    module = host.get_submodule(owner)
    try:
        target = module.get_submodule(rel)
    except AttributeError:
        names = [p for p, _ in module.named_modules() if p]
        fail(f'{where}.{key}', rel,
             f'a submodule of {owner} ({type(module).__name__}); near '
             f'matches: {near(rel, names)}')
    if isinstance(target, nn.Linear) and key == 'after':
        fail(f'{where}.{key}', rel,
             f'a module with an N x C x H x W output; {owner}.{rel} is an '
             'nn.Linear, whose 4-D output is channels-last (N x H x W x C)')
    return target


def _probe(host: nn.Module, watched: dict, shape: Sequence[int]) -> dict:
    """``{module: [(input shape, output shape), ...]}`` (None: not a
    tensor), one entry per call of each watched module in one host run."""
    seen = {m: [] for m in watched}

    def record(module, args, output):
        first = args[0] if args else None
        seen[module].append(
            tuple(t.shape) if isinstance(t, torch.Tensor) else None
            for t in (first, output))

    handles = [m.register_forward_hook(record) for m in watched]
    modes = {m: m.training for m in host.modules()}
    for m in host.modules():
        m.training = False  # no BN statistics change, no train-only paths
    try:
        with torch.no_grad():
            host(torch.zeros(1, *shape))
    except Exception as error:
        fail('Attach.probe_shape', tuple(shape),
             f'an input shape the host {type(host).__name__} takes; on '
             f'(1, *probe_shape) it fails: {error}')
    finally:
        for handle in handles:
            handle.remove()
        for m, mode in modes.items():
            m.training = mode
    return {m: [tuple(s) for s in calls] for m, calls in seen.items()}


def _names(name, value, opts):
    if not (isinstance(value, str) or isinstance(value, (list, tuple))
            and value and all(isinstance(v, str) for v in value)):
        fail(name, value, 'a str or a non-empty list of str')


def _path(name, value, opts):
    if not isinstance(value, str):
        fail(name, value, "a module path (str), e.g. 'bn3' or 'conv.1'")
    if name.endswith('before') and 'after' in opts:
        fail(name, value, "nothing when 'after' is set: give one (or "
             'neither: the output of the module at `at`)')


def _ratio_of(name, value, opts):
    Choice(*RATIO_OF)(name, value, opts)
    se_cfg = opts.get('se_cfg', {})
    if value == 'block_input' and ('type' in se_cfg
                                   or 'squeeze_channels' in se_cfg):
        fail(f"{name.rpartition('.')[0]}.se_cfg", se_cfg, 'options of '
             "se_plugin.SELayer without squeeze_channels: ratio_of="
             "'block_input' sets its width from its ratio")


#: The keys of one insert.
INSERT = dict(at=_names, after=_path, before=_path, module_type=_names,
              se_cfg=SECfg(none=False), ratio_of=_ratio_of)


def _inserts(name, value, opts):
    specs = [value] if isinstance(value, dict) else value
    if not isinstance(specs, (list, tuple)) or not specs:
        fail(name, value, 'a dict or a non-empty list of dicts')
    for i, spec in enumerate(specs):
        where = f'{name}[{i}]'
        Cfg(typed=False)(where, spec, opts)
        check_keys(where, spec, tuple(INSERT))
        if 'at' not in spec:
            fail(f'{where}.at', None, "a module path pattern, e.g. 'layer*.*'"
                 ' for every block of a ResNet')
        check_options(where, INSERT, spec)


OPTIONS = dict(host=CFG, inserts=_inserts)


def _se_cfg(spec: dict, block_in: Optional[int]) -> dict:
    cfg = dict(spec.get('se_cfg', dict()))
    if spec.get('ratio_of', 'channels') == 'block_input':
        cfg['squeeze_channels'] = squeeze_width(
            block_in, cfg.pop('ratio', 16), None, cfg.pop('divisor', None))
    return cfg


@MODELS.register_module()
def Attach(host: dict, inserts: Union[dict, Sequence[dict]],
           probe_shape: Sequence[int] = (3, 64, 64)) -> nn.Module:
    """Build ``host`` and attach attention modules where ``inserts`` say.

    An insert is a dict with ``at`` (glob(s) over module paths: the owners,
    which get the child ``se``), ``after``/``before`` (a path in the owner),
    ``module_type``, ``se_cfg`` and ``ratio_of``: docs/user_guides/
    se_anywhere.md. Channels come from one probe pass on a zero input.

    Args:
        host (dict): The host backbone's config, e.g.
            ``dict(type='mmdet.ResNet', depth=18)``.
        inserts (dict or list[dict]): Where and what to attach.
        probe_shape (Sequence[int]): Input shape (without batch) of the
            probe pass. Defaults to ``(3, 64, 64)``.

    Returns:
        nn.Module: The host itself, with the attention modules.
    """
    check_options('Attach', OPTIONS, dict(host=host, inserts=inserts))
    inserts = [inserts] if isinstance(inserts, dict) else inserts
    net = MODELS.build(host)
    plans = []  # (where, spec, owner path, target path, position, target)
    for i, spec in enumerate(inserts):
        where = f'Attach.inserts[{i}]'
        position = next((p for p in POSITIONS if p in spec), 'after')
        rel = spec.get(position, '')
        for owner in _owners(net, where, spec):
            target = _target(net, owner, rel, where, position)
            plans.append((where, spec, owner, rel, position, target))
    owners = [p[2] for p in plans]
    if twice := sorted({o for o in owners if owners.count(o) > 1}):
        fail('Attach.inserts', inserts, f'inserts that put one attention '
             f'module into each owner (its child `se`), not two into {twice}')
    watched = {p[5] for p in plans} | {net.get_submodule(o) for o in owners}
    seen = _probe(net, watched, probe_shape)
    for where, spec, owner, rel, position, target in plans:
        shape = _checked_shape(where, owner, rel, position, target, seen)
        module = net.get_submodule(owner)
        block_in = _checked_shape(where, owner, '', 'before', module, seen)[
            1] if spec.get('ratio_of') == 'block_input' else None
        try:
            attach_se(module, _se_cfg(spec, block_in), shape[1], target,
                      position)
        except (ValueError, TypeError, KeyError) as error:
            raise OptionError(f'{where} at {owner!r} ({shape[1]} channels): '
                              f'{error}') from error
    return net


def _checked_shape(where, owner, rel, position, target, seen) -> tuple:
    path = f'{owner}.{rel}' if rel else owner
    name, value = ((f'{where}.{position}', rel) if rel else
                   (f'{where}.at', owner))
    calls = seen[target]
    if len(calls) != 1:
        fail(name, value, f'a module called once per forward; {path} '
             f'({type(target).__name__}) is called {len(calls)} times (a '
             "shared module such as a block's `relu`; use the one before or "
             'after it)')
    shape = calls[0][0 if position == 'before' else 1]
    if shape is None or len(shape) != 4:
        side = 'input' if position == 'before' else 'output'
        fail(name, value, f'a module with a 4-D (N x C x H x W) {side}; '
             f'the {side} of {path} ({type(target).__name__}) is '
             f'{shape if shape is None else list(shape)}')
    return shape
