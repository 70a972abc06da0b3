"""SE-ResNet-101, the paper's recipe. Paper, Table 2: 22.38 / 6.07 top-1 /
top-5 error (%), 7.60 GFLOPs. Its baseline is ``resnet101_imagenet.py``."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=101))
