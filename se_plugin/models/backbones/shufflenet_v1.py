"""SE-ShuffleNet v1: mmpretrain's ``ShuffleNetV1`` with SE in every unit."""
from typing import Optional

from mmpretrain.models.backbones import ShuffleNetV1

from se_plugin.registry import MODELS
from .se_attach import attach_se, check_se_cfg


@MODELS.register_module()
class SEShuffleNetV1(ShuffleNetV1):
    """mmpretrain's ShuffleNetV1 with SE on each unit's non-identity branch.

    Where SE goes: like the standard SE-ResNet placement, on the output of
    the unit's last grouped 1x1 conv and its BN, before the merge with the
    identity (the sum, or the concat with the pooled input in a stride-2
    unit), so SE recalibrates only the new features. With r=16 its 16 SE
    modules (240/480/960 channels, 216/240/480 in the concat units) add
    0.62M parameters and 2.2M multiply-adds, the deltas of the paper's
    Table 3 (1.8M -> 2.4M, 140 -> 142 MFLOPs); SE on the merged output
    instead would add 0.72M (2.59M in all, over the paper's 2.4M).

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            mmpretrain's ShuffleNetV1 unchanged. Defaults to ``dict()``.
        **kwargs: The arguments of mmpretrain's ``ShuffleNetV1`` (``groups``,
            ``widen_factor``, ``out_indices``, ...).
    """

    def __init__(self, se_cfg: Optional[dict] = dict(), **kwargs):
        check_se_cfg('SEShuffleNetV1.se_cfg', se_cfg)
        super().__init__(**kwargs)
        for layer in self.layers:
            for unit in layer:
                attach_se(unit.g_conv_1x1_expand, se_cfg,
                          unit.g_conv_1x1_expand.conv.out_channels)

    def train(self, mode: bool = True):
        # mmpretrain's ShuffleNetV1.train returns None; nn.Module's
        # contract (and ``model.eval()(x)``) needs the module back.
        super().train(mode)
        return self
