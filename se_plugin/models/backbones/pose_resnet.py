"""SE-ResNet for MMPose (needs ``se_plugin[pose]``)."""
from mmpose.models.backbones import ResNet

from .toolbox_resnets import ToolboxSEMixin


class SEPoseResNet(ToolboxSEMixin, ResNet):
    """mmpose's ``ResNet`` (all of its options) with SE in every block.

    Example:
        >>> model = dict(backbone=dict(type='se_plugin.SEPoseResNet'))
    """
    options_of = ResNet
