"""SENet-154 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
../_base_/imagenet_paper.py), evaluated on 224 x 224 centre crops.

Paper, Table 4: 18.68 / 4.47 top-1 / top-5 error (%) at 224 (17.28 / 3.79 at
320: ``senet154_320_imagenet.py``). SENet-154 is SE by construction (the
paper has no baseline for it); ``se_cfg=None`` would give its plain
ResNeXt-152-style body. Dropout 0.2 before the classifier is the head's.
"""
_base_ = ['mmpretrain::_base_/models/resnet50.py',
          '../_base_/imagenet_paper.py']

model = dict(
    backbone=dict(_delete_=True, type='se_plugin.SENet154'),
    head=dict(type='se_plugin.DropoutLinearClsHead', dropout_rate=0.2))
