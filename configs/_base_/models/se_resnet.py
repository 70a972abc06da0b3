"""The SE-ResNet classifier of the paper (Table 2): mmpretrain's ResNet-50
classifier with se_plugin's SEResNet backbone (r = 16, SE on every residual
branch) and the Caffe-style stride of the paper's models. Leaves set
``depth`` and, for the baselines, ``se_cfg=None``."""
_base_ = 'mmpretrain::_base_/models/resnet50.py'

model = dict(backbone=dict(
    _delete_=True, type='se_plugin.SEResNet', depth=50, style='caffe'))
