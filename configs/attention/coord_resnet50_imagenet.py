"""CoordAttention-ResNet-50 (Hou et al., Coordinate Attention, CVPR 2021):
``se_resnet50_imagenet.py`` with coordinate attention in SE's slot (the
features pooled along W and along H, a shared 1x1 conv + BN + h-swish of width
max(8, C / 32), then a gate per row and per column), the paper's defaults.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='se_plugin.CoordAttention', ratio=32))
]))
