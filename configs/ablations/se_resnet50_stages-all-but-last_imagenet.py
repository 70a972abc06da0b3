"""TPAMI ablation of SE-ResNet-50: SE in stages 2-4, none in the last stage
(conv5_x).

Paper, section 2 of PAPER.md: <0.1% top-1 cost, ~4% instead of ~10% extra
parameters. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_stages=(True, True, True, False)))
