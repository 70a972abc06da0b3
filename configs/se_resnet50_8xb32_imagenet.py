"""SE-ResNet-50 on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256, lr 0.1; see
_base_/imagenet_8xb32.py).

Paper, Table 2 (SE-ResNet-50): 23.29 / 6.62 top-1 / top-5 error (%), 3.87
GFLOPs. Its baseline is ``resnet50_8xb32_imagenet.py``: the same network with
``se_cfg=None``.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '_base_/imagenet_8xb32.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=50,
        style='caffe'))
