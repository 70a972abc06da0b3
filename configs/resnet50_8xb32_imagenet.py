"""ResNet-50, the 8 GPUs x 32 recipe: ``se_resnet50_8xb32_imagenet.py``
without SE."""
_base_ = './se_resnet50_8xb32_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
