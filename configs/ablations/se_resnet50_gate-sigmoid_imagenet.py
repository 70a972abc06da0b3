"""TPAMI ablation of SE-ResNet-50: excitation gate sigmoid (the default).

Paper, Table 12, sigmoid. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_cfg=dict(gate='sigmoid')))
