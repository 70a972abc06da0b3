"""ResNeXt-50 (32x4d) on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6;
see _base_/imagenet_paper.py).

Paper, Table 2 (ResNeXt-50 (32x4d)): 22.11 / 5.90 top-1 / top-5 error (%), 4.24
GFLOPs. The same class as ``se_resnext50-32x4d_imagenet.py`` with
``se_cfg=None``: exactly mmpretrain's layers, so the two differ only in SE.
"""
_base_ = [
    'mmpretrain::_base_/models/resnext50_32x4d.py',
    '_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNeXt',
        depth=50,
        groups=32,
        width_per_group=4,
        se_cfg=None))
