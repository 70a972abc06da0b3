# SE without a new backbone: mmdet's own ResNet-50 with se_plugin's SELayer
# as an mmcv plugin after conv3 (+BN) of every bottleneck, before the sum,
# i.e. the standard SE placement. The plugin is named `se`, like the SE slot
# of se_plugin's blocks, so an se_plugin SE-ResNet-50 ImageNet checkpoint
# (caffe style) loads into it key for key.
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/se_resnet50_imagenet.pth'
model = dict(
    backbone=dict(
        style='caffe',
        plugins=[
            dict(
                cfg=dict(type='se_plugin.SELayer', ratio=16),
                position='after_conv3')
        ],
        init_cfg=dict(checkpoint=checkpoint, prefix='backbone.')))

# mmdet's COCO reader with start-up checks of the annotations and images
# (se_plugin.CheckedCocoDataset, a drop-in; docs/user_guides/datasets.md).
train_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
