# The baseline of se_wrn16-8_cifar100.py: the same network and
# recipe without SE.
_base_ = './se_wrn16-8_cifar100.py'

model = dict(backbone=dict(se_cfg=None))
