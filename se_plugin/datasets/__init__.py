from .coco_checked import CheckedCocoDataset
from .imagenet import ImageNet
from .places365 import Places365

__all__ = ['CheckedCocoDataset', 'ImageNet', 'Places365']
