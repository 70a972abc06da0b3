"""Residual blocks with one SE slot, at any of the paper's placements:
mmpretrain's blocks plus :class:`SEBlockMixin`, whose one ``forward`` puts
SE where ``se_placement`` says (``se_cfg=None``: mmpretrain's block)."""
from typing import Optional

import torch
import torch.utils.checkpoint as cp
from mmpretrain.models.backbones.resnet import BasicBlock, Bottleneck
from mmpretrain.models.backbones.resnext import \
    Bottleneck as ResNeXtBottleneck

from ..attention.slot import build_se  # noqa: F401 (the one builder)
from ..checks import (bind, check_bool, check_cfg, check_choice,
                      check_init_cfg, check_int, check_number, fail)
from . import fast
from .se_layer import check_se_cfg

#: Where SE goes in a residual unit (TPAMI Tables 14 and 15):
#: ``standard``: on the residual branch after its last BN, before the sum;
#: ``pre``: on the unit's input, feeding the residual branch only;
#: ``post``: after the sum and its ReLU;
#: ``identity``: on the identity branch (after any downsample);
#: ``3x3``: right after the 3x3 conv (and its BN and ReLU) of a bottleneck.
PLACEMENTS = ('standard', 'pre', 'post', 'identity', '3x3')

#: mmpretrain's ``style``: the stride on the 3x3 conv or on the first 1x1.
STYLES = ('pytorch', 'caffe')


def check_block_options(name: str, options: dict, bottleneck: bool) -> None:
    """Check an mmpretrain residual block's bound ``options`` (a ResNeXt
    block's ``kwargs`` merged in) before its bare asserts are reached."""
    options = dict(options.pop('kwargs', {}), **options)
    for key in ('in_channels', 'out_channels', 'stride', 'dilation',
                'base_channels', 'groups', 'width_per_group'):
        if key in options:
            check_int(f'{name}.{key}', options[key], 1)
    expansion = options.get('expansion', 4 if bottleneck else 1)
    if bottleneck:
        check_int(f'{name}.expansion', expansion, 1)
    else:  # mmpretrain's BasicBlock asserts it
        check_choice(f'{name}.expansion', expansion, (1, ))
    if options['out_channels'] % expansion:
        fail(f'{name}.out_channels', options['out_channels'],
             f'a multiple of expansion={expansion}')
    check_choice(f'{name}.style', options.get('style', 'pytorch'), STYLES)
    check_bool(f'{name}.with_cp', options.get('with_cp', False))
    check_cfg(f'{name}.conv_cfg', options.get('conv_cfg'), none=True)
    check_cfg(f'{name}.norm_cfg', options.get('norm_cfg', dict(type='BN')))
    check_cfg(f'{name}.act_cfg', options.get('act_cfg', dict(type='ReLU')))
    check_number(f'{name}.drop_path_rate', options.get('drop_path_rate', 0.),
                 0, 1, high_open=True)
    check_init_cfg(f'{name}.init_cfg', options.get('init_cfg'))


class SEBlockMixin:
    """Gives a residual block one SE module (``self.se``) at a placement.

    Args:
        se_cfg (dict, optional): Options of the SE module (see
            :class:`SELayer`); ``None`` means no SE. Defaults to None.
        se_placement (str): One of :data:`PLACEMENTS`.
            Defaults to ``'standard'``.
    """

    def __init__(self,
                 *args,
                 se_cfg: Optional[dict] = None,
                 se_placement: str = 'standard',
                 **kwargs):
        name = type(self).__name__
        check_block_options(
            name, bind(name, super().__init__, *args, **kwargs),
            isinstance(self, Bottleneck))
        check_se_cfg(f'{name}.se_cfg', se_cfg)
        check_choice(f'{name}.se_placement', se_placement, PLACEMENTS)
        if se_placement == '3x3' and not isinstance(self, Bottleneck):
            fail(f'{name}.se_placement', se_placement,
                 f'{tuple(p for p in PLACEMENTS if p != "3x3")} (3x3 needs '
                 'a bottleneck block, a 1x1-3x3-1x1 branch)')
        super().__init__(*args, **kwargs)
        self.se_placement = se_placement
        self.se = None
        if se_cfg is not None:
            channels = {
                'pre': self.in_channels,
                '3x3': self.mid_channels,
            }.get(se_placement, self.out_channels)
            self.se = build_se(se_cfg, channels)

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
