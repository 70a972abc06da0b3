"""The common ImageNet recipe: 8 GPUs x 32 images, lr 0.1.

Same as :file:`imagenet_paper.py` (SGD momentum 0.9, lr x0.1 every 30
epochs, 100 epochs, crop 224 / resize 256) with total batch 256 and lr 0.1,
the setting of mmpretrain's ResNet configs and of the paper's released
Caffe models (batch 256, lr 0.1). ``auto_scale_lr`` (enabled) scales lr 0.1
by (GPUs x batch per GPU) / 256.
"""
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]

train_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
val_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
test_dataloader = val_dataloader

auto_scale_lr = dict(base_batch_size=256, enable=True)
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
