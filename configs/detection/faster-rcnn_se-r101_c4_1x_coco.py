# Table 6, the paper's C4 recipe: SE-ResNet-101 (SE in stage 4 too).
_base_ = './faster-rcnn_se-r50_c4_1x_coco.py'

checkpoint = 'checkpoints/se_resnet101_imagenet.pth'
model = dict(
    backbone=dict(depth=101, init_cfg=dict(checkpoint=checkpoint)),
    roi_head=dict(
        shared_head=dict(depth=101, init_cfg=dict(checkpoint=checkpoint))))
