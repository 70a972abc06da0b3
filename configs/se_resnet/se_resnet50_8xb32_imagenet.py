"""SE-ResNet-50 on ImageNet-1k, the 8 GPUs x 32 recipe (batch 256, lr 0.1;
see ../_base_/imagenet_8xb32.py), with which the released models were
trained."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_8xb32.py']
