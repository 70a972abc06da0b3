# CIFAR-10 in its python layout (data/cifar10/cifar-10-batches-py/, read by
# se_plugin.CheckedCIFAR10: never downloads) with the SE paper's
# augmentation (TPAMI 2019, Sec. 6.1: 4-pixel padding, random 32x32 crop,
# horizontal flip, mean/std normalisation), batch 128, around a CIFAR
# backbone that the leaf sets (with the head's in_channels).
_base_ = ['mmpretrain::_base_/default_runtime.py']

model = dict(
    type='ImageClassifier',
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    # The CIFAR-10 training set's per-channel mean and std (RGB files).
    data_preprocessor=dict(
        num_classes=10,
        mean=[125.307, 122.961, 113.8575],
        std=[51.5865, 50.847, 51.255],
        to_rgb=False))

data_root = 'data/cifar10'
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='se_plugin.CheckedCIFAR10', data_root=data_root, split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        train_dataloader['dataset'], split='test', pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
