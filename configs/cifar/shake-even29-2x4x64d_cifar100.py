# The baseline of se_shake-even29-2x4x64d_cifar100.py: the same network and recipe
# without SE (TPAMI 2019, Tables 4-5).
_base_ = './se_shake-even29-2x4x64d_cifar100.py'

model = dict(backbone=dict(se_cfg=None))
