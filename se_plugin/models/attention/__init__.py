"""Channel attention modules that share SE's slot (``in_channels`` first),
and the slot itself (:mod:`.slot`: ``build_se``, ``attach_se``).

GCNet's global context block is mmcv's ``ContextBlock``, used as it is:
``se_cfg=dict(type='ContextBlock', ratio=1. / 16)``.
"""
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
