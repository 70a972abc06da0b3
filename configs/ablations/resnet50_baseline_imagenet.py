"""TPAMI ablation of SE-ResNet-50: ResNet-50 baseline of the ablation study (SE
off).

Paper, Tables 13/14 baseline: 23.30 / 6.55 top-1 / top-5 error (%). Recipe and
setting of the study: see ``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_cfg=None))
