# The baseline of se_resnet110_cifar10.py: the same network and recipe
# without SE (TPAMI 2019, Tables 4-5).
_base_ = './se_resnet110_cifar10.py'

model = dict(backbone=dict(se_cfg=None))
