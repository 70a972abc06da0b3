# YOLOX-s with the SE CSPDarknet on the toy digits detection data (COCO
# format, 10 classes, 128x128 canvases), from scratch:
#   python tools/dataset_converters/prepare_digits_coco.py data/digits_coco
#   python tools/train.py \
#       configs/yolox/digits/yolox_s_se-cspdarknet_digits.py
# What differs from COCO, and why: 128 px canvases, so mosaic / mixup /
# affine work at 128 and the batch sizes are drawn from 96-160 px; no flip
# (a mirrored digit is another glyph); 15 epochs (100 iterations each) with
# the last 3 without the strong augmentation, instead of 300 and 15.
_base_ = '../yolox_s_se-cspdarknet_8xb8-300e_coco.py'

data_root = 'data/digits_coco/'
metainfo = dict(classes=tuple(str(i) for i in range(10)))
img_scale = (128, 128)
max_epochs = 15
num_last_epochs = 3

model = dict(
    data_preprocessor=dict(batch_augments=[
        dict(
            type='BatchSyncRandomResize',
            random_size_range=(96, 160),
            size_divisor=32,
            interval=10)
    ]),
    bbox_head=dict(num_classes=10))

# Both pipelines end on the canvas, padded to a square as YOLOX's do.
resize_pad = [
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Pad', pad_to_square=True,
         pad_val=dict(img=(114.0, 114.0, 114.0))),
]
train_pipeline = [
    dict(type='Mosaic', img_scale=img_scale, pad_val=114.0),
    dict(
        type='RandomAffine',
        scaling_ratio_range=(0.5, 1.5),
        border=(-img_scale[0] // 2, -img_scale[1] // 2)),
    dict(type='MixUp', img_scale=img_scale, ratio_range=(0.8, 1.6),
         pad_val=114.0),
    dict(type='YOLOXHSVRandomAug'),
    *resize_pad,
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1, 1), keep_empty=False),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    *resize_pad,
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        pipeline=train_pipeline,
        dataset=dict(
            data_root=data_root,
            metainfo=metainfo,
            ann_file='annotations/instances_train.json',
            data_prefix=dict(img='train/'),
            filter_cfg=dict(filter_empty_gt=False, min_size=8))))
val_dataloader = dict(
    train_dataloader,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/instances_val.json',
        data_prefix=dict(img='val/'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val.json')
test_evaluator = val_evaluator

train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(type='mmdet.QuadraticWarmupLR', by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0.01 * 0.05, begin=2,
         T_max=max_epochs - num_last_epochs, end=max_epochs - num_last_epochs,
         by_epoch=True, convert_to_iter_based=True),
    dict(type='ConstantLR', by_epoch=True, factor=1,
         begin=max_epochs - num_last_epochs, end=max_epochs)
]
custom_hooks = [
    dict(type='YOLOXModeSwitchHook', num_last_epochs=num_last_epochs,
         priority=48),
    dict(type='SyncNormHook', priority=48),
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0001,
         update_buffers=True, priority=49)
]
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=5))
auto_scale_lr = dict(base_batch_size=4)
