"""TPAMI ablation of SE-ResNet-50: SE right after the 3x3 conv (SE-3x3).

Paper, Table 15, SE-3x3: ~22.5 top-1. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='3x3'))
