# SE-WRN-16-8 (Zagoruyko & Komodakis, 2016), SE (r=16) in every residual
# block, on CIFAR-10 (TPAMI 2019, Tables 4-5).
_base_ = ['./_base_/cifar10.py', './_base_/schedule_wrn.py']

model = dict(
    backbone=dict(type='se_plugin.WideResNet', depth=16, widen_factor=8),
    head=dict(in_channels=512))
