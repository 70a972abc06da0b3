# The generic multi-level SE neck in front of mmdet's FPN: each of the four
# backbone levels (C2..C5) of a plain ResNet-50 is recalibrated by its own SE
# before the FPN. A list of necks is built as one Sequential by mmengine.
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/resnet50_imagenet.pth'
model = dict(
    backbone=dict(se_cfg=None, init_cfg=dict(checkpoint=checkpoint)),
    neck=[
        dict(
            type='se_plugin.MultiLevelSE',
            in_channels=[256, 512, 1024, 2048],
            se_cfg=dict(ratio=16)),
        dict(
            type='FPN',
            in_channels=[256, 512, 1024, 2048],
            out_channels=256,
            num_outs=5)
    ])
