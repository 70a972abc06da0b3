"""Inception-ResNet-v2 (Szegedy et al., 2017) and SE-Inception-ResNet-v2,
the TF-slim model as a table of modules (timm's, 55.8M parameters)."""
import torch.nn as nn
from mmcv.cnn import ConvModule

from se_plugin.registry import MODELS
from .inception_blocks import Concat, InceptionResidual, make_branch
from .staged import StagedBackbone

MAX_S2 = ('max', 3, 2, 0)

#: Stem: 299 -> 149 -> 147 -> 147 -> 73 -> 73 -> 71 -> 35.
STEM = ((32, 3, 2, 0), (32, 3, 1, 0), (64, 3), MAX_S2, (80, 1),
        (192, 3, 1, 0), MAX_S2)
MIXED_5B = (((96, 1), ), ((48, 1), (64, 5)), ((64, 1), (96, 3), (96, 3)),
            # TF's 'SAME' average pooling ignores the padding.
            (('avg', 3, 1, 1, dict(count_include_pad=False)), (64, 1)))
BLOCK35 = (((32, 1), ), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3)))
MIXED_6A = (((384, 3, 2, 0), ), ((256, 1), (256, 3), (384, 3, 2, 0)),
            (MAX_S2, ))
BLOCK17 = (((192, 1), ), ((128, 1), (160, (1, 7)), (192, (7, 1))))
MIXED_7A = (((256, 1), (384, 3, 2, 0)), ((256, 1), (288, 3, 2, 0)),
            ((256, 1), (288, 3), (320, 3, 2, 0)), (MAX_S2, ))
BLOCK8 = (((192, 1), ), ((192, 1), (224, (1, 3)), (256, (3, 1))))

#: Per stage: (reduction module, residual unit, number of units, scale).
STAGES = ((MIXED_5B, BLOCK35, 10, 0.17), (MIXED_6A, BLOCK17, 20, 0.10),
          (MIXED_7A, BLOCK8, 10, 0.20))


@MODELS.register_module()
class SEInceptionResNetV2(StagedBackbone):
    """Inception-ResNet-v2 with SE on each residual unit's linear 1x1 conv,
    before the scaling and sum (docs/user_guides/senet_family.md).

    Stages: 0: stem (192 channels, 35x35 at 299 input), 1: Mixed-5b + 10
    Block35 (320, 35x35), 2: Mixed-6a + 20 Block17 (1088, 17x17), 3:
    Mixed-7a + 10 Block8 (the last without ReLU) + 1x1 conv (1536, 8x8).

    Args:
        norm_cfg (dict): Norm layer after every conv. Defaults to BN with
            TF-slim's ``eps=0.001``.
        **kwargs: The other options of :class:`StagedBackbone`
            (``se_cfg=None`` for Inception-ResNet-v2 without SE,
            ``out_indices``, ...).
    """

    num_stages = len(STAGES) + 1  # the stem first

    def __init__(self, norm_cfg: dict = dict(type='BN', eps=0.001), **kwargs):
        super().__init__(norm_cfg=norm_cfg, **kwargs)
        act_cfg, se_cfg = self.act_cfg, self.se_cfg
        stem, channels = make_branch(3, STEM, norm_cfg, act_cfg)
        stages = [stem]
        for i, (reduction, unit, num_units, scale) in enumerate(STAGES):
            layers = [Concat(channels, reduction, norm_cfg, act_cfg)]
            channels = layers[0].out_channels
            for j in range(num_units):
                # TF-slim's last Block8 is linear with scale 1.0.
                final = i == len(STAGES) - 1 and j == num_units - 1
                layers.append(InceptionResidual(
                    channels, unit, 1.0 if final else scale, se_cfg, norm_cfg,
                    act_cfg, with_act=not final))
            stages.append(nn.Sequential(*layers))
        stages[-1].append(
            ConvModule(channels, 1536, 1, norm_cfg=norm_cfg, act_cfg=act_cfg))
        self._set_stages(stages)
        self.out_channels = 1536
