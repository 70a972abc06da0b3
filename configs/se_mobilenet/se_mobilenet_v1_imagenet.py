"""SE-MobileNet (1.0, 224) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see ../_base_/imagenet_paper.py).

Paper, Table 3: 25.3 / 7.9 top-1 / top-5 error (%), 572 MFLOPs, 4.7M
parameters. Its baseline is ``mobilenet_v1_imagenet.py``: the same network
with ``se_cfg=None``.
"""
_base_ = ['mmpretrain::_base_/models/mobilenet_v2_1x.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEMobileNetV1'),
    head=dict(in_channels=1024))
