"""SE-ResNet-152, the paper's recipe. Paper, Table 2: 21.57 / 5.73 top-1 /
top-5 error (%), 11.32 GFLOPs. Its baseline is ``resnet152_imagenet.py``."""
_base_ = ['../_base_/models/se_resnet.py', '../_base_/imagenet_paper.py']

model = dict(backbone=dict(depth=152))
