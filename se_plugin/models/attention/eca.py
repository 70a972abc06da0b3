"""ECA: Efficient Channel Attention (Wang et al., ECA-Net, CVPR 2020)."""
import math
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from se_plugin.registry import MODELS
from ..checks import Checked, Int, Num, Rule, is_int


def eca_kernel_size(channels: int, gamma: float = 2, beta: float = 1) -> int:
    """The paper's adaptive kernel size (its Eq. 12): the odd number
    nearest above ``|log2(C) + beta| / gamma``, at least 3 (timm's floor;
    the formula alone gives 1 below 8 channels)."""
    t = int(abs(math.log2(channels) + beta) / gamma)
    return max(t if t % 2 else t + 1, 3)


@MODELS.register_module()
class ECALayer(Checked, BaseModule):
    """ECA: ``x * sigmoid(conv1d_k(avgpool(x)))``, SE's slot with one 1-D conv
    (``k`` weights, no bias) over the pooled channels; timm's key ``conv``.

    Args:
        in_channels (int): Channels of the input (and output).
        kernel_size (int, optional): An odd kernel size; None derives it
            from ``in_channels`` with :func:`eca_kernel_size`.
            Defaults to None.
        gamma (float): ``gamma`` of the kernel-size rule. Defaults to 2.
        beta (float): ``b`` of the kernel-size rule. Defaults to 1.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'eca'
    options = dict(
        in_channels=Int(1), gamma=Num(0, low_open=True), beta=Num(),
        kernel_size=Rule(
            lambda v, o: v is None or is_int(v) and v > 0 and v % 2 == 1,
            'an odd int >= 1 or None (from in_channels)'))

    def __init__(self, in_channels: int, kernel_size: Optional[int] = None,
                 gamma: float = 2, beta: float = 1,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        kernel_size = kernel_size or eca_kernel_size(in_channels, gamma, beta)
        self.conv = nn.Conv1d(
            1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        gate = self.conv(x.mean((2, 3)).view(n, 1, -1)).sigmoid_()
        return x * gate.view(n, -1, 1, 1)
