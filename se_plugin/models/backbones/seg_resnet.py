"""SE-ResNetV1c for MMSegmentation (needs ``se_plugin[seg]``)."""
from mmseg.models.backbones import ResNet, ResNetV1c

from .toolbox_resnets import ToolboxSEMixin


class SESegResNetV1c(ToolboxSEMixin, ResNetV1c):
    """mmseg's ``ResNetV1c`` (deep stem, dilations, ``contract_dilation``,
    ``multi_grid``, ``plugins``, ``pretrained``) with SE in every block.

    Example:
        >>> model = dict(backbone=dict(type='se_plugin.SESegResNetV1c'))
    """
    options_of = ResNet
    fixed = dict(deep_stem=True, avg_down=False)
