"""MobileNet v1 (Howard et al., 2017) and SE-MobileNet.

mmpretrain has MobileNet v2 and v3 but not v1, so the network is built here
from mmcv's ``ConvModule`` and ``DepthwiseSeparableConvModule``.
"""
from typing import Optional, Sequence

from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from torch import nn

from se_plugin.registry import MODELS
from .se_attach import attach_se, check_se_cfg
from .staged import MSRA_INIT, StagedBackbone


@MODELS.register_module()
class SEMobileNetV1(StagedBackbone):
    """MobileNet v1 with an SE module after every depthwise-separable block.

    Where SE goes: the paper (TPAMI, Sec. 3 and Table 3) inserts SE after the
    non-linearity that follows each convolution of a network without
    residual connections, for MobileNet after each depthwise-separable
    block's pointwise conv (1x1 conv + BN + ReLU). Its deltas tell this
    placement from the others: 13 SE modules on the pointwise outputs (64 to
    1024 channels, r=16) add 0.48M parameters (4.2M -> 4.7M) and 3.2M
    multiply-adds (0.5M in the FCs, 2.7M channel rescalings; 569 -> 572
    MFLOPs); SE after the depthwise convs as well would add only 0.12M more
    parameters but 4.4M more rescaling multiplies (576 MFLOPs).

    Stages (by resolution at 224 input): 0: stem + 64-channel block (112),
    1: 128 (56), 2: 256 (28), 3: 512 (14), 4: 1024 (7).

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            the plain MobileNet v1. Defaults to ``dict()``.
        widen_factor (float): Width multiplier alpha. Defaults to 1.0.
        out_indices (Sequence[int]): Stages to output. Defaults to ``(4, )``.
        frozen_stages (int): Leading stages to freeze. Defaults to -1.
        norm_cfg (dict): Norm layer after every conv. Defaults to BN.
        act_cfg (dict): Activation after every norm. Defaults to ReLU.
        norm_eval (bool): BN in eval mode while training. Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to MSRA init.
    """
    #: (output channels, stride) of the depthwise-separable blocks per stage.
    arch = (
        ((64, 1), ),
        ((128, 2), (128, 1)),
        ((256, 2), (256, 1)),
        ((512, 2), ) + ((512, 1), ) * 5,
        ((1024, 2), (1024, 1)),
    )

    def __init__(self,
                 se_cfg: Optional[dict] = dict(),
                 widen_factor: float = 1.0,
                 out_indices: Sequence[int] = (4, ),
                 frozen_stages: int = -1,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'),
                 norm_eval: bool = False,
                 init_cfg=MSRA_INIT):
        super().__init__(out_indices, frozen_stages, norm_eval, init_cfg)
        check_se_cfg('SEMobileNetV1.se_cfg', se_cfg)
        if not isinstance(widen_factor, (int, float)) or widen_factor <= 0:
            raise ValueError(f'SEMobileNetV1.widen_factor={widen_factor!r} '
                             'must be a number > 0')
        in_channels = int(32 * widen_factor)
        stages = []
        for i, blocks in enumerate(self.arch):
            layers = []
            if i == 0:
                layers.append(
                    ConvModule(3, in_channels, 3, 2, 1, norm_cfg=norm_cfg,
                               act_cfg=act_cfg))
            for channels, stride in blocks:
                channels = int(channels * widen_factor)
                block = DepthwiseSeparableConvModule(
                    in_channels, channels, 3, stride, 1, norm_cfg=norm_cfg,
                    act_cfg=act_cfg)
                attach_se(block.pointwise_conv, se_cfg, channels)
                layers.append(block)
                in_channels = channels
            stages.append(nn.Sequential(*layers))
        self._set_stages(stages)
        self.out_channels = in_channels
