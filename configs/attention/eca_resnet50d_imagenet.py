"""ECA-ResNet-50-D: ``eca_resnet50_imagenet.py`` on mmpretrain's ResNetV1d
(deep stem, average-pool shortcuts, stride in the 3x3 conv): timm's
``ecaresnet50d`` layer for layer (25,576,350 parameters; its converted
weights give its logits, see ``tools/model_converters/to_se_plugin.py``).
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(
    backbone=dict(
        host=dict(_delete_=True, type='mmpretrain.ResNetV1d', depth=50),
        inserts=[
            dict(at='layer*.*', after='bn3',
                 se_cfg=dict(type='se_plugin.ECALayer'))
        ]))
