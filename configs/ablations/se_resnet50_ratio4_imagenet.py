"""SE-ResNet-50 with reduction ratio r=4, the paper's recipe.

Paper, Table 7 (r=4): 23.21 / 6.63 top-1 / top-5 error (%), 35.7M parameters.
"""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=dict(ratio=4)))
