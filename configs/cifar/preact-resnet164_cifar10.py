# The baseline of se_preact-resnet164_cifar10.py: the same network and
# recipe without SE.
_base_ = './se_preact-resnet164_cifar10.py'

model = dict(backbone=dict(se_cfg=None))
