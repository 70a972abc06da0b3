# The baseline of se_shake-shake26-2x96d_cifar10.py: the same network and recipe
# without SE (TPAMI 2019, Tables 4-5).
_base_ = './se_shake-shake26-2x96d_cifar10.py'

model = dict(backbone=dict(se_cfg=None))
