"""ResNet-152, the 8 GPUs x 32 recipe: ``se_resnet152_8xb32_imagenet.py``
without SE."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_8xb32.py']

model = dict(backbone=dict(depth=152, se_cfg=None))
