# Table 6 baseline, the paper's C4 recipe: ResNet-101 (SE off in the
# backbone and in the stage-4 shared head).
_base_ = './faster-rcnn_se-r50_c4_1x_coco.py'

checkpoint = 'checkpoints/resnet101_imagenet.pth'
model = dict(
    backbone=dict(
        depth=101, se_cfg=None, init_cfg=dict(checkpoint=checkpoint)),
    roi_head=dict(
        shared_head=dict(
            depth=101, se_cfg=None, init_cfg=dict(checkpoint=checkpoint))))
