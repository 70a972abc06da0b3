"""SE-ResNeXt-101 (32x4d), the paper's recipe. Paper, Table 2: 20.70 / 5.01
top-1 / top-5 error (%), 8.00 GFLOPs. Its baseline is
``resnext101-32x4d_imagenet.py``."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=101))
