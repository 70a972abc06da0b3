"""ResNet-152, the paper's recipe: ``se_resnet152_imagenet.py`` without SE
(exactly mmpretrain's ResNet). Paper, Table 2: 22.42 / 6.34 top-1 / top-5 error
(%), 11.30 GFLOPs."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=152, se_cfg=None))
