"""ResNet-101, the paper's recipe: ``se_resnet101_imagenet.py`` without SE
(exactly mmpretrain's ResNet). Paper, Table 2: 23.17 / 6.52 top-1 / top-5 error
(%), 7.58 GFLOPs."""
_base_ = './se_resnet101_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
