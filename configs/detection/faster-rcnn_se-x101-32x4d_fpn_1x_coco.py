# Faster R-CNN SE-ResNeXt-101 (32x4d) FPN 1x: the SE-R-50 recipe with
# se_plugin's SEResNeXt (stride on the grouped 3x3, as the paper's).
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/se_resnext101_32x4d_imagenet.pth'
model = dict(
    backbone=dict(
        type='se_plugin.SEResNeXt',
        depth=101,
        groups=32,
        width_per_group=4,
        style='pytorch',
        init_cfg=dict(checkpoint=checkpoint)))
