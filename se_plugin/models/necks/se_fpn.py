"""FPN with Squeeze-and-Excitation on its levels."""
from typing import List, Sequence

import torch.nn as nn
from mmdet.models.necks import FPN

from se_plugin.registry import MODELS
from ..attention.slot import build_se, hook_se
from ..checks import BOOL, Cfg, Checked, Choice, Int, Rule, fail, is_int
from .multi_level_se import NECK_SE_CFG

SE_POSITIONS = ('lateral', 'output')
EXTRA_CONVS = ('on_input', 'on_lateral', 'on_output')


def _positions(name, value, opts):
    if not isinstance(value, (list, tuple)) or not value or len(
            set(value)) != len(value):
        fail(name, value,
             f'a non-empty tuple of distinct values of {SE_POSITIONS}')
    for position in value:
        Choice(*SE_POSITIONS)(name, position, opts)


def _num_outs(name, value, opts):
    """As many outputs as levels, or more with extra levels after the last
    input level only."""
    num_ins, start, end = (len(opts['in_channels']), opts['start_level'],
                           opts['end_level'])
    if end in (-1, num_ins - 1):
        Int(num_ins - start)(name, value, opts)
    else:
        Choice(end - start + 1)(name, value, opts)


#: mmdet FPN's options, checked before its bare asserts.
FPN_OPTIONS = dict(
    in_channels=Rule(lambda v, o: isinstance(v, list) and bool(v) and all(
        is_int(c) and c >= 1 for c in v),
        'a non-empty list of ints >= 1 (one per backbone level)'),
    out_channels=Int(1),
    start_level=Int(0, lambda o: len(o['in_channels']) - 1),
    end_level=Rule(lambda v, o: v == -1 or is_int(v) and o['start_level'] <=
                   v < len(o['in_channels']),
                   lambda o: f"an int in {o['start_level']}.."
                   f"{len(o['in_channels']) - 1} or -1"),
    num_outs=_num_outs,
    add_extra_convs=Choice(False, True, *EXTRA_CONVS),
    relu_before_extra_convs=BOOL, no_norm_on_lateral=BOOL,
    norm_cfg=Cfg(none=True), act_cfg=Cfg(none=True),
    upsample_cfg=Cfg(typed=False))


@MODELS.register_module()
class SEFPN(Checked, FPN):
    """mmdet's FPN with SE on its lateral inputs, its outputs or both, hooked
    onto mmdet's own convs: FPN's forward and keys stay (a drop-in).

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
    options = dict(se_positions=_positions, se_cfg=NECK_SE_CFG, **FPN_OPTIONS)

    def __init__(self, in_channels: List[int], out_channels: int,
                 num_outs: int, se_positions: Sequence[str] = ('output', ),
                 se_cfg: dict = dict(), **kwargs):
        super().__init__(in_channels, out_channels, num_outs, **kwargs)
        self.se_positions = tuple(se_positions)
        self.lateral_se = self.output_se = None
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
