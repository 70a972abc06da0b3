"""CBAM: Convolutional Block Attention Module (Woo et al., ECCV 2018)."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from se_plugin.registry import MODELS
from ..blocks.se_layer import SELayer
from ..checks import Checked, Int, Num, Rule, is_int


class ChannelGate(SELayer):
    """CBAM's channel attention: SE's two FC layers (no biases), shared by
    the average- and the max-pooled vectors, whose outputs are summed
    before the sigmoid."""

    def __init__(self, in_channels: int, ratio: float = 16, **kwargs):
        super().__init__(in_channels, ratio, bias=False, **kwargs)

    def excite(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        pooled = torch.cat([x.mean((2, 3)), x.amax((2, 3))])
        s = self.fc2(self.act(self.fc1(pooled[..., None, None])))
        return self.gate(s[:n] + s[n:])


class SpatialGate(nn.Module):
    """CBAM's spatial attention: ``x * sigmoid(BN(conv_k([mean_c(x);
    max_c(x)])))``, the conv a ``k x k`` one from 2 maps to 1."""

    def __init__(self, kernel_size: int = 7):
        super().__init__()
        self.conv = ConvModule(
            2, 1, kernel_size, padding=kernel_size // 2, bias=False,
            norm_cfg=dict(type='BN'), act_cfg=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
        return x * self.conv(maps).sigmoid_()


@MODELS.register_module()
class CBAM(Checked, BaseModule):
    """CBAM: channel attention, then spatial attention, in SE's slot; keys
    as timm's ``CbamModule``.

    Args:
        in_channels (int): Channels of the input (and output).
        ratio (float): Reduction ratio of the channel MLP (width
            ``floor(C / ratio)``). Defaults to 16.
        spatial_kernel (int): Kernel size of the spatial conv. Defaults to 7.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'cbam'
    options = dict(
        in_channels=Int(1), ratio=Num(0, low_open=True),
        spatial_kernel=Rule(lambda v, o: is_int(v) and v > 0 and v % 2 == 1,
                            'an odd int >= 1'))

    def __init__(self, in_channels: int, ratio: float = 16,
                 spatial_kernel: int = 7, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.channel = ChannelGate(in_channels, ratio)
        self.spatial = SpatialGate(spatial_kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.spatial(self.channel(x))
