"""mmpretrain's ResNet-50 classifier whose backbone is mmpretrain's own
ResNet-50 (Caffe-style stride, as the paper's models) built through
``se_plugin.Attach``. Leaves give ``inserts``: SE, ECA, CBAM or GC in the same
slot, so the attention configs are one option apart."""
_base_ = 'mmpretrain::_base_/models/resnet50.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(type='mmpretrain.ResNet', depth=50, style='caffe')))
