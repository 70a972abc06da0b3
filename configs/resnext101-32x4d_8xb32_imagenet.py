"""ResNeXt-101 (32x4d), the 8 GPUs x 32 recipe:
``se_resnext101-32x4d_8xb32_imagenet.py`` without SE."""
_base_ = './se_resnext101-32x4d_8xb32_imagenet.py'

model = dict(backbone=dict(se_cfg=None))
