"""SE-ResNet-152, the 8 GPUs x 32 recipe (batch 256, lr 0.1)."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_8xb32.py']

model = dict(backbone=dict(depth=152))
