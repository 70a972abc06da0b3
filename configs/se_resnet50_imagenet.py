"""SE-ResNet-50 on ImageNet-1k, the paper's recipe: the path users run.

The config is ``se_resnet/se_resnet50_imagenet.py`` (with the family's other
configs, README and metafile); this file only inherits it, so
``python tools/train.py configs/se_resnet50_imagenet.py`` and
``_base_ = 'se_plugin::configs/se_resnet50_imagenet.py'`` keep working.
"""
_base_ = 'se_resnet/se_resnet50_imagenet.py'
