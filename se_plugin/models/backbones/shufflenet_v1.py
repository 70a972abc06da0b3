"""SE-ShuffleNet v1: mmpretrain's ``ShuffleNetV1`` with SE in every unit."""
from typing import Optional

from mmpretrain.models.backbones import ShuffleNetV1

from se_plugin.registry import MODELS
from ..attention.slot import SECfg, attach_se
from ..checks import Checked, Choice, Indices, Int, Num
from .staged import ReturnsSelf


@MODELS.register_module()
class SEShuffleNetV1(Checked, ReturnsSelf, ShuffleNetV1):
    """mmpretrain's ShuffleNetV1 with SE on each unit's last grouped 1x1
    conv + BN, before the merge with the identity (see
    docs/user_guides/senet_family.md, "Where SE goes").

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            mmpretrain's ShuffleNetV1 unchanged. Defaults to ``dict()``.
        **kwargs: The arguments of mmpretrain's ``ShuffleNetV1`` (``groups``,
            ``widen_factor``, ``out_indices``, ...).
    """
    # mmpretrain takes True for a stage index and repeated out_indices; it
    # has 3 stages and freezes the stem and up to two of them; the
    # 24-channel stem must keep a channel.
    options = dict(se_cfg=SECfg(), groups=Choice(1, 2, 3, 4, 8),
                   widen_factor=Num(1 / 24), out_indices=Indices(3),
                   frozen_stages=Int(-1, 2))

    def __init__(self, se_cfg: Optional[dict] = dict(), **kwargs):
        super().__init__(**kwargs)
        for layer in self.layers:
            for unit in layer:
                attach_se(unit.g_conv_1x1_expand, se_cfg,
                          unit.g_conv_1x1_expand.conv.out_channels)
