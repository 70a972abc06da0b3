# SE-pre-activation ResNet-164 (He et al., 2016b): 3 x 18 bottlenecks of
# 64/128/256 output channels, 1x1 projection shortcuts, SE (r=16) in every
# residual block, on CIFAR-100 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar100.py', './_base_/schedule_resnet.py']

model = dict(
    backbone=dict(type='se_plugin.CIFARResNet', depth=164, bottleneck=True,
                  preact=True, shortcut='B'),
    head=dict(in_channels=256))
