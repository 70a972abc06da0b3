# SE-Shake-Even 29 2x4x64d (Gastaldi, 2017; Shake-Even-Image: forward
# shake, backward 0.5) with Cutout 8x8 (DeVries & Taylor, 2017),
# SE (r=16) in every residual block, on CIFAR100 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar100.py', './_base_/schedule_shake.py']

model = dict(
    backbone=dict(
        type='se_plugin.ShakeResNet', depth=29, stem_channels=64,
        base_channels=256, groups=4, base_width=64, backward_mode='even'),
    head=dict(in_channels=1024))

# Gastaldi's CIFAR-100 recipe: batch 32, lr 0.025, weight decay 5e-4.
optim_wrapper = dict(optimizer=dict(lr=0.025, weight_decay=5e-4))
auto_scale_lr = dict(base_batch_size=32)
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # Cutout paper: always, filled with the mean (0 after normalising).
    dict(type='Cutout', shape=8, pad_val=(129, 124, 112), prob=1.0),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32, dataset=dict(pipeline=train_pipeline))
