"""Shake-Shake networks (Gastaldi, 2017) with and without SE, the SE
paper's CIFAR entries (configs/cifar/README.md)."""
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer

from se_plugin.registry import MODELS
from ..blocks.residual import build_se
from ..checks import Checked, Choice, Int
from .cifar_resnet import depth_rule, three_stages
from .staged import StagedBackbone

#: How a branch weight is drawn per image in training: 'shake' uniform in
#: [0, 1], 'even' 0.5; backward also 'keep' (the forward's weight).
FORWARD_MODES = ('shake', 'even')
BACKWARD_MODES = ('shake', 'even', 'keep')


class ShakeShakeFunction(torch.autograd.Function):
    """``alpha * x1 + (1 - alpha) * x2`` whose gradient is mixed with an
    independent ``beta``: ``(beta * g, (1 - beta) * g)``."""

    @staticmethod
    def forward(ctx, x1, x2, alpha, beta):
        """Mix the branches with ``alpha`` (one weight per image)."""
        ctx.save_for_backward(beta)
        return alpha * x1 + (1 - alpha) * x2

    @staticmethod
    def backward(ctx, grad):
        """Split the gradient with ``beta``; none for the weights."""
        beta, = ctx.saved_tensors

        return beta * grad, (1 - beta) * grad, None, None


class Shake(Checked, nn.Module):
    """Mixes two branches with per-image random weights in training and
    with 0.5 each (their expectation) in evaluation.

    Args:
        forward_mode (str): One of :data:`FORWARD_MODES`.
        backward_mode (str): One of :data:`BACKWARD_MODES`.
    """

    options = dict(forward_mode=Choice(*FORWARD_MODES),
                   backward_mode=Choice(*BACKWARD_MODES))

    def __init__(self, forward_mode='shake', backward_mode='shake'):
        super().__init__()
        self.forward_mode = forward_mode
        self.backward_mode = backward_mode

    def _draw(self, mode, x):
        shape = (x.shape[0], ) + (1, ) * (x.dim() - 1)
        if mode == 'shake':
            return torch.rand(shape, dtype=x.dtype, device=x.device)
        return torch.full(shape, 0.5, dtype=x.dtype, device=x.device)

    def forward(self, x1, x2):
        if not self.training:
            return 0.5 * (x1 + x2)
        alpha = self._draw(self.forward_mode, x1)
        beta = alpha if self.backward_mode == 'keep' else self._draw(
            self.backward_mode, x1)
        return ShakeShakeFunction.apply(x1, x2, alpha, beta)


class ShakeShortcut(nn.Module):
    """Gastaldi's shortcut where width or resolution changes: ReLU, two
    strided 1x1 convs (the second on the input shifted by one pixel), each
    giving half the channels, concatenated, then BN."""

    def __init__(self, in_channels, out_channels, stride, norm_cfg):
        super().__init__()
        half = out_channels // 2
        self.act = nn.ReLU()
        self.pool = nn.AvgPool2d(1, stride)
        self.conv1 = nn.Conv2d(in_channels, half, 1, bias=False)
        self.conv2 = nn.Conv2d(in_channels, out_channels - half, 1,
                               bias=False)
        self.norm = build_norm_layer(norm_cfg, out_channels)[1]

    def forward(self, x):
        x = self.act(x)
        shifted = nn.functional.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))
        return self.norm(
            torch.cat([self.conv1(self.pool(x)),
                       self.conv2(self.pool(shifted))], 1))


def shake_branch(in_channels, out_channels, stride, mid, groups, norm_cfg,
                 act_cfg):
    """ReLU-conv-BN layers: two 3x3 (``groups=0``) or a ResNeXt
    1x1-3x3(grouped)-1x1 of width ``mid``."""
    conv = dict(bias=False, norm_cfg=norm_cfg, act_cfg=act_cfg,
                order=('act', 'conv', 'norm'))
    if not groups:
        return nn.Sequential(
            ConvModule(in_channels, out_channels, 3, stride, 1, **conv),
            ConvModule(out_channels, out_channels, 3, 1, 1, **conv))
    return nn.Sequential(
        ConvModule(in_channels, mid, 1, **conv),
        ConvModule(mid, mid, 3, stride, 1, groups=groups, **conv),
        ConvModule(mid, out_channels, 1, **conv))


class ShakeBlock(nn.Module):
    """Two branches mixed by :class:`Shake`, SE on the mixture, the sum
    (no ReLU after it: each branch starts with one)."""

    def __init__(self, in_channels, out_channels, stride, mid, groups,
                 shake, se_cfg, norm_cfg, act_cfg):
        super().__init__()
        args = (in_channels, out_channels, stride, mid, groups, norm_cfg,
                act_cfg)
        self.branch1, self.branch2 = shake_branch(*args), shake_branch(*args)
        self.shake = Shake(**shake)
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = ShakeShortcut(in_channels, out_channels, stride,
                                          norm_cfg)
        self.se = None if se_cfg is None else build_se(se_cfg, out_channels)

    def forward(self, x):
        out = self.shake(self.branch1(x), self.branch2(x))
        if self.se is not None:
            out = self.se(out)
        return out + (x if self.shortcut is None else self.shortcut(x))


@MODELS.register_module()
class ShakeResNet(StagedBackbone):
    """Shake-Shake 26 2x96d by default; Shake-Even 29 2x4x64d with
    ``depth=29, stem_channels=64, base_channels=256, groups=4,
    base_width=64, backward_mode='even'``.

    Stages: 0: stem, 1-3: ``base_channels * 1, 2, 4`` channels.

    Args:
        depth (int): ``6n + 2`` with basic branches, ``9n + 2`` with
            bottleneck branches (``groups > 0``). Defaults to 26.
        base_channels (int): Output width of the first stage. Defaults
            to 96.
        stem_channels (int): Defaults to 16.
        groups (int): Cardinality of a bottleneck branch; 0 for basic
            branches. Defaults to 0.
        base_width (int): Width per group of the first stage's
            bottlenecks (``d`` of ``4x64d``). Defaults to 64.
        forward_mode (str): One of :data:`FORWARD_MODES`. Defaults to
            'shake'.
        backward_mode (str): One of :data:`BACKWARD_MODES`. Defaults to
            'shake'.
        in_channels (int): Image channels. Defaults to 3.
        **kwargs: :class:`StagedBackbone`'s options (``se_cfg=None`` for
            the network without SE).
    """
    num_stages = 4
    options = dict(
        Shake.options, base_channels=Int(2), stem_channels=Int(1),
        groups=Int(0), base_width=Int(1), in_channels=Int(1),
        depth=depth_rule(lambda opts: opts['groups'] > 0))

    def __init__(self, depth=26, base_channels=96, stem_channels=16,
                 groups=0, base_width=64, forward_mode='shake',
                 backward_mode='shake', in_channels=3, **kwargs):
        super().__init__(**kwargs)
        num_blocks = (depth - 2) // (9 if groups > 0 else 6)
        shake = dict(forward_mode=forward_mode, backward_mode=backward_mode)
        stages = [ConvModule(in_channels, stem_channels, 3, 1, 1, bias=False,
                             norm_cfg=self.norm_cfg, act_cfg=None)]
        widths = [base_channels * 2**i for i in range(3)]
        stages += three_stages(
            stem_channels, widths, num_blocks, lambda i, *a: ShakeBlock(
                *a, groups * base_width * 2**i, groups, shake, self.se_cfg,
                self.norm_cfg, self.act_cfg))
        stages[-1].append(build_activation_layer(self.act_cfg))
        self._set_stages(stages)
        self.out_channels = widths[-1]
