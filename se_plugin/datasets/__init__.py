from .coco_checked import CheckedCocoDataset
from .custom import CheckedCustomDataset
from .image_check import BadImageError
from .imagenet import ImageNet
from .places365 import Places365

__all__ = [
    'BadImageError', 'CheckedCocoDataset', 'CheckedCustomDataset', 'ImageNet',
    'Places365'
]
