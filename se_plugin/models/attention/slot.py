"""The one way to put an attention module into a network: :func:`build_se`
builds it, :func:`attach_se` hooks it onto a target (keys stay the
host's, plus ``<owner>.se.*``); why hooks: docs/architecture.md."""
from functools import partial
from typing import Optional

import torch.nn as nn
from mmcv.cnn import ContextBlock
from torch.nn.modules.batchnorm import _NormBase

from se_plugin.registry import MODELS
from ..blocks.se_layer import SELayer
from ..checks import (Choice, Int, Num, Rule, check_call, check_keys, fail,
                      signature)


def _gc_ratio(name, value, opts):
    Num(0, low_open=True)(name, value, opts)
    if int(value * opts['in_channels']) < 1:
        fail(name, value, 'a ratio with int(ratio * in_channels) >= 1 '
             f"(in_channels={opts['in_channels']})")


#: The options of toolbox attention modules used as they are (GCNet's
#: ``ContextBlock``), checked where they assert or take a bool as a number.
TOOLBOX_OPTIONS = {
    ContextBlock: dict(
        in_channels=Int(1),
        ratio=_gc_ratio,
        pooling_type=Choice('att', 'avg'),
        fusion_types=Rule(
            lambda v, o: isinstance(v, (list, tuple)) and bool(v) and set(
                v) <= {'channel_add', 'channel_mul'},
            "a non-empty tuple of 'channel_add', 'channel_mul'")),
}

#: Which tensor of the target the attention acts on.
POSITIONS = ('after', 'before')


def build_se(se_cfg: dict, in_channels: int) -> nn.Module:
    """Build the attention module of ``se_cfg`` for ``in_channels``: an
    :class:`SELayer` without ``type``, else any registered module whose
    first argument is ``in_channels`` (e.g. a user's own attention)."""
    cfg = dict(se_cfg)
    if 'type' not in cfg:
        return SELayer(in_channels, **cfg)
    cls = MODELS.get(cfg['type'])
    if cls in TOOLBOX_OPTIONS:
        options = {k: v for k, v in cfg.items() if k != 'type'}
        check_call(cls, cls.__name__, (None, in_channels), options,
                   TOOLBOX_OPTIONS[cls])
    return MODELS.build(cfg, default_args=dict(in_channels=in_channels))


def SECfg(none=True, text='a dict (SE options, dict() for the defaults) or '
          'None (no SE)'):
    """An ``se_cfg`` rule: SELayer's options but ``in_channels`` (None too if
    ``none``), or a registered ``type``, which checks its own."""
    keys = tuple(signature(SELayer).parameters)[2:]  # self, in_channels

    def check(name, value, opts):
        if value is None and none:
            return
        if not isinstance(value, dict):
            fail(name, value, text)
        if 'type' not in value:
            check_keys(name, value, keys)
            check_call(SELayer, name, (None, 1), value)
        elif MODELS.get(value['type']) is None:
            fail(f'{name}.type', value['type'], 'a module registered in '
                 "se_plugin's or a parent's MODELS registry")

    return check


def _after(se, module, args, output):
    return se(output)


def _before(se, module, args):
    return (se(args[0]), ) + tuple(args[1:])


def hook_se(target: nn.Module, se: nn.Module, position: str = 'after'):
    """Apply ``se`` to ``target``'s output (``'after'``) or first input
    (``'before'``) with a forward (pre-)hook; ``se`` is owned elsewhere."""
    if position == 'after':
        target.register_forward_hook(partial(_after, se))
    else:
        target.register_forward_pre_hook(partial(_before, se))


def _hooked(target: nn.Module, se: nn.Module) -> bool:
    hooks = (*target._forward_hooks.values(),
             *target._forward_pre_hooks.values())
    return any(
        isinstance(h, partial) and h.func in (_after, _before)
        and h.args[0] is se for h in hooks)


def _rehook(path: str, position: str, owner: nn.Module, args) -> None:
    se = owner._modules.get('se')
    if se is None:
        raise RuntimeError(
            f'the attention module {type(owner).__name__}.se is gone: the '
            'owner was replaced by a module without it; attach after such '
            'conversions (e.g. fuse_conv_bn)')
    target = owner.get_submodule(path)
    if not _hooked(target, se):  # e.g. a BN reverted from SyncBN
        hook_se(target, se, position)


def attach_se(module: nn.Module, se_cfg: Optional[dict], channels: int,
              target: Optional[nn.Module] = None,
              position: str = 'after') -> nn.Module:
    """Recalibrate a tensor of ``module`` (returned) with an attention
    module.

    Args:
        module (nn.Module): The owner, whose child ``se`` the attention
            module becomes; not a norm layer (SyncBN conversion replaces
            those, hooks and all).
        se_cfg (dict, optional): Options of :func:`build_se`; None leaves
            ``module`` as it is.
        channels (int): Channels of the recalibrated tensor.
        target (nn.Module, optional): ``module`` (the default) or a
            descendant, whose output (``position='after'``) or first input
            (``'before'``) is recalibrated.
    """
    if se_cfg is None:
        return module
    name = type(module).__name__
    if hasattr(module, 'se'):
        fail(f'{name}.se', type(module.se).__name__, 'an owner without an '
             'attribute se (attach_se adds one, its child se)')
    if isinstance(module, _NormBase):
        fail('owner', name, 'a module that is not a norm layer (SyncBN '
             "conversion replaces those); use its parent with after='<it>'")
    target = module if target is None else target
    path = next((p for p, m in module.named_modules() if m is target), None)
    if path is None:
        fail('target', type(target).__name__, f'{name} or a descendant')
    module.add_module('se', build_se(se_cfg, channels))
    hook_se(target, module.se, position)
    if target is not module:
        module.register_forward_pre_hook(partial(_rehook, path, position))
    return module
