# schedule_resnet.py with He et al.'s (2016a, Sec. 4.2) warm-up for
# ResNet-110: lr 0.01 for the first 400 iterations, then 0.1.
_base_ = ['./schedule_resnet.py']

param_scheduler = [
    dict(type='ConstantLR', factor=0.1, by_epoch=False, begin=0, end=400),
    dict(type='MultiStepLR', by_epoch=True, milestones=[82, 123], gamma=0.1)
]
