"""The SE-ResNeXt (32x4d) classifier of the paper (Table 2): mmpretrain's
ResNeXt-50 classifier with se_plugin's SEResNeXt backbone (r = 16; stride on
the grouped 3x3, as the paper's). Leaves set ``depth`` and, for the
baselines, ``se_cfg=None``."""
_base_ = 'mmpretrain::_base_/models/resnext50_32x4d.py'

model = dict(backbone=dict(
    _delete_=True, type='se_plugin.SEResNeXt', depth=50, groups=32,
    width_per_group=4))
