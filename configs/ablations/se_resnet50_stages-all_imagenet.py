"""TPAMI ablation of SE-ResNet-50: SE in all stages (the default).

Paper, Table 13, SE_ALL: 22.28 / 6.03 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_stages=(True, True, True, True)))
