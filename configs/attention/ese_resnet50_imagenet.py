"""eSE-ResNet-50 (Lee and Park, CenterMask / VoVNetV2, CVPR 2020):
``se_resnet50_imagenet.py`` with Effective SE in SE's slot (one C x C FC with
bias and a hard sigmoid instead of SE's two FCs).
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='se_plugin.EffectiveSE', gate='hsigmoid'))
]))
