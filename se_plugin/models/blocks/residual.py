"""mmpretrain's residual blocks with one SE slot at any of the paper's
placements (docs/user_guides/placement.md); se_cfg=None: the plain block."""
from typing import Optional

import torch
import torch.utils.checkpoint as cp
from mmpretrain.models.backbones.resnet import BasicBlock, Bottleneck
from mmpretrain.models.backbones.resnext import \
    Bottleneck as ResNeXtBottleneck

from ..attention.slot import SECfg, build_se  # noqa: F401 (re-exported)
from ..checks import Checked, Choice, Int, fail
from . import fast

#: Where SE goes in a residual unit (TPAMI Tables 14, 15; the guide above).
PLACEMENTS = ('standard', 'pre', 'post', 'identity', '3x3')


def bottleneck(opts) -> bool:
    """Whether the block (or backbone depth) being built is a bottleneck
    (1x1-3x3-1x1, the only one with a ``3x3`` placement)."""
    block = opts['self']
    if hasattr(block, 'arch_settings'):
        block = block.arch_settings[opts['depth']][0]
    return issubclass(block if isinstance(block, type) else type(block),
                      Bottleneck)


def placement(name, value, opts):
    Choice(*PLACEMENTS)(name, value, opts)
    if value == '3x3' and not bottleneck(opts):
        arch = getattr(opts['self'], 'arch_settings', {})
        deep = tuple(d for d, (b, _) in arch.items()
                     if issubclass(b, Bottleneck))
        why = (f"; depth={opts['depth']} has basic ones, depths {deep} have "
               'them' if arch else '')
        fail(name, value, f'{PLACEMENTS[:-1]} (3x3 needs a bottleneck block, '
             f'a 1x1-3x3-1x1 branch{why})')


def expansion(name, value, opts):
    (Int(1) if bottleneck(opts) else Choice(1))(name, value, opts)


def _multiple(name, value, opts):
    Int(1)(name, value, opts)
    if value % opts['expansion']:
        fail(name, value, f"a multiple of expansion={opts['expansion']}")


class SEBlockMixin(Checked):
    """Gives a residual block one SE module (``self.se``) at a placement.

    Args:
        se_cfg (dict, optional): Options of the SE module (see
            :class:`SELayer`); ``None`` means no SE. Defaults to None.
        se_placement (str): One of :data:`PLACEMENTS`.
            Defaults to ``'standard'``.
    """
    # mmpretrain's block options too, checked before its bare asserts.
    options = dict(
        in_channels=Int(1), base_channels=Int(1), groups=Int(1),
        width_per_group=Int(1), stride=Int(1), dilation=Int(1),
        expansion=expansion, out_channels=_multiple, se_cfg=SECfg(),
        se_placement=placement)

    def __init__(self, *args, se_cfg: Optional[dict] = None,
                 se_placement: str = 'standard', **kwargs):
        super().__init__(*args, **kwargs)
        self.se_placement = se_placement
        channels = {'pre': self.in_channels, '3x3': self.mid_channels}.get(
            se_placement, self.out_channels)
        self.se = None if se_cfg is None else build_se(se_cfg, channels)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """The residual branch, up to its last BN."""
        out = self.relu(self.norm1(self.conv1(x)))
        out = self.norm2(self.conv2(out))
        if not hasattr(self, 'conv3'):
            return out
        out = self.relu(out)
        if self.se_placement == '3x3' and self.se is not None:
            out = self.se(out)
        return self.norm3(self.conv3(out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        se = self.se
        placement = None if se is None else self.se_placement
        # The one special case: the fused residual tail of CPU inference,
        # where fast.applies proves it computes what the lines below do.
        if placement == 'standard' and fast.applies(se, x, self):
            return fast.block_forward(self, x)

        def _inner_forward(x):
            identity = x if self.downsample is None else self.downsample(x)
            if placement == 'identity':
                identity = se(identity)
            out = self.residual(se(x) if placement == 'pre' else x)
            if placement == 'standard':
                out = se(out)
            out = self.drop_path(out)
            out += identity
            return out

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        out = self.relu(out)
        return se(out) if placement == 'post' else out


class SEBasicBlock(SEBlockMixin, BasicBlock):
    """mmpretrain's ``BasicBlock`` with an SE slot (ResNet-18/34)."""


class SEBottleneck(SEBlockMixin, Bottleneck):
    """mmpretrain's ``Bottleneck`` with an SE slot (ResNet-50/101/152)."""


class SEResNeXtBottleneck(SEBlockMixin, ResNeXtBottleneck):
    """mmpretrain's ResNeXt ``Bottleneck`` with an SE slot."""
