"""TPAMI ablation of SE-ResNet-50: SE only in stage 2 (conv2_x, 256 channels).

Paper, Table 13, SE_Stage_2: 23.03 / 6.48 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_stages=(True, False, False, False)))
