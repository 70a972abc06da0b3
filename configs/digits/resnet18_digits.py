# ResNet-18 on the digits: the baseline of se_resnet18_digits.py, the same
# model, data and schedule without SE (for the int8 comparison in
# tools/deployment/quantize_benchmark.py).
_base_ = './se_resnet18_digits.py'

model = dict(backbone=dict(se_cfg=None))
