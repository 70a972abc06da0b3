"""RegNetY-400MF (Radosavovic et al., CVPR 2020): mmpretrain's RegNet with
SE attached after each block's 3x3 group conv (+BN+ReLU, i.e. on the input
of ``conv3``), squeeze width 1/4 of the block's input channels.

Exactly timm's ``regnety_004``: 4,344,144 parameters with the 1000-class
head, and its converted weights give its logits. The recipe is mmpretrain's
RegNetX-400MF one (pycls: batch 1024, lr 0.8, nesterov, cosine, 100 epochs,
lighting, precise BN), with pycls's BGR input normalisation; timm's weights
take RGB inputs, which the config the converter writes uses.
"""
_base_ = 'mmpretrain::regnet/regnetx-400mf_8xb128_in1k.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='se_plugin.Attach',
        host=dict(
            type='mmpretrain.RegNet',
            arch=dict(
                w0=48, wa=27.89, wm=2.09, group_w=8, depth=16, bot_mul=1.0)),
        inserts=[
            dict(
                at='layer*.*',
                before='conv3',
                ratio_of='block_input',
                se_cfg=dict(ratio=4))
        ]),
    head=dict(in_channels=440))
train_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
val_dataloader = dict(dataset=dict(type='se_plugin.ImageNet'))
test_dataloader = val_dataloader
# Atomic saves that never remove a checkpoint before the next is complete,
# strict loads (docs/user_guides/checkpoints.md).
default_hooks = dict(checkpoint=dict(type='se_plugin.SafeCheckpointHook'))
