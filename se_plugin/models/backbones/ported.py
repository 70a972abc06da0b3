"""Architecture options only ported weights need (Caffe stem pooling, timm's
basic-block ReLU and depths): docs/architecture.md."""
import torch.nn as nn

from se_plugin.registry import MODELS
from ..blocks import SEBasicBlock, SEBottleneck, SEResNeXtBottleneck
from ..checks import BOOL, Checked, Choice, OptionError
from .se_resnet import SEResNet, SEResNeXt
from .senet import SENet154

STEM_POOLS = ('pytorch', 'caffe')


class StemPoolMixin(Checked):
    """Chooses the stem max-pooling of a ResNet-like backbone.

    Args:
        stem_pool (str): ``'pytorch'`` keeps mmpretrain's padded pooling;
            ``'caffe'`` pools without padding and rounds the output size up
            (``ceil_mode=True``), as the original Caffe SENets do.
            Defaults to ``'pytorch'``.
    """
    options = dict(stem_pool=Choice(*STEM_POOLS))

    def __init__(self, *args, stem_pool: str = 'pytorch', **kwargs):
        super().__init__(*args, **kwargs)
        self.stem_pool = stem_pool
        if stem_pool == 'caffe':
            self.maxpool = nn.MaxPool2d(3, stride=2, ceil_mode=True)


def _basic_only(name, value, opts):
    BOOL(name, value, opts)
    if value and opts['depth'] not in (18, 34):
        raise OptionError(f"{name}=True needs basic blocks; depth="
                          f"{opts['depth']} is not one of (18, 34)")


class SEBasicBlockReLU(SEBasicBlock):
    """A basic block whose residual branch ends with a ReLU (timm's
    ``legacy_seresnet18/34``: conv-BN-ReLU-conv-BN-ReLU, then SE)."""

    def residual(self, x):
        return self.relu(super().residual(x))


@MODELS.register_module()
class PortedSEResNet(StemPoolMixin, SEResNet):
    """:class:`se_plugin.SEResNet` with ``stem_pool``, ``residual_relu`` and
    timm's deeper SE-ResNet-200/269 (``seresnet200d``, ``seresnet269d``).

    Args:
        residual_relu (bool): End the residual branch of each basic block
            with a ReLU (timm's legacy SE-ResNet-18/34). Only for depths 18
            and 34. Defaults to False.
        **kwargs: The arguments of :class:`StemPoolMixin` and
            :class:`se_plugin.SEResNet`.
    """
    arch_settings = {**SEResNet.arch_settings,
                     200: (SEBottleneck, (3, 24, 36, 3)),
                     269: (SEBottleneck, (3, 30, 48, 8))}
    options = dict(residual_relu=_basic_only)

    def __init__(self, depth, *args, residual_relu: bool = False, **kwargs):
        # Read by make_res_layer() during super().__init__().
        self.residual_relu = residual_relu
        super().__init__(depth, *args, **kwargs)

    def make_res_layer(self, block, **kwargs):
        return super().make_res_layer(
            block=SEBasicBlockReLU if self.residual_relu else block, **kwargs)


@MODELS.register_module()
class PortedSEResNeXt(StemPoolMixin, SEResNeXt):
    """:class:`se_plugin.SEResNeXt` with ``stem_pool`` and SE-ResNeXt-26
    (timm's ``legacy_seresnext26_32x4d``, ``seresnext26d_32x4d``)."""
    arch_settings = {26: (SEResNeXtBottleneck, (2, 2, 2, 2)),
                     **SEResNeXt.arch_settings}


@MODELS.register_module()
class PortedSENet154(StemPoolMixin, SENet154):
    """:class:`se_plugin.SENet154` with ``stem_pool`` (``'caffe'`` for the
    released model, timm's ``legacy_senet154``)."""
