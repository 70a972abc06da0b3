"""Config checks for the tools: where a syntax error is, which
``--cfg-options`` key is new, and whether the checkpoint hook is safe.
"""
import ast
import copy
import inspect
import os.path as osp
import warnings

import yaml
from mmengine.config import Config
from mmengine.runner import (EpochBasedTrainLoop, IterBasedTrainLoop,
                             TestLoop, ValLoop)

from .checkpoint_hook import SafeCheckpointHook
from .errors import ConfigError

SAFE_HOOK = 'se_plugin.SafeCheckpointHook'
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
# What Config.fromfile reads.
CONFIG_SUFFIXES = ('.py', '.json', '.yaml', '.yml')


def _local_bases(path, tree):
    """The local ``_base_`` files named in a parsed Python config."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            try:
                bases = ast.literal_eval(node.value)
            except ValueError:
                return []
            bases = [bases] if isinstance(bases, str) else bases
            # '::' names a package's config: not the user's.
            return [osp.normpath(osp.join(osp.dirname(path), base))
                    for base in bases if '::' not in base]
    return []


def _base_problem(path, chain=()):
    """``(file, SyntaxError)`` for the first of the Python config ``path``
    and its local ``_base_`` files that does not compile, or the list of
    files of a ``_base_`` cycle; None if there is neither."""
    path = osp.normpath(path)
    if path in chain:
        return list(chain[chain.index(path):]) + [path]
    if not (path.endswith('.py') and osp.isfile(path)):
        return None
    with open(path, encoding='utf-8') as f:
        text = f.read()
    try:
        tree = compile(text, path, 'exec', ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        return path, error
    return next(filter(None, (_base_problem(base, chain + (path, ))
                              for base in _local_bases(path, tree))), None)


def read_config(path):
    """``Config.fromfile``; ConfigError names the file and line of a syntax
    error (mmengine's says ``<unknown>``), in the file or its bases."""
    if not osp.isfile(path):
        raise ConfigError(f'{path}: no such config file')
    if not path.endswith(CONFIG_SUFFIXES):
        raise ConfigError(f'{path}: not a config file; allowed: a file '
                          f'ending in {", ".join(CONFIG_SUFFIXES)}')
    try:
        return Config.fromfile(path)
    except RecursionError:
        cycle = _base_problem(path)
        if not isinstance(cycle, list):
            raise
        raise ConfigError(f'{path}: circular _base_: '
                          f'{" -> ".join(cycle)}; a config cannot be its '
                          'own base') from None
    except UnicodeDecodeError as error:
        raise ConfigError(f'{path} (or one of its bases) is not UTF-8 text '
                          f'({error}); save it as UTF-8') from None
    except yaml.YAMLError as error:
        mark = getattr(error, 'problem_mark', None)
        where = f', line {mark.line + 1}' if mark else ''
        what = getattr(error, 'problem', None) or error
        raise ConfigError(f'{path}{where}: YAML syntax error: {what}') \
            from None
    except SyntaxError as error:
        found = _base_problem(path)
        where, error = found if isinstance(found, tuple) else (path, error)
        raise ConfigError(
            f'{where}, line {error.lineno}: syntax error: {error.msg}'
            + (f': {error.text.strip()}' if error.text else '')) from None


def _keys(node):
    if isinstance(node, dict):
        return sorted(map(str, node))
    return [f'0..{len(node) - 1}'] if node else []


#: The kinds of config values a ``--cfg-options`` value must keep (None and
#: other values: anything may replace them).
KINDS = ((bool, 'a bool'), ((int, float), 'a number'), (str, 'a string'),
         ((list, tuple), 'a list or tuple'), (dict, 'a dict'))


def _kind(value):
    return next((name for types, name in KINDS if isinstance(value, types)),
                None)


def _loop_arguments(name, node):
    """The arguments of the loop mmengine builds from a ``type``-less
    ``train_cfg``/``val_cfg``/``test_cfg`` (e.g. ``val_begin``)."""
    loop = dict(val_cfg=ValLoop, test_cfg=TestLoop).get(name)
    if name == 'train_cfg':
        loop = EpochBasedTrainLoop if node.get('by_epoch') else \
            IterBasedTrainLoop
    return () if loop is None else inspect.signature(loop).parameters


def warn_new_keys(cfg, options):
    """Warn for a ``--cfg-options`` key the config lacks (not below a dict
    with ``type``: the class checks its own arguments); ConfigError for a
    key below a plain value or a value of another kind than the old one."""
    for key, value in options.items():
        node, parts = cfg.to_dict(), key.split('.')
        typed = False  # below a dict with 'type': a class's arguments
        for depth, part in enumerate(parts):
            typed = typed or (isinstance(node, dict) and 'type' in node)
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, (list, tuple)) and part.isdigit() \
                    and int(part) < len(node):
                node = node[int(part)]
            else:
                parent = ".".join(parts[:depth])
                if depth and not isinstance(node, (dict, list, tuple)):
                    # mmengine's merge would fail with a TypeError.
                    raise ConfigError(
                        f'--cfg-options {key}: {parent!r} is a '
                        f'{type(node).__name__} ({node!r}), it has no keys')
                if typed or depth == 1 and isinstance(node, dict) and \
                        part in _loop_arguments(parts[0], node):
                    break
                where = (f'the config has no top-level key {part!r}'
                         if depth == 0 else f'{parent!r} has no {part!r} '
                         f'(it has: {", ".join(_keys(node))})')
                warnings.warn(
                    f'--cfg-options {key}: {where}; it is added as a new '
                    'key, check its spelling', UserWarning, stacklevel=2)
                break
        else:  # a value of another kind than the old one (None: turn off)
            kind = _kind(node)
            if kind is not None and value is not None and \
                    _kind(value) != kind:
                raise ConfigError(
                    f'--cfg-options {key}={value!r}: the config has '
                    f'{node!r}, {kind}; allowed: {kind} or None')


def safe_checkpoint_hook(cfg):
    """``default_hooks.checkpoint`` if it is SafeCheckpointHook, else None."""
    hook = (cfg.get('default_hooks') or {}).get('checkpoint')
    return hook if isinstance(hook, dict) and hook.get('type') in (
        SAFE_HOOK, SafeCheckpointHook) else None


def warn_unsafe_checkpoint_hook(cfg):
    """Warn when the config's checkpoint hook is not SafeCheckpointHook (the
    config chooses it; the tools only say what it means)."""
    # Without an entry the Runner adds mmengine's CheckpointHook.
    hook = (cfg.get('default_hooks') or {}).get(
        'checkpoint', dict(type='CheckpointHook'))
    if hook is None or safe_checkpoint_hook(cfg) is not None:
        return
    kind = hook.get('type') if isinstance(hook, dict) else hook
    warnings.warn(
        f'default_hooks.checkpoint.type={kind!r} is not {SAFE_HOOK}: it may '
        'write checkpoints in place and remove the previous one before the '
        'new one is complete, and loads are not strict (see docs/'
        'user_guides/checkpoints.md)', UserWarning, stacklevel=2)


def _leaf_datasets(node, key):
    """``(dotted key, dataset dict)`` of each dataset below a dataset
    config, through wrappers (``dataset=`` / ``datasets=[...]``)."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get('dataset'), dict):
        yield from _leaf_datasets(node['dataset'], f'{key}.dataset')
    elif isinstance(node.get('datasets'), (list, tuple)):
        for i, child in enumerate(node['datasets']):
            yield from _leaf_datasets(child, f'{key}.datasets.{i}')
    else:
        yield key, node


def leaves(node, prefix):
    """``(dotted key, value)`` of each value in a config below ``prefix``
    that is not a dict, list or tuple (dict keys sorted)."""
    if isinstance(node, dict):
        for key in sorted(node):
            yield from leaves(node[key], f'{prefix}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from leaves(item, f'{prefix}[{i}]')
    else:
        yield prefix, node


def _dataset_classes(cfg, dataset):
    """The class names a dataset config gives (through its class's
    ``_load_metainfo``, unbuilt); None if the config names none."""
    from mmengine.registry import DATASETS, DefaultScope
    if not (dataset.get('metainfo') or {}).get('classes') and \
            not dataset.get('classes'):
        return None
    kind = dataset.get('type')
    if not isinstance(kind, str):
        return getattr(kind, 'METAINFO', {}).get('classes') if kind else None
    try:  # an unknown type or a bad metainfo: named when it is built
        with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
            cls = DATASETS.get(kind)
        return cls._load_metainfo(copy.deepcopy(dataset.get('metainfo'))) \
            .get('classes')
    except Exception:
        return None


def check_data_config(cfg):
    """The tools' start-up data checks: ``test_mode=True`` on every val/test
    dataset (ConfigError for ``test_mode=False`` or ``bad_images='skip'``
    there); ConfigError for a ``num_classes`` below a dataset's number of
    classes (it would fail when that class is first drawn)."""
    heads = [(key, value) for key, value in leaves(cfg.get('model'), 'model')
             if key.endswith('.num_classes') and isinstance(value, int)]
    for loader in LOADERS:
        top = (cfg.get(loader) or {}).get('dataset')
        for key, dataset in _leaf_datasets(top, f'{loader}.dataset'):
            if loader != 'train_dataloader':
                if dataset.get('test_mode', True) is not True:
                    raise ConfigError(
                        f'{key}.test_mode={dataset["test_mode"]!r}: a '
                        'val/test set is always in test mode (no image '
                        'filtered or skipped); allowed: True, or leave it out')
                if dataset.get('bad_images') == 'skip':
                    raise ConfigError(
                        f"{key}.bad_images='skip': a val/test set must not "
                        'lose images (the metric would count another image '
                        "in its place); allowed: 'error'")
                dataset['test_mode'] = True
            classes = _dataset_classes(cfg, dataset) if heads else None
            for head, number in heads:
                if classes and number < len(classes):
                    raise ConfigError(
                        f'{head}={number} but {key} has {len(classes)} '
                        f'classes ({dataset.get("type")}); allowed: '
                        f'{head} >= {len(classes)}')
