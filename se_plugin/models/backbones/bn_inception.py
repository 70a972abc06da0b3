"""BN-Inception (Ioffe & Szegedy, 2015) and SE-BN-Inception.

mmpretrain has no BN-Inception, so it is written here as a table of
Inception modules (see :mod:`.inception_blocks`), following the Caffe model
the SENet authors released with SE-BN-Inception (3x3 stride-2 convs padded
by 1, Caffe's ceil-mode pooling).
"""
from typing import Optional, Sequence

import torch.nn as nn

from se_plugin.registry import MODELS
from .inception_blocks import Concat, make_branch
from .se_attach import attach_se, check_se_cfg
from .staged import MSRA_INIT, StagedBackbone

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
    """BN-Inception with SE on every Inception module's output.

    Where SE goes: on the concatenated output of each of the 10 Inception
    modules (TPAMI Fig. 2 left, SE-Inception), 256 to 1056 channels, r=16:
    0.57M parameters and 3.2M multiply-adds, the +0.01 GFLOPs of the
    paper's Table 2 (2.03 -> 2.04).

    Stages: 0: stem (conv 7x7/2, pool, conv 1x1, conv 3x3, pool; 192
    channels, 1/8 of the input), 1: 3a-3b (320, 1/8), 2: 3c-4d (608, 1/16),
    3: 4e-5b (1024, 1/32).

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            the plain BN-Inception. Defaults to ``dict()``.
        out_indices (Sequence[int]): Stages to output. Defaults to ``(3, )``.
        frozen_stages (int): Leading stages to freeze. Defaults to -1.
        norm_cfg (dict): Norm layer after every conv. Defaults to BN.
        act_cfg (dict): Activation after every norm. Defaults to ReLU.
        norm_eval (bool): BN in eval mode while training. Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to MSRA init.
    """

    def __init__(self,
                 se_cfg: Optional[dict] = dict(),
                 out_indices: Sequence[int] = (3, ),
                 frozen_stages: int = -1,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'),
                 norm_eval: bool = False,
                 init_cfg=MSRA_INIT):
        super().__init__(out_indices, frozen_stages, norm_eval, init_cfg)
        check_se_cfg('SEBNInception.se_cfg', se_cfg)
        # Caffe rounds pooled sizes up: 112 -> 56 -> 28 at 224 input.
        pool_cfg = dict(ceil_mode=True)
        stem, channels = make_branch(3, STEM, norm_cfg, act_cfg, pool_cfg)
        stages = [stem]
        for modules in INCEPTION_MODULES:
            stage = []
            for branches in modules:
                module = Concat(channels, branches, norm_cfg, act_cfg,
                                pool_cfg)
                channels = module.out_channels
                stage.append(attach_se(module, se_cfg, channels))
            stages.append(nn.Sequential(*stage))
        self._set_stages(stages)
        self.out_channels = channels
