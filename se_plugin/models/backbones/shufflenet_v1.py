"""SE-ShuffleNet v1: mmpretrain's ``ShuffleNetV1`` with SE in every unit."""
from typing import Optional

from mmpretrain.models.backbones import ShuffleNetV1

from se_plugin.registry import MODELS
from ..attention.slot import attach_se
from ..blocks.se_layer import check_se_cfg
from ..checks import (bind, check_bool, check_cfg, check_choice,
                      check_indices, check_init_cfg, check_int, check_number)

#: The cardinalities mmpretrain's ShuffleNetV1 has widths for.
GROUPS = (1, 2, 3, 4, 8)
#: mmpretrain's ShuffleNetV1 has three stages (4, 8 and 4 units).
NUM_STAGES = 3


def check_shufflenet_options(kwargs: dict) -> None:
    """Check the options of mmpretrain's ``ShuffleNetV1``, which takes
    ``True`` for a stage index and repeated ``out_indices``."""
    name = 'SEShuffleNetV1'
    options = bind(name, ShuffleNetV1.__init__, None, **kwargs)
    check_choice(f'{name}.groups', options['groups'], GROUPS)
    # The 24-channel stem must keep at least one channel.
    check_number(f'{name}.widen_factor', options['widen_factor'], 1 / 24)
    check_indices(f'{name}.out_indices', options['out_indices'], NUM_STAGES)
    # mmpretrain allows freezing the stem and up to two of the three stages.
    check_int(f'{name}.frozen_stages', options['frozen_stages'], -1,
              NUM_STAGES - 1)
    check_cfg(f'{name}.conv_cfg', options['conv_cfg'], none=True)
    check_cfg(f'{name}.norm_cfg', options['norm_cfg'])
    check_cfg(f'{name}.act_cfg', options['act_cfg'])
    for key in ('norm_eval', 'with_cp'):
        check_bool(f'{name}.{key}', options[key])
    check_init_cfg(f'{name}.init_cfg', options['init_cfg'])


@MODELS.register_module()
class SEShuffleNetV1(ShuffleNetV1):
    """mmpretrain's ShuffleNetV1 with SE on each unit's last grouped 1x1
    conv + BN, before the merge with the identity (see docs/user_guides/senet_family.md, "Where SE goes").

    Args:
        se_cfg (dict, optional): SE options (see :class:`SELayer`); None is
            mmpretrain's ShuffleNetV1 unchanged. Defaults to ``dict()``.
        **kwargs: The arguments of mmpretrain's ``ShuffleNetV1`` (``groups``,
            ``widen_factor``, ``out_indices``, ...).
    """

    def __init__(self, se_cfg: Optional[dict] = dict(), **kwargs):
        check_se_cfg('SEShuffleNetV1.se_cfg', se_cfg)
        check_shufflenet_options(kwargs)
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
