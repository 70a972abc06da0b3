# Table 6, the paper's recipe ("basic Faster R-CNN following the ResNet
# paper"): mmdet's Faster R-CNN R-50 C4 1x. The backbone stops after stage 3
# and stage 4 is the RoI head's shared head, so both are se_plugin modules
# with SE and both load from the same ImageNet checkpoint ('backbone.'
# prefix; the shared head takes the `layer4.*` keys).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50-caffe_c4-1x_coco.py'

# Set to the ImageNet checkpoint of the matching se_plugin classifier.
checkpoint = 'checkpoints/se_resnet50_imagenet.pth'
# What the backbone (stages 1-3) and the shared head (stage 4) share; mmdet's
# C4 recipe freezes BN (requires_grad=False, norm_eval).
stage_cfg = dict(
    depth=50,
    se_cfg=dict(ratio=16),
    norm_cfg=dict(type='BN', requires_grad=False),
    norm_eval=True,
    style='caffe',
    init_cfg=dict(
        type='Pretrained', checkpoint=checkpoint, prefix='backbone.'))
model = dict(
    # se_plugin's classifiers see RGB normalised by mean and std
    # (mmpretrain's), not the Caffe BGR mean-only input of mmdet's C4 base.
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        num_stages=3,
        strides=(1, 2, 2),
        dilations=(1, 1, 1),
        out_indices=(2, ),
        frozen_stages=1,
        **stage_cfg),
    roi_head=dict(
        shared_head=dict(
            _delete_=True,
            type='se_plugin.SEResLayer',
            stage=3,
            stride=2,
            **stage_cfg)))

# mmdet's COCO reader with start-up checks of the annotations and images
# (se_plugin.CheckedCocoDataset, a drop-in; docs/user_guides/datasets.md).
train_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
