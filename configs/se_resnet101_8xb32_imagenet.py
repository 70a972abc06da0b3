"""SE-ResNet-101, the 8 GPUs x 32 recipe (batch 256, lr 0.1)."""
_base_ = './se_resnet50_8xb32_imagenet.py'

model = dict(backbone=dict(depth=101))
