"""FPN with Squeeze-and-Excitation on its levels."""
from typing import List, Sequence

import torch.nn as nn
from mmdet.models.necks import FPN

from se_plugin.registry import MODELS
from ..attention.slot import build_se, hook_se
from ..checks import (bind, check_bool, check_cfg, check_choice,
                      check_init_cfg, check_int, fail, is_int)
from .multi_level_se import check_neck_se_cfg

SE_POSITIONS = ('lateral', 'output')
EXTRA_CONVS = ('on_input', 'on_lateral', 'on_output')


def check_fpn_options(options: dict) -> None:
    """Check the options of mmdet's ``FPN`` before its bare asserts (a
    tuple ``in_channels``, the levels and ``num_outs``,
    ``add_extra_convs``)."""
    channels = options['in_channels']
    if (not isinstance(channels, list) or not channels
            or not all(is_int(c) and c >= 1 for c in channels)):
        fail('SEFPN.in_channels', channels,
             'a non-empty list of ints >= 1 (one per backbone level)')
    num_ins = len(channels)
    check_int('SEFPN.out_channels', options['out_channels'], 1)
    start = options['start_level']
    check_int('SEFPN.start_level', start, 0, num_ins - 1)
    end = options['end_level']
    if end != -1:
        check_int('SEFPN.end_level', end, start, num_ins - 1)
    num_outs = options['num_outs']
    if end in (-1, num_ins - 1):
        check_int('SEFPN.num_outs', num_outs, num_ins - start)
    else:  # no extra levels after an earlier end level
        check_choice('SEFPN.num_outs', num_outs, (end - start + 1, ))
    extra = options['add_extra_convs']
    if not isinstance(extra, bool):
        check_choice('SEFPN.add_extra_convs', extra,
                     (False, True) + EXTRA_CONVS)
    for key in ('relu_before_extra_convs', 'no_norm_on_lateral'):
        check_bool(f'SEFPN.{key}', options[key])
    for key in ('conv_cfg', 'norm_cfg', 'act_cfg'):
        check_cfg(f'SEFPN.{key}', options[key], none=True)
    check_cfg('SEFPN.upsample_cfg', options['upsample_cfg'], typed=False)
    check_init_cfg('SEFPN.init_cfg', options['init_cfg'])


@MODELS.register_module()
class SEFPN(FPN):
    """mmdet's FPN whose levels are recalibrated by SE, a drop-in for FPN.

    SE acts on the lateral inputs (each backbone feature before its 1x1
    lateral conv, ``C_i`` channels), on the outputs (each output level after
    its 3x3 conv, extra levels included), or both. It is attached to mmdet's
    own ``lateral_convs`` / ``fpn_convs`` by
    :func:`se_plugin.models.attention.slot.hook_se`, so FPN's forward and
    its parameter names stay mmdet's: an FPN checkpoint loads
    into SEFPN with only the ``lateral_se``/``output_se`` keys missing.

    Args:
        in_channels (list[int]): Channels of each backbone level.
        out_channels (int): Channels of every output level.
        num_outs (int): Number of output levels.
        se_positions (Sequence[str]): Non-empty subset of ``('lateral',
            'output')``. Defaults to ``('output', )``.
        se_cfg (dict): Options of every SE module (see
            :class:`se_plugin.models.SELayer`, or a ``type`` of any
            registered attention module). Defaults to ``dict()`` (r=16).
        **kwargs: The other arguments of mmdet's ``FPN``.
    """

    def __init__(self,
                 in_channels: List[int],
                 out_channels: int,
                 num_outs: int,
                 se_positions: Sequence[str] = ('output', ),
                 se_cfg: dict = dict(),
                 **kwargs):
        if (isinstance(se_positions, str)
                or not isinstance(se_positions, Sequence)
                or len(se_positions) == 0
                or len(set(se_positions)) != len(se_positions)):
            fail('SEFPN.se_positions', se_positions,
                 f'a non-empty tuple of distinct values of {SE_POSITIONS}')
        for position in se_positions:
            check_choice('SEFPN.se_positions', position, SE_POSITIONS)
        check_neck_se_cfg('SEFPN.se_cfg', se_cfg)
        check_fpn_options(
            bind('SEFPN', FPN.__init__, None, in_channels, out_channels,
                 num_outs, **kwargs))
        super().__init__(in_channels, out_channels, num_outs, **kwargs)
        self.se_positions = tuple(se_positions)
        self.lateral_se = None
        self.output_se = None
        if 'lateral' in self.se_positions:
            levels = range(self.start_level, self.backbone_end_level)
            self.lateral_se = nn.ModuleList(
                build_se(se_cfg, in_channels[i]) for i in levels)
            for conv, se in zip(self.lateral_convs, self.lateral_se):
                hook_se(conv, se, 'before')
        if 'output' in self.se_positions:
            self.output_se = nn.ModuleList(
                build_se(se_cfg, out_channels) for _ in self.fpn_convs)
            for conv, se in zip(self.fpn_convs, self.output_se):
                hook_se(conv, se)
