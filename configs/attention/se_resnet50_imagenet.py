"""SE-ResNet-50 as mmpretrain's own ResNet-50 with SE attached
(``se_plugin.Attach``), the paper's recipe (_base_/imagenet_paper.py).

The network is exactly ``se_plugin.SEResNet`` depth 50 (28,088,024
parameters, same state-dict keys): SE on each bottleneck's residual branch,
after its last BN (``bn3``), before the sum. The ECA-, CBAM- and GC-ResNet-50
configs next to this one differ from it only in ``se_cfg``.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        inserts=[dict(at='layer*.*', after='bn3', se_cfg=dict(ratio=16))]))
