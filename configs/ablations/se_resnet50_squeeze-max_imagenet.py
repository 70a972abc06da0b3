"""TPAMI ablation of SE-ResNet-50: squeeze by global max pooling.

Paper, Table 11, max. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_cfg=dict(squeeze='max')))
