# Table 6 baseline, the paper's C4 recipe: the SE-R-50 C4 config with SE off
# in the backbone and in the stage-4 shared head (plain ResNet-50).
_base_ = './faster-rcnn_se-r50_c4_1x_coco.py'

checkpoint = 'checkpoints/resnet50_imagenet.pth'
model = dict(
    backbone=dict(se_cfg=None, init_cfg=dict(checkpoint=checkpoint)),
    roi_head=dict(
        shared_head=dict(se_cfg=None, init_cfg=dict(checkpoint=checkpoint))))
