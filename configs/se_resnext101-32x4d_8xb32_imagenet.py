"""SE-ResNeXt-101 (32x4d) on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256, lr
0.1; see _base_/imagenet_8xb32.py).

Paper, Table 2 (SE-ResNeXt-101 (32x4d)): 20.70 / 5.01 top-1 / top-5 error (%),
8.00 GFLOPs. Its baseline is ``resnext101-32x4d_8xb32_imagenet.py``: the same
network with ``se_cfg=None``.
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
        width_per_group=4))
