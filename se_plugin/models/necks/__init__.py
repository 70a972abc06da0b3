from se_plugin.registry import MODELS
from se_plugin.utils.compat import missing_mmcv_ops, register_unavailable
from .multi_level_se import MultiLevelSE

# SEFPN subclasses mmdet's FPN, whose package needs mmcv's compiled ops.
if missing_mmcv_ops():
    register_unavailable(MODELS, 'SEFPN', missing_mmcv_ops())
    __all__ = ['MultiLevelSE']
else:
    from .se_fpn import SE_POSITIONS, SEFPN
    __all__ = ['SEFPN', 'SE_POSITIONS', 'MultiLevelSE']
