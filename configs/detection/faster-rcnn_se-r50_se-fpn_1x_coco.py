# Faster R-CNN SE-R-50 with SEFPN: SE in the backbone and on every output
# level of the FPN.
_base_ = './faster-rcnn_se-r50_fpn_1x_coco.py'

model = dict(
    neck=dict(
        type='se_plugin.SEFPN', se_positions=('output', ),
        se_cfg=dict(ratio=16)))
