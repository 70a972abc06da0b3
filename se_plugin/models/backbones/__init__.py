from .anywhere import Attach
from .bn_inception import SEBNInception
from .inception_resnet_v2 import SEInceptionResNetV2
from .mobilenet_v1 import SEMobileNetV1
from .se_resnet import SEBackboneMixin, SEResNet, SEResNeXt
from .senet import DropoutLinearClsHead, SENet154
from .shufflenet_v1 import SEShuffleNetV1
from .toolbox_resnets import SEPoseResNet, SESegResNetV1c
from .vgg import SEVGG

__all__ = [
    'Attach', 'SEBackboneMixin', 'SEResNet', 'SEResNeXt', 'SENet154',
    'DropoutLinearClsHead', 'SEBNInception', 'SEInceptionResNetV2',
    'SEMobileNetV1', 'SEShuffleNetV1', 'SEVGG', 'SESegResNetV1c',
    'SEPoseResNet'
]
