"""ResNet-152 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
_base_/imagenet_paper.py).

Paper, Table 2 (ResNet-152): 22.42 / 6.34 top-1 / top-5 error (%), 11.30
GFLOPs. The same class as ``se_resnet152_imagenet.py`` with ``se_cfg=None``:
exactly mmpretrain's layers, so the two differ only in SE.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet152.py',
    '_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=152,
        style='caffe',
        se_cfg=None))
