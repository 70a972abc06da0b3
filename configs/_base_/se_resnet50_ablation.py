"""SE-ResNet-50 of the TPAMI ablation study (Tables 11-16 of the journal
version; PAPER.md 1-2): the leaves in ``configs/ablations/`` change one SE
option each.

The study's setting as the journal describes it: ResNet-50 backbone trained
on one 8-GPU machine, the excitation FCs *without biases*, the paper's data
augmentation, lr 0.1, label smoothing. Here: 8 GPUs x 32 (total batch 256,
lr 0.1 scaled by ``auto_scale_lr``), SGD momentum 0.9, label smoothing 0.1
(mmpretrain's ``resnet50_label_smooth`` model base), ``bias=False`` in every
SE layer, Caffe-style stride (as the paper's SE-ResNet).

Left open: the journal trains each variant until the validation loss
plateaus and then divides lr by 10, three times (about 300 epochs); these
configs keep mmpretrain's fixed 100-epoch step schedule (x0.1 at 30/60/90)
so that every variant gets the same, finite budget. Compare the variants
with each other and with ``resnet50_baseline_imagenet.py``, not with the
numbers of Table 2 (different recipe).
"""
_base_ = [
    'mmpretrain::_base_/models/resnet50_label_smooth.py',
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.SEResNet',
        depth=50,
        style='caffe',
        se_cfg=dict(bias=False)))

train_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
val_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
test_dataloader = val_dataloader

auto_scale_lr = dict(base_batch_size=256, enable=True)
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
