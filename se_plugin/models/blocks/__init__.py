from .fast import set_fast_path
from .residual import (PLACEMENTS, SEBasicBlock, SEBlockMixin, SEBottleneck,
                       SEResNeXtBottleneck, build_se)
from .se_layer import GATES, SQUEEZES, SELayer, squeeze_width

__all__ = [
    'SELayer', 'squeeze_width', 'GATES', 'SQUEEZES', 'PLACEMENTS',
    'SEBlockMixin', 'SEBasicBlock', 'SEBottleneck', 'SEResNeXtBottleneck',
    'build_se', 'set_fast_path'
]
