# Gastaldi (2017, Sec. 2.1, CIFAR-10): SGD, momentum 0.9, weight decay 1e-4,
# batch 128, lr 0.2 cosine-annealed to 0 without restarts over 1800 epochs;
# Cutout (DeVries & Taylor, 2017) is added in the leaves.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, T_max=1800, eta_min=0)
train_cfg = dict(by_epoch=True, max_epochs=1800, val_interval=20)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128)
