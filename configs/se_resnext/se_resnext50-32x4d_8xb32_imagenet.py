"""SE-ResNeXt-50 (32x4d) on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256,
lr 0.1; see ../_base_/imagenet_8xb32.py)."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_8xb32.py']
