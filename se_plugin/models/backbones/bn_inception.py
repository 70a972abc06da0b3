"""BN-Inception (Ioffe & Szegedy, 2015) and SE-BN-Inception as a table of
Inception modules, after the authors' released Caffe model."""
import torch.nn as nn

from se_plugin.registry import MODELS
from ..attention.slot import attach_se
from .inception_blocks import Concat, make_branch
from .staged import StagedBackbone

AVG, MAX, MAX_S2 = ('avg', 3, 1, 1), ('max', 3, 1, 1), ('max', 3, 2, 0)

#: conv 7x7/2, pool, conv 1x1, conv 3x3, pool.
STEM = ((64, 7, 2), ('max', 3, 2, 0), (64, 1), (192, 3), ('max', 3, 2, 0))

#: Inception modules per stage: 1: 3a-3b (28x28 at 224 input),
#: 2: 3c-4d (14x14), 3: 4e-5b (7x7); each is its branches' layer specs.
INCEPTION_MODULES = (
    (  # 3a, 3b
        (((64, 1), ), ((64, 1), (64, 3)), ((64, 1), (96, 3), (96, 3)),
         (AVG, (32, 1))),
        (((64, 1), ), ((64, 1), (96, 3)), ((64, 1), (96, 3), (96, 3)),
         (AVG, (64, 1))),
    ),
    (  # 3c (stride 2), 4a, 4b, 4c, 4d
        (((128, 1), (160, 3, 2)), ((64, 1), (96, 3), (96, 3, 2)),
         (MAX_S2, )),
        (((224, 1), ), ((64, 1), (96, 3)), ((96, 1), (128, 3), (128, 3)),
         (AVG, (128, 1))),
        (((192, 1), ), ((96, 1), (128, 3)), ((96, 1), (128, 3), (128, 3)),
         (AVG, (128, 1))),
        (((160, 1), ), ((128, 1), (160, 3)), ((128, 1), (160, 3),
                                              (160, 3)), (AVG, (128, 1))),
        (((96, 1), ), ((128, 1), (192, 3)), ((160, 1), (192, 3), (192, 3)),
         (AVG, (128, 1))),
    ),
    (  # 4e (stride 2), 5a, 5b
        (((128, 1), (192, 3, 2)), ((192, 1), (256, 3), (256, 3, 2)),
         (MAX_S2, )),
        (((352, 1), ), ((192, 1), (320, 3)), ((160, 1), (224, 3), (224, 3)),
         (AVG, (128, 1))),
        (((352, 1), ), ((192, 1), (320, 3)), ((192, 1), (224, 3), (224, 3)),
         (MAX, (128, 1))),
    ),
)


@MODELS.register_module()
class SEBNInception(StagedBackbone):
    """BN-Inception with SE on each Inception module's concatenated
    output (see docs/user_guides/senet_family.md, "Where SE goes").

    Stages: 0: stem (conv 7x7/2, pool, conv 1x1, conv 3x3, pool; 192
    channels, 1/8 of the input), 1: 3a-3b (320, 1/8), 2: 3c-4d (608, 1/16),
    3: 4e-5b (1024, 1/32).

    Args:
        **kwargs: The options of :class:`StagedBackbone` (``se_cfg=None``
            for BN-Inception without SE, ``out_indices``, ...).
    """

    num_stages = len(INCEPTION_MODULES) + 1  # the stem first

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Caffe rounds pooled sizes up: 112 -> 56 -> 28 at 224 input.
        pool_cfg = dict(ceil_mode=True)
        norm_cfg, act_cfg = self.norm_cfg, self.act_cfg
        stem, channels = make_branch(3, STEM, norm_cfg, act_cfg, pool_cfg)
        stages = [stem]
        for modules in INCEPTION_MODULES:
            stage = []
            for branches in modules:
                module = Concat(channels, branches, norm_cfg, act_cfg,
                                pool_cfg)
                channels = module.out_channels
                stage.append(attach_se(module, self.se_cfg, channels))
            stages.append(nn.Sequential(*stage))
        self._set_stages(stages)
        self.out_channels = channels
