# YOLOX-s with SE in its CSPDarknet: se_plugin.Attach builds mmdet's
# CSPDarknet and puts SE (r = 16) on the residual branch of every
# DarknetBottleneck of the CSP stages, after its second conv (3x3 + BN +
# Swish), before the sum: 8 SE modules on 32-256 channels, +16,918
# parameters (4,212,672 -> 4,229,590 in the backbone). Everything else is
# mmdet's YOLOX-s recipe.
_base_ = 'mmdet::yolox/yolox_s_8xb8-300e_coco.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(
            type='mmdet.CSPDarknet',
            deepen_factor=0.33,
            widen_factor=0.5,
            out_indices=(2, 3, 4),
            use_depthwise=False,
            spp_kernal_sizes=(5, 9, 13),
            norm_cfg=dict(type='BN', momentum=0.03, eps=0.001),
            act_cfg=dict(type='Swish')),
        inserts=[
            dict(at='stage*.*.blocks.*', after='conv2', se_cfg=dict(ratio=16))
        ]))

# mmdet's COCO reader with start-up checks of the annotations and images
# (se_plugin.CheckedCocoDataset, a drop-in; docs/user_guides/datasets.md).
# YOLOX trains on mmdet's MultiImageMixDataset around the COCO reader.
train_dataloader = dict(
    dataset=dict(dataset=dict(type='se_plugin.CheckedCocoDataset')))
val_dataloader = dict(dataset=dict(type='se_plugin.CheckedCocoDataset'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
