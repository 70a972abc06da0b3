"""Put an SE (or other attention) module on a tensor of an existing network.

Hosts such as mmpretrain's VGG, ShuffleNetV1, ResNet and RegNet or mmdet's
ResNet and CSPDarknet are built from modules whose forward we do not want to
copy. :func:`attach_se` adds the attention module as a child named ``se`` of
an *owner* module (usually a block, so the key is ``<block>.se.*`` as in
SE-ResNet and timm) and applies it with a hook on a *target* module: to the
target's output (``position='after'``, a forward hook) or to its first input
(``'before'``, a forward pre-hook). So

* the host network's forward stays the toolbox's, unchanged;
* a baseline has exactly the host's modules and state-dict keys, and an SE
  model only adds ``<owner>.se.*`` keys;
* the hook is a ``functools.partial`` of a module-level function and the SE
  module, so ``copy.deepcopy`` (EMA, model soups) and pickling give a copy
  that uses its own SE weights.

Utilities that *replace* modules (SyncBN conversion, which mmengine's Runner
reverts on every non-distributed run) carry children but not hooks. A host
given sites by :func:`watch_sites` re-hooks a replaced target before each
forward, and refuses to run if an SE module itself was lost.
"""
from functools import partial
from typing import Optional

import torch.nn as nn

from ..blocks.residual import build_se

POSITIONS = ('after', 'before')


def _after(se: nn.Module, module: nn.Module, args, output):
    return se(output)


def _before(se: nn.Module, module: nn.Module, args):
    return (se(args[0]), ) + tuple(args[1:])


def _hook(target: nn.Module, se: nn.Module, position: str) -> None:
    if position == 'after':
        target.register_forward_hook(partial(_after, se))
    else:
        target.register_forward_pre_hook(partial(_before, se))


def is_hooked(target: nn.Module, se: nn.Module) -> bool:
    """Whether ``se`` is applied by a hook of ``target``."""
    hooks = (*target._forward_hooks.values(),
             *target._forward_pre_hooks.values())
    return any(
        isinstance(h, partial) and h.func in (_after, _before)
        and h.args[0] is se for h in hooks)


def attach_se(module: nn.Module,
              se_cfg: Optional[dict],
              channels: int,
              target: Optional[nn.Module] = None,
              position: str = 'after') -> nn.Module:
    """Recalibrate a tensor of ``module`` with an SE module.

    Args:
        module (nn.Module): The owner: the SE module becomes its child
            ``se``.
        se_cfg (dict, optional): Attention options (see
            :func:`se_plugin.models.build_se`); None leaves ``module`` as it
            is.
        channels (int): Channels of the recalibrated tensor.
        target (nn.Module, optional): The module whose output (or input)
            is recalibrated, ``module`` itself or one of its descendants.
            Defaults to ``module``.
        position (str): ``'after'`` (the target's output) or ``'before'``
            (its first input). Defaults to ``'after'``.

    Returns:
        nn.Module: ``module`` itself.
    """
    if se_cfg is None:
        return module
    if hasattr(module, 'se'):
        raise ValueError(f'{type(module).__name__} already has an attribute '
                         "'se'; attach_se can add only one SE module to it")
    se = build_se(se_cfg, channels)
    module.add_module('se', se)
    _hook(module if target is None else target, se, position)
    return module


def _ensure_sites(host: nn.Module, args) -> None:
    for owner_path, rel, position in host._se_sites:
        owner = host.get_submodule(owner_path)
        se = owner._modules.get('se')
        if se is None:
            raise RuntimeError(
                f'the attention module {owner_path}.se is gone: '
                f'{owner_path} was replaced by a module without it '
                f'({type(owner).__name__}); attach after such conversions '
                '(e.g. fuse_conv_bn)')
        target = owner.get_submodule(rel)
        if not is_hooked(target, se):  # e.g. a BN converted to SyncBN
            _hook(target, se, position)


def watch_sites(host: nn.Module, sites) -> None:
    """Re-hook replaced targets of ``host`` before each of its forwards.

    Args:
        host (nn.Module): The network.
        sites (list[tuple]): ``(owner path, target path relative to the
            owner ('' for the owner), position)`` of each attached module.
    """
    if '_se_sites' not in vars(host):
        host._se_sites = []
        host.register_forward_pre_hook(_ensure_sites)
    host._se_sites.extend(sites)
