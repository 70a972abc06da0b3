"""ResNet-50 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
_base_/imagenet_paper.py).

Paper, Table 2 (ResNet-50): 24.80 / 7.48 top-1 / top-5 error (%), 3.86 GFLOPs.
The same class as ``se_resnet50_imagenet.py`` with ``se_cfg=None``: exactly
mmpretrain's layers, so the two differ only in SE.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=50,
        style='caffe',
        se_cfg=None))
