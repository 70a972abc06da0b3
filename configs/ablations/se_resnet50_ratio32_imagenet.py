"""SE-ResNet-50 with reduction ratio r=32, the paper's recipe.

Paper, Table 7 (r=32): 23.40 / 6.77 top-1 / top-5 error (%), 26.9M parameters.
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
        se_cfg=dict(ratio=32)))
