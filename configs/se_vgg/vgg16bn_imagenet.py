"""VGG-16 (BN after every conv) on ImageNet-1k, the paper's recipe (batch
1024, lr 0.6; see ../_base_/imagenet_paper.py).

Paper, Table 2 (re-implementation): 27.02 / 8.81 top-1 / top-5 error (%),
15.47 GFLOPs. ``se_cfg=None`` leaves exactly mmpretrain's VGG, so it differs
from ``se_vgg16bn_imagenet.py`` only in SE.
"""
_base_ = ['mmpretrain::_base_/models/vgg16bn.py',
          '../_base_/imagenet_paper.py']

model = dict(backbone=dict(_delete_=True, type='se_plugin.SEVGG', depth=16,
                           norm_cfg=dict(type='BN'), num_classes=1000,
                           se_cfg=None))
