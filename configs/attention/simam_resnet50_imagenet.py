"""SimAM-ResNet-50 (Yang et al., SimAM, ICML 2021): mmpretrain's ResNet-50
with SimAM where SimAM's own ResNet puts it: after each bottleneck's 3x3 conv
(``conv2``, before ``bn2``), each activation scaled by the sigmoid of its
inverse minimal energy, lambda = 0.1 (its ImageNet runs, ``param0.1``). No
parameters: ResNet-50's 25,557,032. Unlike the SE, ECA, CBAM, GC and family
configs next to it, the slot is not SE's (after ``bn3``).
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='conv2',
         se_cfg=dict(type='se_plugin.SimAM', e_lambda=0.1))
]))
