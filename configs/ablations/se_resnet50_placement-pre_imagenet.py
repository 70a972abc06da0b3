"""TPAMI ablation of SE-ResNet-50: SE before the residual unit (SE-PRE).

Paper, Table 14, SE-PRE: 22.23 / 6.00 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='pre'))
