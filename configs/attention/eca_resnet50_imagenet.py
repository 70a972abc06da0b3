"""ECA-ResNet-50 (Wang et al., ECA-Net, CVPR 2020): ``se_resnet50_imagenet.py``
with ECA in SE's slot (one 1-D conv of kernel 5/5/5/7 per stage across the
pooled channels, instead of SE's two FC layers): 25,557,032 + 86 parameters.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='se_plugin.ECALayer'))
]))
