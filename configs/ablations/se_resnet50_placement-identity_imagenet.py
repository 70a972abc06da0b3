"""TPAMI ablation of SE-ResNet-50: SE on the identity branch (SE-Identity).

Paper, Table 14, SE-Identity: 22.20 / 6.15 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='identity'))
