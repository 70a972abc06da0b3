"""TPAMI ablation of SE-ResNet-50: SE after the summation with the identity
(SE-POST).

Paper, Table 14, SE-POST: 22.78 / 6.35 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='post'))
