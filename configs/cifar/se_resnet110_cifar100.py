# SE-ResNet-110 (He et al., 2016a): 3 x 18 basic blocks of 16/32/64
# channels, option-A (zero-padding) shortcuts, SE (r=16) in every residual
# block, on CIFAR-100 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar100.py', './_base_/schedule_resnet110.py']

model = dict(
    backbone=dict(type='se_plugin.CIFARResNet', depth=110),
    head=dict(in_channels=64))
