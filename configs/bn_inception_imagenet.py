"""BN-Inception on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
_base_/imagenet_paper.py).

Paper, Table 2 (re-implementation): 25.38 / 7.89 top-1 / top-5 error (%),
2.03 GFLOPs. The same class as ``se_bn_inception_imagenet.py`` with
``se_cfg=None``.
"""
_base_ = './se_bn_inception_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
