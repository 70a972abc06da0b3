"""Converters of published SENet/ResNet weights into se_plugin's layout.

The backbones that only ported weights need (Caffe stem pooling, timm-only
depths) are models like any other: :mod:`se_plugin.models.backbones.ported`.
"""
from .convert import (Converted, check_weights_fit, config_text, convert,
                      load_weights)
from .specs import TIMM, TORCHVISION, Spec, get_spec

__all__ = [
    'convert', 'Converted', 'load_weights', 'config_text',
    'check_weights_fit', 'get_spec', 'Spec', 'TIMM', 'TORCHVISION'
]
