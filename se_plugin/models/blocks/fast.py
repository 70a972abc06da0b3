"""SE's fast path for CPU inference, the one place SE is computed other
than as its module graph, behind :func:`applies` (docs/user_guides/
speed.md)."""
import torch
import torch.nn as nn
from torch.nn.modules import module as _module

from se_plugin.ops import excite_kernel, kernel_layout
from se_plugin.utils.compat import autocast_cpu, capturing
from ..checks import BOOL

_enabled = True


def set_fast_path(enabled: bool) -> bool:
    """Allow (True, the default) or forbid the fast path in this process;
    returns the previous setting."""
    global _enabled
    BOOL('set_fast_path.enabled', enabled, {})
    previous, _enabled = _enabled, enabled
    return previous


def _pointwise(fc) -> bool:
    return (type(fc) is nn.Conv2d and fc.bias is not None
            and fc.kernel_size == fc.stride == fc.dilation == (1, 1)
            and fc.padding == (0, 0) and fc.groups == 1)


def applies(se, x: torch.Tensor, block=None) -> bool:
    """Whether the fast path computes ``se(x)`` (or ``block(x)``, an SE block
    at the standard placement) as the module graph would, to float rounding:
    eval mode, a float32 CPU tensor, nothing to differentiate, not traced,
    compiled, exported or autocast, the paper's SE (an :class:`SELayer`,
    average squeeze, 1x1 ``nn.Conv2d`` FCs with biases, ``nn.ReLU``,
    ``nn.Sigmoid``) and no hooks on any module the fast path does not call
    (global ones included)."""
    from .se_layer import SELayer  # a sibling that imports this module
    if not (_enabled and type(x) is torch.Tensor and x.dtype == torch.float32
            and x.device.type == 'cpu' and type(se) is SELayer
            and se.squeeze == 'avg') or capturing() or autocast_cpu():
        return False
    owner = se if block is None else block
    if owner.training or se.training or torch.is_grad_enabled() and (
            x.requires_grad or any(p.requires_grad
                                   for p in owner.parameters())):
        return False
    skipped = [se, se.fc1, se.act, se.fc2, se.gate]
    if block is not None:  # the tail's ReLU and drop_path are not called
        skipped += [block.relu, block.drop_path]
        if type(block.relu) is not nn.ReLU or (
                block.drop_path.training
                and type(block.drop_path) is not nn.Identity):
            return False
    return (_pointwise(se.fc1) and _pointwise(se.fc2)
            and type(se.act) is nn.ReLU and type(se.gate) is nn.Sigmoid
            and not (_module._global_forward_hooks
                     or _module._global_forward_pre_hooks)
            and not any(m._forward_hooks or m._forward_pre_hooks
                        for m in skipped))


def excite(se, x: torch.Tensor) -> torch.Tensor:
    """``se.excite(x)`` for a call :func:`applies` admits."""
    fc1, fc2 = se.fc1, se.fc2
    if se.cpu_kernel:
        return excite_kernel().excite(x if kernel_layout(x) else
                                      x.contiguous(), fc1.weight, fc1.bias,
                                      fc2.weight, fc2.bias)
    # The mean's 1 / HW rides on the first product: fewer small operators,
    # each of which costs far more than its arithmetic at batch 1.
    n, c, h, w = x.shape
    s = torch.addmm(fc1.bias, x.sum((2, 3)), fc1.weight.flatten(1).t(),
                    alpha=1.0 / (h * w)).relu_()
    s = torch.addmm(fc2.bias, s, fc2.weight.flatten(1).t()).sigmoid_()
    return s.view(n, c, 1, 1)


def block_forward(block, x: torch.Tensor) -> torch.Tensor:
    """``block(x)`` for an SE block at the standard placement: the sum and
    the ReLU of ``relu(identity + out * gate)`` in one pass, written into the
    branch's fresh output ``out`` (a new activation-sized tensor per block
    costs more than SE here)."""
    identity = x if block.downsample is None else block.downsample(x)
    out = block.residual(x)
    gate = excite(block.se, out)
    if (block.se.cpu_kernel and out.stride() == identity.stride()
            and kernel_layout(out)):
        return excite_kernel().scale_add_relu_(out, identity,
                                               gate.contiguous())
    return torch.addcmul(identity, out, gate, out=out).relu_()
