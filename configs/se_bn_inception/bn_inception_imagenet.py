"""BN-Inception on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
../_base_/imagenet_paper.py).

Paper, Table 2 (re-implementation): 25.38 / 7.89 top-1 / top-5 error (%),
2.03 GFLOPs. The same class as ``se_bn_inception_imagenet.py`` with
``se_cfg=None``.
"""
_base_ = ['mmpretrain::_base_/models/resnet50.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEBNInception', se_cfg=None),
    head=dict(in_channels=1024))
