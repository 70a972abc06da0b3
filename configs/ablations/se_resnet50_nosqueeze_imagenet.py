"""TPAMI ablation of SE-ResNet-50: NoSqueeze: no pooling, the FCs as 1x1 convs
at every position.

Paper, Table 16, NoSqueeze. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_cfg=dict(squeeze='none')))
