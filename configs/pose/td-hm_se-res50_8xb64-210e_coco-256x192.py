# mmpose's SimpleBaseline ResNet-50 recipe on COCO keypoints (top-down
# heatmaps, 256x192, 210 epochs, torchvision ImageNet init) with SE in every
# backbone block.
_base_ = ('mmpose::body_2d_keypoint/topdown_heatmap/coco/'
          'td-hm_res50_8xb64-210e_coco-256x192.py')
model = dict(backbone=dict(type='se_plugin.SEPoseResNet'))
# Atomic saves that never lose the last checkpoint (se_plugin's hook).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
