"""Building blocks shared by BN-Inception and Inception-ResNet-v2.

Both networks are tables of multi-branch modules. A branch is written as a
tuple of layer specs, so each architecture file is its table, not code:

* ``(out_channels, kernel)``, ``(out_channels, kernel, stride)`` or
  ``(out_channels, kernel, stride, padding)``: a conv-norm-act
  ``ConvModule``; ``kernel`` may be a ``(kh, kw)`` tuple; the default
  padding keeps the size ('same'), ``padding=0`` is TF's 'valid';
* ``('max' | 'avg', kernel, stride, padding)``: a pooling layer, optionally
  followed by a dict of its other arguments.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_activation_layer

from ..attention.slot import attach_se

POOLS = {'max': nn.MaxPool2d, 'avg': nn.AvgPool2d}


def make_branch(in_channels: int, specs: Sequence[tuple], norm_cfg: dict,
                act_cfg: dict, pool_cfg: Optional[dict] = None):
    """One branch (``nn.Sequential``) from its layer specs and its output
    channels; ``pool_cfg`` goes to every pooling layer."""
    layers = []
    for spec in specs:
        if spec[0] in POOLS:
            kind, kernel, stride, padding, *extra = spec
            kwargs = dict(pool_cfg or {}, **(extra[0] if extra else {}))
            layers.append(POOLS[kind](kernel, stride, padding, **kwargs))
            continue
        out_channels, kernel, stride, padding = (
            tuple(spec) + (1, None)[len(spec) - 2:])
        if padding is None:
            padding = tuple(k // 2 for k in kernel) if isinstance(
                kernel, tuple) else kernel // 2
        layers.append(ConvModule(in_channels, out_channels, kernel, stride,
                                 padding, norm_cfg=norm_cfg, act_cfg=act_cfg))
        in_channels = out_channels
    return nn.Sequential(*layers), in_channels


class Concat(nn.Module):
    """Runs every branch on the same input and concatenates the outputs."""

    def __init__(self, in_channels: int, branches: Sequence[Sequence[tuple]],
                 norm_cfg: dict, act_cfg: dict,
                 pool_cfg: Optional[dict] = None):
        super().__init__()
        built = [make_branch(in_channels, specs, norm_cfg, act_cfg, pool_cfg)
                 for specs in branches]
        self.branches = nn.ModuleList(branch for branch, _ in built)
        self.out_channels = sum(channels for _, channels in built)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], 1)


class InceptionResidual(nn.Module):
    """The Inception-ResNet unit, SE on the 1x1 conv's output (before the
    scaling, docs/user_guides/senet_family.md).

    Args:
        channels (int): Input and output channels.
        branches (Sequence[Sequence[tuple]]): Layer specs of the branches.
        scale (float): Residual scaling.
        se_cfg (dict, optional): SE options; None for no SE.
        norm_cfg (dict): Norm layer of the branch convs.
        act_cfg (dict): Activation of the branch convs and after the sum.
        with_act (bool): Apply ``act_cfg`` after the sum. Defaults to True.
    """

    def __init__(self, channels: int, branches: Sequence[Sequence[tuple]],
                 scale: float, se_cfg: Optional[dict], norm_cfg: dict,
                 act_cfg: dict, with_act: bool = True):
        super().__init__()
        self.scale = scale
        self.branches = Concat(channels, branches, norm_cfg, act_cfg)
        self.up = nn.Conv2d(self.branches.out_channels, channels, 1)
        attach_se(self.up, se_cfg, channels)
        self.act = build_activation_layer(act_cfg) if with_act else \
            nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.scale * self.up(self.branches(x)))
