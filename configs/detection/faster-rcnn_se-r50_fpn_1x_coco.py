# Table 6, FPN recipe: mmdet's Faster R-CNN R-50 FPN 1x with an SE-ResNet-50
# backbone (r=16, standard SE) from se_plugin, initialised from an
# se_plugin ImageNet classifier checkpoint (its `backbone.` weights).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'

# Set to the ImageNet checkpoint of the matching se_plugin classifier.
checkpoint = 'checkpoints/se_resnet50_imagenet.pth'
model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=50,
        se_cfg=dict(ratio=16),
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        # mmdet's recipe for pytorch-style ResNets (its 37.4 AP baseline):
        # BN statistics frozen by norm_eval, affine parameters trained.
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        # The style of se_plugin's ImageNet configs (the paper's Caffe
        # models: stride on the first 1x1 conv); must match the checkpoint.
        style='caffe',
        init_cfg=dict(
            type='Pretrained', checkpoint=checkpoint, prefix='backbone.')))

# mmdet's COCO reader with start-up checks of the annotations and images
# (se_plugin.CheckedCocoDataset, a drop-in; docs/user_guides/datasets.md).
train_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
