"""SENet-154 (the paper's ILSVRC 2017 winner, Sec. 6 and Table 4).

It is the lead's SE-ResNeXt with the three changes the paper lists, made by
overriding the block and the backbone's defaults, so stem, stages,
``out_indices``, ``frozen_stages``, ``with_cp``, ``drop_path_rate`` and
the SE options stay mmpretrain's and the lead's.
"""
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmpretrain.models.heads import LinearClsHead

from se_plugin.registry import MODELS
from ..blocks.residual import SEResNeXtBottleneck
from ..checks import Checked, Choice, Int, Num
from .se_resnet import SEResNeXt


class SENet154Bottleneck(SEResNeXtBottleneck):
    """The SENet-154 bottleneck: a ResNeXt bottleneck whose first 1x1 conv
    is half as wide as its grouped 3x3 conv, with 3x3 stride-2 projections.

    The released Caffe model (and every port of it, e.g. timm's
    ``legacy_senet154``) reduces to ``mid / 2`` channels in the first 1x1
    conv and widens to ``mid`` in the grouped 3x3 conv (128 -> 256 in the
    first stage, 64 groups of 4), where mmpretrain's 64x4d block keeps
    ``mid`` in both. Its stride-2 shortcut projection is a 3x3 conv (padding
    1) instead of a strided 1x1 conv, which skips three of every four
    positions. Both layers are rebuilt after mmpretrain's constructor, so
    everything else (norms, ``drop_path``, ``with_cp``, the SE slot) is the
    parent's.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reduce_channels = self.mid_channels // 2
        self.norm1_name, norm1 = build_norm_layer(
            self.norm_cfg, reduce_channels, postfix=1)
        self.conv1 = build_conv_layer(
            self.conv_cfg,
            self.in_channels,
            reduce_channels,
            kernel_size=1,
            stride=self.conv1_stride,
            bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(
            self.conv_cfg,
            reduce_channels,
            self.mid_channels,
            kernel_size=3,
            stride=self.conv2_stride,
            padding=self.dilation,
            dilation=self.dilation,
            groups=self.groups,
            bias=False)
        if self.downsample is not None and self.stride != 1:
            self.downsample = nn.Sequential(
                build_conv_layer(
                    self.conv_cfg,
                    self.in_channels,
                    self.out_channels,
                    kernel_size=3,
                    stride=self.stride,
                    padding=1,
                    bias=False),
                build_norm_layer(self.norm_cfg, self.out_channels)[1])


@MODELS.register_module()
class SENet154(SEResNeXt):
    """SENet-154: SE + a modified ResNeXt-152 (64x4d).

    The paper's modifications (Sec. 3 / appendix): a stem of three 3x3
    convs (64, 64, 128; mmpretrain's ``deep_stem`` with
    ``stem_channels=128``), 3x3 stride-2 projection shortcuts after the
    first stage and the half-width first 1x1 conv of the released model
    (see :class:`SENet154Bottleneck`), cardinality 64, and dropout 0.2
    before the classifier, which is the head's job: use
    :class:`DropoutLinearClsHead` with ``dropout_rate=0.2``. With r=16 and a
    1000-class head it has 115,088,984 parameters, those of the released
    model.

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

    def __init__(self,
                 depth: int = 152,
                 groups: int = 64,
                 width_per_group: int = 4,
                 deep_stem: bool = True,
                 stem_channels: int = 128,
                 **kwargs):
        super().__init__(
            depth,
            groups=groups,
            width_per_group=width_per_group,
            deep_stem=deep_stem,
            stem_channels=stem_channels,
            **kwargs)


@MODELS.register_module()
class DropoutLinearClsHead(Checked, LinearClsHead):
    """mmpretrain's ``LinearClsHead`` with dropout on the pooled feature.

    SENet-154 drops 20% of the pooled features before its classifier;
    mmpretrain's linear heads have no dropout before the last FC.

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
