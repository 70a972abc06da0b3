"""SE-ResNet-50 with reduction ratio r=16, the paper's recipe.

Paper, Table 7 (r=16): 23.29 / 6.62 top-1 / top-5 error (%), 28.1M parameters
(the same model as ``../se_resnet50_imagenet.py``).
"""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(se_cfg=dict(ratio=16)))
