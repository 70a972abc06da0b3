"""MobileNet v1 (Howard et al., 2017) and SE-MobileNet from mmcv's
``ConvModule`` and ``DepthwiseSeparableConvModule`` (mmpretrain lacks v1)."""
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from torch import nn

from se_plugin.registry import MODELS
from ..attention.slot import attach_se
from ..checks import Num
from .staged import StagedBackbone


@MODELS.register_module()
class SEMobileNetV1(StagedBackbone):
    """MobileNet v1 with SE on each depthwise-separable block's pointwise
    conv + BN + ReLU (see docs/user_guides/senet_family.md, "Where SE goes").

    Stages (by resolution at 224 input): 0: stem + 64-channel block (112),
    1: 128 (56), 2: 256 (28), 3: 512 (14), 4: 1024 (7).

    Args:
        widen_factor (float): Width multiplier alpha. Defaults to 1.0.
        **kwargs: The options of :class:`StagedBackbone` (``se_cfg=None``
            for MobileNet v1 without SE, ``out_indices``, ...).
    """
    #: (output channels, stride) of the depthwise-separable blocks per stage.
    arch = (((64, 1), ), ((128, 2), (128, 1)), ((256, 2), (256, 1)),
            ((512, 2), ) + ((512, 1), ) * 5, ((1024, 2), (1024, 1)))

    num_stages = len(arch)
    # The 32-channel stem must keep at least one channel.
    options = dict(widen_factor=Num(1 / 32))

    def __init__(self, widen_factor: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        in_channels = int(32 * widen_factor)
        conv_cfgs = dict(norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        stages = []
        for i, blocks in enumerate(self.arch):
            layers = []
            if i == 0:
                layers.append(ConvModule(3, in_channels, 3, 2, 1, **conv_cfgs))
            for channels, stride in blocks:
                channels = int(channels * widen_factor)
                block = DepthwiseSeparableConvModule(
                    in_channels, channels, 3, stride, 1, **conv_cfgs)
                attach_se(block.pointwise_conv, self.se_cfg, channels)
                layers.append(block)
                in_channels = channels
            stages.append(nn.Sequential(*layers))
        self._set_stages(stages)
        self.out_channels = in_channels
