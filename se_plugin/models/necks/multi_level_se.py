"""A neck that recalibrates every level of a multi-level feature by SE."""
from typing import Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from se_plugin.registry import MODELS
from ..attention.slot import build_se
from ..blocks.se_layer import check_se_cfg
from ..checks import check_init_cfg, fail, is_int


def check_neck_se_cfg(name: str, se_cfg: dict) -> None:
    """A neck's ``se_cfg``: a dict (a neck without SE is no SE neck)."""
    if not isinstance(se_cfg, dict):
        fail(name, se_cfg, 'a dict of SE options (dict() for the defaults)')
    check_se_cfg(name, se_cfg)


@MODELS.register_module()
class MultiLevelSE(BaseModule):
    """One SE module per feature level, for any multi-level backbone.

    It takes the tuple of feature maps a backbone returns (``out_indices``)
    and returns a tuple of the same shapes, each level multiplied by its own
    excitation. It can stand alone or be chained with other necks in a list
    (mmengine builds a list of configs as a ``Sequential``), e.g.
    ``neck=[dict(type='se_plugin.MultiLevelSE', in_channels=[256, 512, 1024,
    2048]), dict(type='FPN', ...)]`` in mmdet or ``neck=[dict(type=
    'se_plugin.MultiLevelSE', in_channels=[1024, 2048]), dict(type=
    'GlobalAveragePooling')]`` in an mmpretrain classifier.

    Args:
        in_channels (int | Sequence[int]): Channels of each level, or of the
            single level of a one-tensor input.
        se_cfg (dict): Options of every SE module (see
            :class:`se_plugin.models.SELayer`, or a ``type`` of any
            registered attention module). Defaults to ``dict()`` (r=16).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 se_cfg: dict = dict(),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        check_init_cfg('MultiLevelSE.init_cfg', init_cfg)
        self.single = is_int(in_channels)
        channels = [in_channels] if self.single else in_channels
        if (isinstance(channels, str) or not isinstance(channels, Sequence)
                or not channels
                or not all(is_int(c) and c >= 1 for c in channels)):
            fail('MultiLevelSE.in_channels', in_channels,
                 'an int >= 1 or a non-empty sequence of them')
        check_neck_se_cfg('MultiLevelSE.se_cfg', se_cfg)
        channels = list(channels)
        self.in_channels = channels
        self.se = nn.ModuleList(build_se(se_cfg, c) for c in channels)

    def forward(
        self, inputs: Union[torch.Tensor, Sequence[torch.Tensor]]
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
