"""Converters of published SENet/ResNet weights into se_plugin's layout.

Importing this package also registers :class:`PortedSEResNet` and
:class:`PortedSEResNeXt` (Caffe stem pooling, timm-only depths).
"""
from .convert import (Converted, check_keys, config_text, convert,
                      load_weights)
from .ported import STEM_POOLS, PortedSEResNet, PortedSEResNeXt
from .specs import TIMM, TORCHVISION, Spec, get_spec

__all__ = [
    'convert', 'Converted', 'load_weights', 'config_text', 'check_keys',
    'get_spec', 'Spec', 'TIMM', 'TORCHVISION',
    'PortedSEResNet', 'PortedSEResNeXt', 'STEM_POOLS'
]
