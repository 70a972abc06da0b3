"""ShuffleNet v1 (1x, g=3) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see ../_base_/imagenet_paper.py).

Paper, Table 3 (re-implementation): 33.9 / 13.6 top-1 / top-5 error (%), 140
MFLOPs, 1.8M parameters. ``se_cfg=None`` leaves exactly mmpretrain's
ShuffleNetV1, so it differs from ``se_shufflenet_v1_imagenet.py`` only in SE.
"""
_base_ = ['mmpretrain::_base_/models/shufflenet_v1_1x.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(
        _delete_=True, type='se_plugin.SEShuffleNetV1', groups=3,
        se_cfg=None))
