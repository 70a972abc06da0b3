"""TPAMI ablation of SE-ResNet-50: SE only in stage 4 (conv4_x, 1024 channels).

Paper, Table 13, SE_Stage_4: 22.68 / 6.22 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_stages=(False, False, True, False)))
