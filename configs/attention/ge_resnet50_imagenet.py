"""GE-ResNet-50 (Hu et al., Gather-Excite, NeurIPS 2018): ``se_resnet50_imagenet.py``
with the parameter-free Gather-Excite (GE-theta-minus, global extent: average
pooling, no MLP, a sigmoid gate) in SE's slot: ResNet-50's 25,557,032
parameters.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='se_plugin.GatherExcite', extent=0,
                     use_mlp=False))
]))
