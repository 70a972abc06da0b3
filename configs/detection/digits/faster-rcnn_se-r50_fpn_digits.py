# The SE-R-50 FPN 1x config, unchanged in structure, trained from scratch on
# the toy digits detection data (COCO format, 10 classes, 128x128 canvases):
#   python tools/dataset_converters/prepare_digits_coco.py data/digits_coco
#   python tools/train.py \
#       configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py
# What differs from COCO, and why: no ImageNet weights (nothing is
# downloaded), so BN is trained and no stage is frozen; smaller anchors and
# fewer proposals/samples for ~3.5 small objects per small image; no flip
# (a mirrored digit is another glyph); mmdet's 12-epoch 1x schedule
# with a 100-iteration warm-up (an epoch is 100 iterations here).
_base_ = '../faster-rcnn_se-r50_fpn_1x_coco.py'

data_root = 'data/digits_coco/'
metainfo = dict(classes=tuple(str(i) for i in range(10)))
img_scale = (128, 128)  # the canvas size of prepare_digits_coco.py

model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, init_cfg=None),
    rpn_head=dict(anchor_generator=dict(scales=[4])),
    roi_head=dict(bbox_head=dict(num_classes=10)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=100),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=100)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
train_dataloader, val_dataloader = [
    dict(
        batch_size=4,
        num_workers=0,
        persistent_workers=False,
        dataset=dict(
            data_root=data_root,
            metainfo=metainfo,
            ann_file=f'annotations/instances_{split}.json',
            data_prefix=dict(img=f'{split}/'),
            pipeline=pipeline))
    for split, pipeline in (('train', train_pipeline), ('val', test_pipeline))
]
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val.json')
test_evaluator = val_evaluator

# mmdet's lr (0.02) kept for 4 images per batch: from scratch, the larger
# step learns the toy task within a few hundred iterations on a CPU.
optim_wrapper = dict(optimizer=dict(lr=0.02))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', begin=0, end=12, by_epoch=True,
         milestones=[8, 11], gamma=0.1)
]
default_hooks = dict(logger=dict(interval=10))
auto_scale_lr = dict(base_batch_size=4)
