"""SE-VGG: mmpretrain's ``VGG`` with SE after every conv block."""
from typing import Optional

from mmcv.cnn import ConvModule
from mmpretrain.models.backbones import VGG

from se_plugin.registry import MODELS
from ..attention.slot import attach_se
from ..blocks.se_layer import check_se_cfg
from ..checks import (bind, check_bool, check_cfg, check_choice,
                      check_indices, check_init_cfg, check_int, check_ints)


def check_vgg_options(kwargs: dict) -> None:
    """Check the options of mmpretrain's ``VGG`` before its bare asserts.

    mmpretrain asserts ``num_stages``, the length of ``dilations`` and
    ``max(out_indices)``, and returns fewer outputs for an index past the
    last stage without a classifier or a repeated one.
    """
    options = bind('SEVGG', VGG.__init__, None, **kwargs)
    check_choice('SEVGG.depth', options['depth'], tuple(VGG.arch_settings))
    check_int('SEVGG.num_classes', options['num_classes'], -1)
    num = options['num_stages']
    check_int('SEVGG.num_stages', num, 1, 5)
    check_ints('SEVGG.dilations', options['dilations'], num)
    if options['out_indices'] is not None:
        # Index num_stages is the classifier's output.
        check_indices('SEVGG.out_indices', options['out_indices'],
                      num + (options['num_classes'] > 0))
    check_int('SEVGG.frozen_stages', options['frozen_stages'], -1, num)
    check_cfg('SEVGG.conv_cfg', options['conv_cfg'], none=True)
    check_cfg('SEVGG.norm_cfg', options['norm_cfg'], none=True)
    check_cfg('SEVGG.act_cfg', options['act_cfg'])
    for key in ('norm_eval', 'ceil_mode', 'with_last_pool'):
        check_bool(f'SEVGG.{key}', options[key])
    check_init_cfg('SEVGG.init_cfg', options['init_cfg'])


@MODELS.register_module()
class SEVGG(VGG):
    """mmpretrain's VGG with SE on every conv-BN-ReLU ``ConvModule``'s
    output (see docs/user_guides/senet_family.md, "Where SE goes").

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            mmpretrain's VGG unchanged. Defaults to ``dict()``.
        **kwargs: The arguments of mmpretrain's ``VGG`` (``depth``,
            ``norm_cfg=dict(type='BN')`` for VGG-16 (BN), ``num_classes``,
            ...).
    """

    def __init__(self, se_cfg: Optional[dict] = dict(), **kwargs):
        check_se_cfg('SEVGG.se_cfg', se_cfg)
        check_vgg_options(kwargs)
        super().__init__(**kwargs)
        for layer in getattr(self, self.module_name):
            if isinstance(layer, ConvModule):
                attach_se(layer, se_cfg, layer.conv.out_channels)

    def train(self, mode: bool = True):
        # mmpretrain's VGG.train returns None; nn.Module's contract
        # (``model.eval()(x)``) needs the module back.
        super().train(mode)
        return self
