"""CBAM-ResNet-50 (Woo et al., ECCV 2018): ``se_resnet50_imagenet.py`` with
CBAM in SE's slot (channel attention from average- and max-pooled features
through one shared MLP without biases, then a 7x7 spatial attention):
28,073,576 parameters, timm's CBAM ResNet-50 (which strides in the 3x3
conv; ``style`` moves no parameter).
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='se_plugin.CBAM', ratio=16))
]))
