"""Channel attention modules that share SE's slot (``in_channels`` first).

GCNet's global context block is mmcv's ``ContextBlock``, used as it is:
``se_cfg=dict(type='ContextBlock', ratio=1. / 16)``.
"""
from .cbam import CBAM
from .eca import ECALayer, eca_kernel_size

__all__ = ['ECALayer', 'CBAM', 'eca_kernel_size']
