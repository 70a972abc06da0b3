"""SE-VGG-16 (BN after every conv) on ImageNet-1k, the paper's recipe (batch
1024, lr 0.6; see ../_base_/imagenet_paper.py).

Paper, Table 2: 25.22 / 7.70 top-1 / top-5 error (%), 15.48 GFLOPs. Its
baseline is ``vgg16bn_imagenet.py``: mmpretrain's VGG-16 (BN) (the same
class with ``se_cfg=None``).
"""
_base_ = ['mmpretrain::_base_/models/vgg16bn.py',
          '../_base_/imagenet_paper.py']

model = dict(backbone=dict(_delete_=True, type='se_plugin.SEVGG', depth=16,
                           norm_cfg=dict(type='BN'), num_classes=1000))
