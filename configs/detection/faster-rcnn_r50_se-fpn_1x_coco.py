# Faster R-CNN R-50 with SEFPN: every output level of mmdet's FPN recalibrated
# by SE (r=16). Same recipe as faster-rcnn_r50_fpn_1x_coco.py otherwise.
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/resnet50_imagenet.pth'
model = dict(
    backbone=dict(se_cfg=None, init_cfg=dict(checkpoint=checkpoint)),
    neck=dict(
        type='se_plugin.SEFPN', se_positions=('output', ),
        se_cfg=dict(ratio=16)))
