from .se_resnet import SEBackboneMixin, SEResNet, SEResNeXt

__all__ = ['SEBackboneMixin', 'SEResNet', 'SEResNeXt']
