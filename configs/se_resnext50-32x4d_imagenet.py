"""SE-ResNeXt-50 (32x4d) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see _base_/imagenet_paper.py).

Paper, Table 2 (SE-ResNeXt-50 (32x4d)): 21.10 / 5.49 top-1 / top-5 error (%),
4.25 GFLOPs. Its baseline is ``resnext50-32x4d_imagenet.py``: the same network
with ``se_cfg=None``.
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
        width_per_group=4))
