"""ResNeXt-101 (32x4d) on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256, lr
0.1; see _base_/imagenet_8xb32.py).

Paper, Table 2 (ResNeXt-101 (32x4d)): 21.18 / 5.57 top-1 / top-5 error (%),
7.99 GFLOPs. The same class as ``se_resnext101-32x4d_8xb32_imagenet.py`` with
``se_cfg=None``: exactly mmpretrain's layers, so the two differ only in SE.
"""
_base_ = [
    'mmpretrain::_base_/models/resnext101_32x4d.py',
    '_base_/imagenet_8xb32.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNeXt',
        depth=101,
        groups=32,
        width_per_group=4,
        se_cfg=None))
