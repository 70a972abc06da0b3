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


def _module(a, b, b3, c, c3, p, pool=AVG):
    """Branches 1x1 | 1x1-3x3 | 1x1-3x3-3x3 | pool-1x1 (widths as named)."""
    return (((a, 1), ), ((b, 1), (b3, 3)), ((c, 1), (c3, 3), (c3, 3)),
            (pool, (p, 1)))


def _reduction(a, a3, b, b3):
    """The stride-2 module: 1x1-3x3/2 | 1x1-3x3-3x3/2 | max pool/2."""
    return (((a, 1), (a3, 3, 2)), ((b, 1), (b3, 3), (b3, 3, 2)), (MAX_S2, ))


#: Inception modules per stage: 1: 3a-3b (28x28 at 224 input),
#: 2: 3c-4d (14x14), 3: 4e-5b (7x7).
INCEPTION_MODULES = (
    (_module(64, 64, 64, 64, 96, 32), _module(64, 64, 96, 64, 96, 64)),
    (_reduction(128, 160, 64, 96), _module(224, 64, 96, 96, 128, 128),
     _module(192, 96, 128, 96, 128, 128),
     _module(160, 128, 160, 128, 160, 128),
     _module(96, 128, 192, 160, 192, 128)),
    (_reduction(128, 192, 192, 256), _module(352, 192, 320, 160, 224, 128),
     _module(352, 192, 320, 192, 224, 128, MAX)),
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
