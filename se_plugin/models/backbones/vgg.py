"""SE-VGG: mmpretrain's ``VGG`` with SE after every conv block."""
from typing import Optional

from mmcv.cnn import ConvModule
from mmpretrain.models.backbones import VGG

from se_plugin.registry import MODELS
from ..attention.slot import SECfg, attach_se
from ..checks import BOOL, Cfg, Checked, Choice, Indices, Int, Ints
from .staged import ReturnsSelf


@MODELS.register_module()
class SEVGG(Checked, ReturnsSelf, VGG):
    """mmpretrain's VGG with SE on every conv-BN-ReLU ``ConvModule``'s
    output (see docs/user_guides/senet_family.md, "Where SE goes").

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            mmpretrain's VGG unchanged. Defaults to ``dict()``.
        **kwargs: The arguments of mmpretrain's ``VGG`` (``depth``,
            ``norm_cfg=dict(type='BN')`` for VGG-16 (BN), ``num_classes``,
            ...).
    """
    # Checked where mmpretrain asserts, or returns fewer outputs (an index
    # past the last stage without a classifier, a repeat).
    options = dict(
        se_cfg=SECfg(), depth=Choice(*VGG.arch_settings), num_classes=Int(-1),
        num_stages=Int(1, 5), dilations=Ints('num_stages'),
        out_indices=Indices(  # index num_stages: the classifier's output
            lambda o: o['num_stages'] + (o['num_classes'] > 0), none=True),
        frozen_stages=Int(-1, 'num_stages'), norm_cfg=Cfg(none=True),
        ceil_mode=BOOL, with_last_pool=BOOL)

    def __init__(self, se_cfg: Optional[dict] = dict(), **kwargs):
        super().__init__(**kwargs)
        for layer in getattr(self, self.module_name):
            if isinstance(layer, ConvModule):
                attach_se(layer, se_cfg, layer.conv.out_channels)
