from .se_resnet import SEBackboneMixin, SEResNet, SEResNeXt

__all__ = ['SEBackboneMixin', 'SEResNet', 'SEResNeXt']
from .bn_inception import SEBNInception  # noqa: E402
from .inception_resnet_v2 import SEInceptionResNetV2  # noqa: E402
from .mobilenet_v1 import SEMobileNetV1  # noqa: E402
from .senet import DropoutLinearClsHead, SENet154  # noqa: E402
from .shufflenet_v1 import SEShuffleNetV1  # noqa: E402
from .vgg import SEVGG  # noqa: E402

__all__ += [
    'SEBNInception', 'SEInceptionResNetV2', 'SEMobileNetV1', 'SENet154',
    'DropoutLinearClsHead', 'SEShuffleNetV1', 'SEVGG'
]
