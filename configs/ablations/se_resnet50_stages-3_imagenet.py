"""TPAMI ablation of SE-ResNet-50: SE only in stage 3 (conv3_x, 512 channels).

Paper, Table 13, SE_Stage_3: 23.04 / 6.32 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_stages=(False, True, False, False)))
