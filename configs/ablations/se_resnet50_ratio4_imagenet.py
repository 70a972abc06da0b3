"""SE-ResNet-50 with reduction ratio r=4, the paper's recipe.

Paper, Table 7 (r=4): 23.21 / 6.63 top-1 / top-5 error (%), 35.7M parameters.
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
        se_cfg=dict(ratio=4)))
