"""ResNet-152 on Places365-Challenge (Places365-CNN protocol).

Paper, Table 5 (ResNet-152): 41.15 / 11.61 top-1 / top-5 error (%), single crop
on the 36,500 validation images. Protocol and the choices the paper leaves
open: ``../_base_/places365_challenge.py``.
"""
_base_ = [
    '../_base_/models/se_resnet.py', '../_base_/places365_challenge.py'
]

model = dict(backbone=dict(depth=152, se_cfg=None), head=dict(num_classes=365))
