"""ResNeXt-50 (32x4d), the paper's recipe: ``se_resnext50-32x4d_imagenet.py``
without SE. Paper, Table 2: 22.11 / 5.90 top-1 / top-5 error (%), 4.24
GFLOPs."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=None))
