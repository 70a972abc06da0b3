# SE-ResNet-18 on scikit-learn's handwritten digits (the README's demo).
# Prepare the data first: python tools/dataset_converters/prepare_digits.py
_base_ = [
    'mmpretrain::_base_/models/resnet18_cifar.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    'mmpretrain::_base_/default_runtime.py',
]

model = dict(
    # mmpretrain's ImageNet stem and strides take 32x32 inputs down to 1x1
    # in the last stage: the upscaled 8x8 digits hold no finer detail, and
    # it costs far less than a stride-1 CIFAR stem.
    backbone=dict(
        _delete_=True, type='se_plugin.SEResNet', depth=18,
        out_indices=(3, )),
    data_preprocessor=dict(
        num_classes=10, mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True))

data_root = 'data/digits'
metainfo = dict(classes=[str(c) for c in range(10)])
train_pipeline = [
    dict(type='LoadImageFromFile'),
    # No flips: mirrored digits are other glyphs.
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
# What the two splits share (the ImageNet layout of prepare_digits), read
# with start-up checks of every list line (labels in 0..9, images exist).
digits = dict(
    type='se_plugin.CheckedCustomDataset',
    data_root=data_root,
    metainfo=metainfo)
train_dataloader = dict(
    batch_size=32,
    # In-process loading (the images are tiny); mmpretrain's own
    # tools/train.py defaults persistent_workers to True, which needs workers.
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        **digits,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    train_dataloader,
    batch_size=100,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **digits, ann_file='meta/val.txt', data_prefix='val',
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

optim_wrapper = dict(optimizer=dict(lr=0.05, weight_decay=5e-4))
param_scheduler = dict(
    _delete_=True, type='CosineAnnealingLR', by_epoch=True, T_max=6)
train_cfg = dict(max_epochs=6, val_interval=6)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(
    logger=dict(interval=20),
    # Atomic saves, strict loads (docs/user_guides/checkpoints.md).
    checkpoint=dict(
        type='se_plugin.SafeCheckpointHook', interval=6, max_keep_ckpts=1))
randomness = dict(seed=0)
