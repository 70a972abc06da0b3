"""SE-ResNet-50 with reduction ratio r=8, the paper's recipe.

Paper, Table 7 (r=8): 23.19 / 6.64 top-1 / top-5 error (%), 30.7M parameters.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '../_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=50,
        style='caffe',
        se_cfg=dict(ratio=8)))
