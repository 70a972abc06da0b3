# SE-ResNet-110 (He et al., 2016a): 3 x 18 basic blocks of 16/32/64
# channels, option-A (zero-padding) shortcuts,
# SE (r=16) in every residual block, on CIFAR10 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar10.py', './_base_/schedule_resnet.py']

model = dict(
    backbone=dict(type='se_plugin.CIFARResNet', depth=110),
    head=dict(in_channels=64))

# He et al.'s warm-up for ResNet-110: lr 0.01 for the first 400 iterations.
param_scheduler = [
    dict(type='ConstantLR', factor=0.1, by_epoch=False, begin=0, end=400),
    dict(type='MultiStepLR', by_epoch=True, milestones=[82, 123], gamma=0.1)
]
