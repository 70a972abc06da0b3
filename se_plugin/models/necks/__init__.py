from .multi_level_se import MultiLevelSE
from .se_fpn import SE_POSITIONS, SEFPN

__all__ = ['SEFPN', 'SE_POSITIONS', 'MultiLevelSE']
