# CIFAR-100 in its python layout (data/cifar100/cifar-100-python/, read by
# se_plugin.CheckedCIFAR100: never downloads): cifar10.py (the SE paper's
# augmentation, batch 128) with CIFAR-100's files, classes, mean and std.
_base_ = ['./cifar10.py']

# The CIFAR-100 training set's per-channel mean and std (RGB files).
model = dict(
    head=dict(num_classes=100),
    data_preprocessor=dict(
        num_classes=100,
        mean=[129.304, 124.070, 112.434],
        std=[68.170, 65.392, 70.418]))

data_root = 'data/cifar100'
train_dataloader = dict(
    dataset=dict(type='se_plugin.CheckedCIFAR100', data_root=data_root))
val_dataloader = dict(
    dataset=dict(type='se_plugin.CheckedCIFAR100', data_root=data_root))
test_dataloader = val_dataloader
