"""ECA-ResNet-50-D: mmpretrain's ResNetV1d (deep stem, average-pool
shortcuts) with ECA in each bottleneck, after ``bn3``: timm's
``ecaresnet50d`` layer for layer (25,576,350 parameters; its converted
weights give its logits, see ``tools/model_converters/to_se_plugin.py``).
The paper's recipe, as for the other attention ResNet-50s.
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50.py',
    '../_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(type='mmpretrain.ResNetV1d', depth=50),
        inserts=[
            dict(at='layer*.*', after='bn3',
                 se_cfg=dict(type='se_plugin.ECALayer'))
        ]))
