"""ResNet-101 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
_base_/imagenet_paper.py).

Paper, Table 2 (ResNet-101): 23.17 / 6.52 top-1 / top-5 error (%), 7.58 GFLOPs.
The same class as ``se_resnet101_imagenet.py`` with ``se_cfg=None``: exactly
mmpretrain's layers, so the two differ only in SE.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet101.py',
    '_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=101,
        style='caffe',
        se_cfg=None))
