"""TPAMI ablation of SE-ResNet-50: SE on the residual branch before the sum
(standard), every other option at its default too.

The reference row of each TPAMI table, one model: Table 14, SE, and Table 13,
SE_ALL: 22.28 / 6.03 top-1 / top-5 error (%); Table 11, avg squeeze; Table 12,
sigmoid gate. Recipe and setting of the study: see
``../_base_/se_resnet50_ablation.py``.
"""
_base_ = '../_base_/se_resnet50_ablation.py'

model = dict(backbone=dict(se_placement='standard'))
