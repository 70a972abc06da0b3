"""SE-BN-Inception on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
../_base_/imagenet_paper.py).

Paper, Table 2: 24.23 / 7.14 top-1 / top-5 error (%), 2.04 GFLOPs. Its
baseline is ``bn_inception_imagenet.py``: the same network with
``se_cfg=None``. mmpretrain's ResNet-50 model base gives the classifier
(global average pooling + linear head); the backbone is swapped.
"""
_base_ = ['mmpretrain::_base_/models/resnet50.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEBNInception'),
    head=dict(in_channels=1024))
