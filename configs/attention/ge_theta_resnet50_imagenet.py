"""GE-theta-ResNet-50 (Hu et al., Gather-Excite, NeurIPS 2018):
``se_resnet50_imagenet.py`` with the parametric Gather-Excite in SE's slot:
a depthwise conv whose kernel is the whole map (56, 28, 14, 7 in the four
stages at 224 x 224, unpadded, no bias), a BN, no MLP, a sigmoid gate (the
authors' RN50-GEP.prototxt). The kernels fix the input at 224 x 224.
"""
_base_ = [
    '../_base_/models/attach_resnet50.py', '../_base_/imagenet_paper.py'
]

model = dict(backbone=dict(inserts=[
    dict(at=f'layer{i + 1}.*', after='bn3',
         se_cfg=dict(type='se_plugin.GatherExcite', extra_params=True,
                     feat_size=size, use_mlp=False))
    for i, size in enumerate((56, 28, 14, 7))
]))
