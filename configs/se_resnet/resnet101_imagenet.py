"""ResNet-101, the paper's recipe: ``se_resnet101_imagenet.py`` without SE
(exactly mmpretrain's ResNet). Paper, Table 2: 23.17 / 6.52 top-1 / top-5 error
(%), 7.58 GFLOPs."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=101, se_cfg=None))
