"""A backbone that is a chain of stages, for the networks mmpretrain lacks
(MobileNet v1, BN-Inception, Inception-ResNet-v2)."""
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.model import ModuleList
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from torch.nn.modules.batchnorm import _BatchNorm

from ..attention.slot import SECfg
from ..checks import Checked, Indices, Int

#: He (MSRA) initialisation, as the paper trains every network from scratch.
MSRA_INIT = [dict(type='Kaiming', layer='Conv2d'),
             dict(type='Constant', val=1, layer=['_BatchNorm'])]


class ReturnsSelf:
    """Makes ``train()`` return the module, as nn.Module's contract says
    (``model.eval()(x)``): mmpretrain's ResNet, VGG, ShuffleNetV1 return
    None."""

    def train(self, mode: bool = True):
        super().train(mode)
        return self


class StagedBackbone(Checked, BaseBackbone):
    """Runs ``self.stages`` in order and returns the outputs asked for; a
    subclass sets ``num_stages``, registers stages with :meth:`_set_stages`.

    Args:
        se_cfg (dict, optional): Options of every SE module (see
            :class:`se_plugin.models.SELayer`); None is the network without
            SE (the baseline). Defaults to ``dict()`` (r=16, sigmoid).
        out_indices (Sequence[int]): Stages whose outputs are returned;
            negative indices count from the end. Defaults to ``(-1, )``.
        frozen_stages (int): Number of leading stages to freeze (eval mode,
            no gradients); -1 freezes none. Defaults to -1.
        norm_cfg (dict): Norm layer after every conv. Defaults to BN.
        act_cfg (dict): Activation after every norm. Defaults to ReLU.
        norm_eval (bool): Keep every BN layer in eval mode while training.
            Defaults to False.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to He (MSRA) init, the paper's.
    """
    #: How many stages the subclass builds (the range of ``out_indices``).
    num_stages: int
    options = dict(
        se_cfg=SECfg(),
        frozen_stages=Int(-1, lambda opts: opts['self'].num_stages),
        out_indices=Indices(lambda opts: opts['self'].num_stages, True))

    def __init__(self, se_cfg: Optional[dict] = dict(),
                 out_indices: Sequence[int] = (-1, ), frozen_stages: int = -1,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'), norm_eval: bool = False,
                 init_cfg=MSRA_INIT):
        super().__init__(init_cfg)
        self.out_indices = tuple(i % self.num_stages for i in out_indices)
        self.se_cfg, self.frozen_stages, self.norm_eval = (
            se_cfg, frozen_stages, norm_eval)
        self.norm_cfg, self.act_cfg = norm_cfg, act_cfg

    def _set_stages(self, stages: Sequence[nn.Module]) -> None:
        """Register the stages (``num_stages`` of them)."""
        assert len(stages) == self.num_stages, 'num_stages is wrong'
        self.stages = ModuleList(stages)

    def forward(self, x):
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def train(self, mode: bool = True):
        super().train(mode)
        for stage in self.stages[:max(self.frozen_stages, 0)]:
            stage.eval()
            for param in stage.parameters():
                param.requires_grad = False
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
