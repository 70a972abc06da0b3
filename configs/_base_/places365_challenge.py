"""Places365-Challenge training for Table 5 of the SENet paper
(ResNet-152 41.15 / 11.61, SE-ResNet-152 40.37 / 11.01 top-1/top-5 err).

Follows the Places365-CNN protocol (Zhou et al.): the official 256x256
images (``data_256``, ``val_256``; any release is resized to 256x256),
random 224x224 crop + horizontal flip for training, single centre crop
224 of the 256x256 image for evaluation, 365 classes, trained from scratch.
Dataloaders, evaluator (top-1/top-5) and runtime are mmpretrain's ImageNet
bases with the dataset swapped.

Choices the paper leaves open (ours):
- optimiser of the paper's ImageNet recipe: SGD momentum 0.9, weight decay
  1e-4, lr 0.6 for a total batch of 1024 (32 per GPU), scaled by
  ``auto_scale_lr`` to the real batch;
- schedule: 20 epochs of the 8.0M challenge images (160M samples, 1.25x
  the ImageNet recipe's 128M), lr x0.1 after epochs 6, 12 and 18 (the
  ImageNet 30/60/90 of 100, scaled);
- no ImageNet pre-training (set ``load_from`` to fine-tune instead).
"""
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]

data_preprocessor = dict(num_classes=365)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='RandomCrop', crop_size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

# No _delete_: the dicts keep the _scope_ of mmpretrain's base, so configs
# that inherit this one through 'se_plugin::' still build mmpretrain's
# transforms and samplers.
train_dataloader = dict(
    dataset=dict(
        type='se_plugin.Places365',
        data_root='data/places365',
        split='train-challenge',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        train_dataloader['dataset'], split='val', pipeline=test_pipeline))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=0.6))
param_scheduler = dict(milestones=[6, 12, 18])
train_cfg = dict(max_epochs=20)
auto_scale_lr = dict(base_batch_size=1024, enable=True)
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
