"""ResNeXt-101 (32x4d), the 8 GPUs x 32 recipe:
``se_resnext101-32x4d_8xb32_imagenet.py`` without SE."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_8xb32.py']

model = dict(backbone=dict(depth=101, se_cfg=None))
