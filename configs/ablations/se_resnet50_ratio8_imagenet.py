"""SE-ResNet-50 with reduction ratio r=8, the paper's recipe.

Paper, Table 7 (r=8): 23.19 / 6.64 top-1 / top-5 error (%), 30.7M parameters.
"""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=dict(ratio=8)))
