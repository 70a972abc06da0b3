"""SENet-154 (the paper's Sec. 6, Table 4): SE-ResNeXt with the paper's
three changes, everything else mmpretrain's."""
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmpretrain.models.heads import LinearClsHead

from se_plugin.registry import MODELS
from ..blocks.residual import SEResNeXtBottleneck
from ..checks import Checked, Choice, Int, Num
from .se_resnet import SEResNeXt


class SENet154Bottleneck(SEResNeXtBottleneck):
    """The SENet-154 bottleneck: the released model's half-width first 1x1
    conv and 3x3 stride-2 projection, rebuilt after mmpretrain's
    constructor (docs/user_guides/senet_family.md)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reduce_channels = self.mid_channels // 2
        self.norm1_name, norm1 = build_norm_layer(
            self.norm_cfg, reduce_channels, postfix=1)
        self.conv1 = build_conv_layer(
            self.conv_cfg, self.in_channels, reduce_channels, kernel_size=1,
            stride=self.conv1_stride, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(
            self.conv_cfg, reduce_channels, self.mid_channels, kernel_size=3,
            stride=self.conv2_stride, padding=self.dilation,
            dilation=self.dilation, groups=self.groups, bias=False)
        if self.downsample is not None and self.stride != 1:
            self.downsample = nn.Sequential(
                build_conv_layer(self.conv_cfg, self.in_channels,
                                 self.out_channels, kernel_size=3,
                                 stride=self.stride, padding=1, bias=False),
                build_norm_layer(self.norm_cfg, self.out_channels)[1])


@MODELS.register_module()
class SENet154(SEResNeXt):
    """SENet-154: SE + a modified ResNeXt-152 (64x4d): three-conv stem, 3x3
    projection shortcuts, half-width first 1x1 (docs/user_guides/
    senet_family.md); its dropout 0.2 is :class:`DropoutLinearClsHead`'s.

    Args:
        depth (int): Only 152. Defaults to 152.
        groups (int): Cardinality. Defaults to 64.
        width_per_group (int): Defaults to 4.
        deep_stem (bool): Defaults to True (the three-conv stem).
        stem_channels (int): Defaults to 128.
        **kwargs: The arguments of :class:`SEResNeXt` (``se_cfg=None`` for
            the baseline without SE, ``out_indices``, ...), except
            ``avg_down``, which would replace the 3x3 projections.
    """
    arch_settings = {152: (SENet154Bottleneck, (3, 8, 36, 3))}
    # SENet-154 down-samples its shortcuts with 3x3 stride-2 convs.
    options = dict(avg_down=Choice(False))

    def __init__(self, depth: int = 152, groups: int = 64,
                 width_per_group: int = 4, deep_stem: bool = True,
                 stem_channels: int = 128, **kwargs):
        super().__init__(depth, groups=groups, width_per_group=width_per_group,
                         deep_stem=deep_stem, stem_channels=stem_channels,
                         **kwargs)


@MODELS.register_module()
class DropoutLinearClsHead(Checked, LinearClsHead):
    """mmpretrain's ``LinearClsHead`` with dropout on the pooled feature
    (SENet-154's 20%).

    Args:
        dropout_rate (float): Probability of zeroing a feature during
            training, in [0, 1).
        **kwargs: The arguments of ``LinearClsHead`` (``num_classes``,
            ``in_channels``, ``loss``, ``topk``, ...).
    """
    options = dict(dropout_rate=Num(0, 1, high_open=True),
                   num_classes=Int(1), in_channels=Int(1))

    def __init__(self, dropout_rate: float, **kwargs):
        super().__init__(**kwargs)
        self.dropout = nn.Dropout(dropout_rate)

    def pre_logits(self, feats):
        return self.dropout(super().pre_logits(feats))
