"""TPAMI ablation of SE-ResNet-50: SE on the residual branch before the sum
(standard).

Paper, Table 14, SE: 22.28 / 6.03 top-1 / top-5 error (%). Recipe and setting
of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='standard'))
