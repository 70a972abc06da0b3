# mmdet's ResNet-18 with SE (faster-rcnn_r18-se-anywhere_fpn_1x_coco.py) on
# the toy digits detection data, from scratch: the data, anchors and
# schedule of faster-rcnn_se-r50_fpn_digits.py.
_base_ = './faster-rcnn_se-r50_fpn_digits.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        # From scratch: BN trains and no stage is frozen (mmdet's ResNet
        # defaults to norm_eval=True).
        host=dict(
            type='mmdet.ResNet',
            depth=18,
            out_indices=(0, 1, 2, 3),
            frozen_stages=-1,
            norm_eval=False),
        inserts=[dict(at='layer*.*', after='bn2', se_cfg=dict(ratio=16))]),
    neck=dict(in_channels=[64, 128, 256, 512]))
