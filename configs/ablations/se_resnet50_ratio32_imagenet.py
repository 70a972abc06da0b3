"""SE-ResNet-50 with reduction ratio r=32, the paper's recipe.

Paper, Table 7 (r=32): 23.40 / 6.77 top-1 / top-5 error (%), 26.9M parameters.
"""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=dict(ratio=32)))
