"""SE-ResNet-50 on ImageNet-1k, the paper's recipe (batch 1024, lr 0.6; see
../_base_/imagenet_paper.py). Paper, Table 2: 23.29 / 6.62 top-1 / top-5 error
(%), 3.87 GFLOPs. Its baseline is ``resnet50_imagenet.py``."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']
