from se_plugin.registry import MODELS
from se_plugin.utils.compat import missing_mmcv_ops, register_unavailable

# SEResLayer subclasses mmdet's ResLayer, whose package needs mmcv's ops.
if missing_mmcv_ops():
    register_unavailable(MODELS, 'SEResLayer', missing_mmcv_ops())
    __all__ = []
else:
    from .se_res_layer import SEResLayer
    __all__ = ['SEResLayer']
