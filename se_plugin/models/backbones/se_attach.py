"""Put an SE module on the output of any existing submodule.

mmpretrain's VGG and ShuffleNetV1 (and our own Inception and MobileNet
stages) are built from ``ConvModule``s and branch containers whose forward we
do not want to copy. :func:`attach_se` adds the SE module as a child named
``se`` of the submodule it recalibrates and a forward hook that returns
``module.se(output)``. So

* the host network's forward stays the toolbox's, unchanged;
* a baseline (``se_cfg=None``) has exactly the host's modules and
  state-dict keys, and an SE model only adds ``<submodule>.se.*`` keys;
* the hook is a module-level function that looks the SE module up on the
  module it is called with, so ``copy.deepcopy`` (EMA, model soups) and
  pickling give a copy that uses its own SE weights.
"""
from typing import Optional

import torch.nn as nn

from ..blocks.residual import build_se


def _apply_se(module: nn.Module, args, output):
    return module.se(output)


def attach_se(module: nn.Module, se_cfg: Optional[dict],
              channels: int) -> nn.Module:
    """Recalibrate the output of ``module`` with an SE module.

    Args:
        module (nn.Module): The submodule whose output (``channels`` wide)
            SE acts on.
        se_cfg (dict, optional): SE options (see
            :func:`se_plugin.models.build_se`); None leaves ``module`` as it
            is.
        channels (int): Channels of ``module``'s output.

    Returns:
        nn.Module: ``module`` itself.
    """
    if se_cfg is None:
        return module
    if hasattr(module, 'se'):
        raise ValueError(f'{type(module).__name__} already has an attribute '
                         "'se'; attach_se can add only one SE module to it")
    module.add_module('se', build_se(se_cfg, channels))
    module.register_forward_hook(_apply_se)
    return module
