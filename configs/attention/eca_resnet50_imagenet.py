"""ECA-ResNet-50 (Wang et al., ECA-Net, CVPR 2020): ``se_resnet50_imagenet.py``
with ECA in SE's slot (one 1-D conv of kernel 3/5/5/7 per stage across the
pooled channels, instead of SE's two FC layers): 25,557,032 + 80 parameters.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '../_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(type='mmpretrain.ResNet', depth=50, style='caffe'),
        inserts=[
            dict(at='layer*.*', after='bn3',
                 se_cfg=dict(type='se_plugin.ECALayer'))
        ]))
