"""SE-ResNeXt-50 (32x4d) on ImageNet-1k, the paper's recipe (batch 1024, lr
0.6). Paper, Table 2: 21.10 / 5.49 top-1 / top-5 error (%), 4.25 GFLOPs. Its
baseline is ``resnext50-32x4d_imagenet.py``."""
_base_ = ['../_base_/models/se_resnext.py', '../_base_/imagenet_paper.py']
