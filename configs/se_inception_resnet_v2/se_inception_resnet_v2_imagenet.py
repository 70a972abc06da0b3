"""SE-Inception-ResNet-v2 on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6; see ../_base_/imagenet_paper.py) at its input size: random-size crops of
299 for training, resize (short side) 352 -> centre crop 299 for evaluation.

Paper, Table 2: 19.80 / 4.79 top-1 / top-5 error (%), 11.76 GFLOPs. Its
baseline is ``inception_resnet_v2_imagenet.py``: the same network with
``se_cfg=None``.
"""
_base_ = ['mmpretrain::_base_/models/resnet50.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SEInceptionResNetV2'),
    head=dict(in_channels=1536))

train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=299),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]))
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=352, edge='short'),
    dict(type='CenterCrop', crop_size=299),
    dict(type='PackInputs'),
]))
test_dataloader = val_dataloader
