from .imagenet import ImageNet
from .places365 import Places365

__all__ = ['ImageNet', 'Places365']
