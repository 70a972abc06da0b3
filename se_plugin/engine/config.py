"""Config checks for the tools: where a syntax error is, which
``--cfg-options`` key is new, and whether the checkpoint hook is safe.
"""
import ast
import os.path as osp
import warnings

from mmengine.config import Config

from .checkpoint_hook import SafeCheckpointHook
from .errors import ConfigError

SAFE_HOOK = 'se_plugin.SafeCheckpointHook'
# What Config.fromfile reads.
CONFIG_SUFFIXES = ('.py', '.json', '.yaml', '.yml')


def _syntax_error_in(path):
    """The first file among ``path`` and its local ``_base_`` files that
    does not compile, as ``(file, SyntaxError)``; None if all do."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    try:
        tree = compile(text, path, 'exec', ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        return path, error
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            try:
                bases = ast.literal_eval(node.value)
            except ValueError:
                return None
            bases = [bases] if isinstance(bases, str) else bases
            for base in bases:
                if '::' in base:  # a package's config: not the user's
                    continue
                found = _syntax_error_in(
                    osp.join(osp.dirname(path), base))
                if found:
                    return found
    return None


def read_config(path):
    """``Config.fromfile`` with the file and line of a syntax error.

    mmengine parses the text without its name, so its SyntaxError says
    ``<unknown>``, for the file or any of its bases.

    Raises:
        ConfigError: The file or one of its bases does not parse.
    """
    if not osp.isfile(path):
        raise ConfigError(f'{path}: no such config file')
    if not path.endswith(CONFIG_SUFFIXES):
        raise ConfigError(f'{path}: not a config file; allowed: a file '
                          f'ending in {", ".join(CONFIG_SUFFIXES)}')
    try:
        return Config.fromfile(path)
    except SyntaxError as error:
        found = _syntax_error_in(path) or (path, error)
        where, error = found
        raise ConfigError(
            f'{where}, line {error.lineno}: syntax error: {error.msg}'
            + (f': {error.text.strip()}' if error.text else '')) from None


def _keys(node):
    if isinstance(node, dict):
        return sorted(map(str, node))
    return [f'0..{len(node) - 1}'] if node else []


def warn_new_keys(cfg, options):
    """Warn for each ``--cfg-options`` key the config does not have.

    A new key is sometimes intended (``load_from``), so this warns and
    names where the dotted path leaves the config: for ``a.b.c`` where
    ``a.b`` exists, it names ``c`` and the keys ``a.b`` has.

    Args:
        cfg (mmengine.Config): The config before the options are merged.
        options (dict): The parsed ``--cfg-options``.

    Raises:
        ConfigError: A key goes below a plain value (``a.b.c`` where
            ``a.b`` is a number).
    """
    for key in options:
        node, parts = cfg.to_dict(), key.split('.')
        for depth, part in enumerate(parts):
            index = int(part) if part.isdigit() else None
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, (list, tuple)) and index is not None \
                    and index < len(node):
                node = node[index]
            else:
                parent = ".".join(parts[:depth])
                if depth and not isinstance(node, (dict, list, tuple)):
                    # mmengine's merge would fail with a TypeError.
                    raise ConfigError(
                        f'--cfg-options {key}: {parent!r} is a '
                        f'{type(node).__name__} ({node!r}), it has no keys')
                where = (f'the config has no top-level key {part!r}'
                         if depth == 0 else f'{parent!r} has no {part!r} '
                         f'(it has: {", ".join(_keys(node))})')
                warnings.warn(
                    f'--cfg-options {key}: {where}; it is added as a new '
                    'key, check its spelling', UserWarning, stacklevel=2)
                break


def warn_unsafe_checkpoint_hook(cfg):
    """Warn when the config does not save with :class:`SafeCheckpointHook`.

    The config chooses the hook (every shipped config does, through its
    bases, so mmpretrain's and mmdet's own tools get it too); the tools do
    not change it, they say what it means.
    """
    # Without an entry the Runner adds mmengine's CheckpointHook.
    hook = (cfg.get('default_hooks') or {}).get(
        'checkpoint', dict(type='CheckpointHook'))
    kind = hook.get('type') if isinstance(hook, dict) else hook
    if hook is None or kind in (SAFE_HOOK, SafeCheckpointHook):
        return
    warnings.warn(
        f'default_hooks.checkpoint.type={kind!r} is not {SAFE_HOOK}: it may '
        'write checkpoints in place and remove the previous one before the '
        'new one is complete, and loads are not strict (see docs/'
        'user_guides/checkpoints.md)', UserWarning, stacklevel=2)
