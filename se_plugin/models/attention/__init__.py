"""Attention modules in SE's slot (``in_channels`` first) and the slot
itself; GC is mmcv's ``ContextBlock`` as it is."""
from .cbam import CBAM
from .eca import ECALayer, eca_kernel_size
from .family import (CoordAttention, EffectiveSE, GatherExcite,
                     MultiSpectralAttention, SimAM)
from .slot import attach_se, build_se

__all__ = [
    'ECALayer', 'CBAM', 'eca_kernel_size', 'attach_se', 'build_se',
    'MultiSpectralAttention', 'CoordAttention', 'GatherExcite', 'EffectiveSE',
    'SimAM'
]
