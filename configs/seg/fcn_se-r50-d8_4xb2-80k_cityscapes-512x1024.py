# mmseg's FCN R-50-D8 recipe on Cityscapes (80k iterations, 512x1024
# crops, dilated stages 3-4, ImageNet-initialised ResNetV1c) with SE in
# every backbone block.
_base_ = 'mmseg::fcn/fcn_r50-d8_4xb2-80k_cityscapes-512x1024.py'
model = dict(backbone=dict(type='se_plugin.SESegResNetV1c'))
# Atomic saves that never lose the last checkpoint (se_plugin's hook).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
