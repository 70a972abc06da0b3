# SE-ResNet-110 on the digits in CIFAR's layout: the whole CIFAR pipeline on
# real images in CPU minutes (tests/test_cifar_train.py); the baseline is
# --cfg-options model.backbone.se_cfg=None. Prepare the data:
#   python tools/dataset_converters/prepare_digits.py data/digits
#   python tools/dataset_converters/to_cifar.py data/digits data/digits_cifar
_base_ = ['./_base_/cifar10.py']

data_root = 'data/digits_cifar'
model = dict(
    backbone=dict(type='se_plugin.CIFARResNet', depth=110),
    head=dict(in_channels=64),
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
# No flips: mirrored digits are other glyphs.
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs'),
]
# In-process loading: the images are tiny and already in memory.
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root))
test_dataloader = val_dataloader

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
# He et al.'s ResNet-110 warm-up (lr / 10 at first), here for 10 iterations,
# then cosine to 0.
param_scheduler = [
    dict(type='ConstantLR', factor=0.1, by_epoch=False, begin=0, end=10),
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=6,
         convert_to_iter_based=True)
]
train_cfg = dict(by_epoch=True, max_epochs=6, val_interval=6)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(
        type='se_plugin.SafeCheckpointHook', interval=6, max_keep_ckpts=1))
randomness = dict(seed=0)
