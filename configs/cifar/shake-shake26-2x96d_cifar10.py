# The baseline of se_shake-shake26-2x96d_cifar10.py: the same network and
# recipe without SE.
_base_ = './se_shake-shake26-2x96d_cifar10.py'

model = dict(backbone=dict(se_cfg=None))
