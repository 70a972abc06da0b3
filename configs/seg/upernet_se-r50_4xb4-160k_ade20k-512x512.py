# mmseg's UPerNet R-50 recipe on ADE20K (160k iterations, 512x512 crops,
# ImageNet-initialised ResNetV1c) with SE in every backbone block.
_base_ = 'mmseg::upernet/upernet_r50_4xb4-160k_ade20k-512x512.py'
model = dict(backbone=dict(type='se_plugin.SESegResNetV1c'))
# Atomic saves that never lose the last checkpoint (se_plugin's hook).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
