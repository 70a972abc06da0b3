"""ResNeXt-101 (32x4d), the paper's recipe: ``se_resnext101-32x4d_imagenet.py``
without SE. Paper, Table 2: 21.18 / 5.57 top-1 / top-5 error (%), 7.99
GFLOPs."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=101, se_cfg=None))
