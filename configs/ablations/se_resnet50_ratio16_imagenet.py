"""SE-ResNet-50 with reduction ratio r=16, the paper's recipe.

Paper, Table 7 (r=16): 23.29 / 6.62 top-1 / top-5 error (%), 28.1M parameters
(the same model as ``../se_resnet50_imagenet.py``).
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
        se_cfg=dict(ratio=16)))
