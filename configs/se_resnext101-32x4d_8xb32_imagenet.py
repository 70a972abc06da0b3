"""SE-ResNeXt-101 (32x4d), the 8 GPUs x 32 recipe (batch 256, lr 0.1)."""
_base_ = './se_resnext50-32x4d_8xb32_imagenet.py'

model = dict(backbone=dict(depth=101))
