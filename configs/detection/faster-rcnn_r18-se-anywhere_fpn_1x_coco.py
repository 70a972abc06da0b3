# SE in mmdet's own ResNet-18 (basic blocks, where mmdet's `plugins` cannot
# go): se_plugin.Attach builds mmdet's ResNet and puts SE on each block's
# residual branch after its last BN (`bn2`), before the sum. The network is
# se_plugin.SEResNet depth 18 key for key (11,265,592 backbone parameters),
# so an SE-ResNet-18 ImageNet checkpoint loads as it is; the torchvision
# ResNet-18 below loads too, and the SE weights start from their init (the
# log lists them once as missing keys).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(
            type='mmdet.ResNet',
            depth=18,
            num_stages=4,
            out_indices=(0, 1, 2, 3),
            frozen_stages=1,
            norm_cfg=dict(type='BN', requires_grad=True),
            norm_eval=True,
            style='pytorch',
            init_cfg=dict(
                type='Pretrained', checkpoint='torchvision://resnet18')),
        inserts=[dict(at='layer*.*', after='bn2', se_cfg=dict(ratio=16))]),
    neck=dict(in_channels=[64, 128, 256, 512]))

# mmdet's COCO reader with start-up checks of the annotations and images
# (se_plugin.CheckedCocoDataset, a drop-in; docs/user_guides/datasets.md).
train_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
val_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
