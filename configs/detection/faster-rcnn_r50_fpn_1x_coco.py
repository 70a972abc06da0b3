# Table 6 baseline, FPN recipe. The backbone is se_plugin's SEResNet with SE
# switched off, which is exactly mmpretrain's ResNet-50: baseline and SE
# models then share one class, one recipe and one checkpoint format (an
# se_plugin or mmpretrain ImageNet classifier); only `se_cfg` differs.
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

checkpoint = 'checkpoints/resnet50_imagenet.pth'
model = dict(backbone=dict(se_cfg=None, init_cfg=dict(checkpoint=checkpoint)))
