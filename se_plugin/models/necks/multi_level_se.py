"""A neck that recalibrates every level of a multi-level feature by SE."""
from typing import Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from se_plugin.registry import MODELS
from ..attention.slot import SECfg, build_se
from ..checks import Checked, Rule, is_int

#: A neck's ``se_cfg``: a dict (a neck without SE is no SE neck).
NECK_SE_CFG = SECfg(False, 'a dict of SE options (dict() for the defaults)')


@MODELS.register_module()
class MultiLevelSE(Checked, BaseModule):
    """One SE module per feature level of any multi-level backbone; alone or
    in a neck list, e.g. before mmdet's FPN or ``GlobalAveragePooling``.

    Args:
        in_channels (int | Sequence[int]): Channels of each level, or of the
            single level of a one-tensor input.
        se_cfg (dict): Options of every SE module (see
            :class:`se_plugin.models.SELayer`, or a ``type`` of any
            registered attention module). Defaults to ``dict()`` (r=16).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    options = dict(
        in_channels=Rule(
            lambda v, o: is_int(v) and v >= 1 or isinstance(v, Sequence)
            and not isinstance(v, str) and bool(v) and all(
                is_int(c) and c >= 1 for c in v),
            'an int >= 1 or a non-empty sequence of them'),
        se_cfg=NECK_SE_CFG)

    def __init__(self, in_channels: Union[int, Sequence[int]],
                 se_cfg: dict = dict(), init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.single = is_int(in_channels)
        self.in_channels = channels = list(
            [in_channels] if self.single else in_channels)
        self.se = nn.ModuleList(build_se(se_cfg, c) for c in channels)

    def forward(self, inputs: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> Union[torch.Tensor, Tuple[torch.Tensor, ...]]:
        if isinstance(inputs, torch.Tensor):
            if not self.single:
                raise ValueError(
                    f'MultiLevelSE got one tensor but was built for '
                    f'{len(self.se)} levels (in_channels={self.in_channels})')
            return self.se[0](inputs)
        if len(inputs) != len(self.se):
            raise ValueError(
                f'MultiLevelSE got {len(inputs)} levels but was built for '
                f'{len(self.se)} (in_channels={self.in_channels})')
        return tuple(se(x) for se, x in zip(self.se, inputs))
