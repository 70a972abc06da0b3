"""FcaNet-ResNet-50 (Qin et al., FcaNet, ICCV 2021): ``se_resnet50_imagenet.py``
with FcaNet's multi-spectral attention in SE's slot: SE's two FC layers on a
squeeze by the top-16 2-D DCT frequencies instead of the average, on a DCT
grid of 56, 28, 14, 7 in the four stages (FcaNet's ResNets). The DCT weights
are fixed: 28,088,024 parameters, SE-ResNet-50's.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at=f'layer{i + 1}.*', after='bn3',
         se_cfg=dict(type='se_plugin.MultiSpectralAttention', ratio=16,
                     dct_size=size))
    for i, size in enumerate((56, 28, 14, 7))
]))
