"""SE-ResNet-152 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
_base_/imagenet_paper.py).

Paper, Table 2 (SE-ResNet-152): 21.57 / 5.73 top-1 / top-5 error (%), 11.32
GFLOPs. Its baseline is ``resnet152_imagenet.py``: the same network with
``se_cfg=None``.
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
        style='caffe'))
