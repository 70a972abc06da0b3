# He et al. (2016a, Sec. 4.2; 2016b for the pre-activation nets): SGD, momentum
# 0.9, weight decay 1e-4, batch 128, lr 0.1 divided by 10 at 32k and 48k
# iterations, 64k in all: epochs 82, 123 and 164 at 391 iterations each.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[82, 123], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=164, val_interval=4)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
