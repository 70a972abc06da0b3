"""ResNet-101, the 8 GPUs x 32 recipe: ``se_resnet101_8xb32_imagenet.py``
without SE."""
_base_ = './se_resnet101_8xb32_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
