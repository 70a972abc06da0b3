# SE-Shake-Shake 26 2x96d (Gastaldi, 2017; Shake-Shake-Image) with
# Cutout 16x16 (DeVries & Taylor, 2017),
# SE (r=16) in every residual block, on CIFAR10 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar10.py', './_base_/schedule_shake.py']

model = dict(
    backbone=dict(type='se_plugin.ShakeResNet', depth=26, base_channels=96),
    head=dict(in_channels=384))

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # Cutout paper: always, filled with the mean (0 after normalising).
    dict(type='Cutout', shape=16, pad_val=(125, 123, 114), prob=1.0),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
