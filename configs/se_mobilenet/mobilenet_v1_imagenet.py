"""MobileNet v1 (1.0, 224) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see ../_base_/imagenet_paper.py).

Paper, Table 3 (re-implementation): 29.1 / 10.1 top-1 / top-5 error (%), 569
MFLOPs, 4.2M parameters. The same class as ``se_mobilenet_v1_imagenet.py``
with ``se_cfg=None``.
"""
_base_ = ['mmpretrain::_base_/models/mobilenet_v2_1x.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEMobileNetV1', se_cfg=None),
    head=dict(in_channels=1024))
