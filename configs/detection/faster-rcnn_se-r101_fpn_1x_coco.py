# Table 6, FPN recipe: Faster R-CNN SE-ResNet-101 FPN 1x.
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/se_resnet101_imagenet.pth'
model = dict(backbone=dict(depth=101, init_cfg=dict(checkpoint=checkpoint)))
