"""GC-ResNet-50 (Cao et al., GCNet, 2019): ``se_resnet50_imagenet.py`` with
mmcv's ``ContextBlock`` (attention pooling + a bottleneck transform with
LayerNorm, added to the features) in SE's slot, at r = 16 in every stage
like the SE model (GCNet itself uses stages c3-c5 on COCO).
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at='layer*.*', after='bn3',
         se_cfg=dict(type='ContextBlock', ratio=1. / 16))
]))
