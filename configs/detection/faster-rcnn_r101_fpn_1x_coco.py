# Table 6 baseline, FPN recipe: Faster R-CNN ResNet-101 FPN 1x (SE off).
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/resnet101_imagenet.pth'
model = dict(
    backbone=dict(
        depth=101, se_cfg=None, init_cfg=dict(checkpoint=checkpoint)))
