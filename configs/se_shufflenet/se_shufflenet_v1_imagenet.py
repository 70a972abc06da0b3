"""SE-ShuffleNet (1x, g=3) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see ../_base_/imagenet_paper.py).

Paper, Table 3: 31.7 / 11.7 top-1 / top-5 error (%), 142 MFLOPs, 2.4M
parameters. Its baseline is ``shufflenet_v1_imagenet.py``: mmpretrain's
ShuffleNetV1 (the same class with ``se_cfg=None``).
"""
_base_ = ['mmpretrain::_base_/models/shufflenet_v1_1x.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEShuffleNetV1', groups=3))
