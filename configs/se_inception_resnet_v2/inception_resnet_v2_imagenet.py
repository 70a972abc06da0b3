"""Inception-ResNet-v2 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6;
see ../_base_/imagenet_paper.py) at its input size: random-size crops of 299
for training, resize (short side) 352 -> centre crop 299 for evaluation.

Paper, Table 2 (re-implementation): 20.37 / 5.21 top-1 / top-5 error (%),
11.75 GFLOPs. The same class as ``se_inception_resnet_v2_imagenet.py`` with
``se_cfg=None``.
"""
_base_ = './se_inception_resnet_v2_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
