from .anywhere import Attach
from .bn_inception import SEBNInception
from .cifar_resnet import CIFARResNet, WideResNet  # noqa: F401
from .cifar_shake import ShakeResNet  # noqa: F401
from .inception_resnet_v2 import SEInceptionResNetV2
from .mobilenet_v1 import SEMobileNetV1
from .ported import (STEM_POOLS, PortedSENet154, PortedSEResNet,
                     PortedSEResNeXt)
from .se_resnet import SEBackboneMixin, SEResNet, SEResNeXt
from .senet import DropoutLinearClsHead, SENet154
from .shufflenet_v1 import SEShuffleNetV1
from .toolbox_resnets import SEPoseResNet, SESegResNetV1c
from .vgg import SEVGG

__all__ = [
    'Attach', 'SEBackboneMixin', 'SEResNet', 'SEResNeXt', 'SENet154',
    'DropoutLinearClsHead', 'SEBNInception', 'SEInceptionResNetV2',
    'SEMobileNetV1', 'SEShuffleNetV1', 'SEVGG', 'PortedSEResNet',
    'PortedSEResNeXt', 'PortedSENet154', 'STEM_POOLS', 'SESegResNetV1c',
    'SEPoseResNet'
]
