"""SE-ResNet-101 on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256, lr 0.1; see
_base_/imagenet_8xb32.py).

Paper, Table 2 (SE-ResNet-101): 22.38 / 6.07 top-1 / top-5 error (%), 7.60
GFLOPs. Its baseline is ``resnet101_8xb32_imagenet.py``: the same network with
``se_cfg=None``.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet101.py',
    '_base_/imagenet_8xb32.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=101,
        style='caffe'))
