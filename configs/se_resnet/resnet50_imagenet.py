"""ResNet-50, the paper's recipe: ``se_resnet50_imagenet.py`` without SE
(exactly mmpretrain's ResNet). Paper, Table 2: 24.80 / 7.48 top-1 / top-5 error
(%), 3.86 GFLOPs."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=None))
