"""Bad inputs of se_plugin.Attach (SE in any backbone) and its modules."""
import torch

from bad_inputs import case, collect

R18 = dict(type='mmdet.ResNet', depth=18)
BASIC = dict(at='layer*.*', after='bn2')


def attach(host=R18, inserts=BASIC, **kwargs):
    from se_plugin.registry import MODELS
    return MODELS.build(
        dict(type='se_plugin.Attach', host=host, inserts=inserts, **kwargs))


@case('attach-at-matches-nothing', ValueError,
      ("Attach.inserts[0].at='layers*.*'", 'matches no module',
       "near matches: ['layer*.*'"))
def _at_nothing(tmp_path):
    attach(inserts=dict(at='layers*.*', after='bn2'))


@case('attach-module-type-matches-nothing', ValueError,
      ("at='layer*.*'", "of module_type ['Bottleneck']", 'near matches'))
def _type_nothing(tmp_path):
    attach(inserts=dict(BASIC, module_type='Bottleneck'))


@case('attach-after-not-a-submodule', ValueError,
      ("Attach.inserts[0].after='bn9'", 'layer1.0 (BasicBlock)',
       "near matches: ['bn*'"))
def _after_missing(tmp_path):
    attach(inserts=dict(at='layer*.*', after='bn9'))


@case('attach-output-not-nchw', ValueError,
      ('Attach.inserts[0]: the output of layers.0 (TransformerEncoderLayer)',
       '[1, 17, 192]', 'not an N x C x H x W tensor'))
def _not_nchw(tmp_path):
    # A ViT's blocks carry N x L x C tokens.
    attach(
        host=dict(
            type='mmpretrain.VisionTransformer', arch='deit-tiny',
            img_size=64),
        inserts=dict(at='layers.*'))


@case('attach-channels-last-linear', ValueError,
      ("after='pointwise_conv1'", 'is an nn.Linear', 'channels-last'))
def _channels_last(tmp_path):
    # ConvNeXt's pointwise convs are Linears on N x H x W x C.
    attach(
        host=dict(type='mmpretrain.ConvNeXt', arch='atto'),
        inserts=dict(at='stages.*.*', after='pointwise_conv1'))


@case('attach-shared-module', ValueError,
      ('layer1.0.relu (ReLU) is called 2 times', 'called once'))
def _shared(tmp_path):
    attach(inserts=dict(at='layer*.*', after='relu'))


@case('attach-both-positions', ValueError,
      ("Attach.inserts[0] sets both 'after' and 'before'", ))
def _both(tmp_path):
    attach(inserts=dict(at='layer*.*', after='bn2', before='conv2'))


@case('attach-unknown-key', ValueError,
      ("Attach.inserts[0] has unknown keys ['positon']", "'at', 'after'"))
def _unknown_key(tmp_path):
    attach(inserts=dict(BASIC, positon='after'))


@case('attach-at-not-str', TypeError,
      ('Attach.inserts[0].at=3', 'must be a str or a non-empty list of str'))
def _at_type(tmp_path):
    attach(inserts=dict(at=3))


@case('attach-after-not-str', TypeError,
      ("Attach.inserts[0].after=['bn2']", 'must be a module path (str)'))
def _after_type(tmp_path):
    attach(inserts=dict(at='layer*.*', after=['bn2']))


@case('attach-no-at', ValueError, ("Attach.inserts[0] needs 'at'", ))
def _no_at(tmp_path):
    attach(inserts=dict(after='bn2'))


@case('attach-se-cfg-not-a-dict', TypeError,
      ('Attach.inserts[0].se_cfg=16', 'allowed: a dict'))
def _se_cfg_type(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=16))


@case('attach-se-cfg-bad-ratio', ValueError,
      ("Attach.inserts[0] at 'layer1.0' (64 channels)", 'ratio=128',
       'squeeze width of 0'))
def _se_cfg_ratio(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(ratio=128)))


@case('attach-se-cfg-unknown-option', TypeError,
      ('Attach.inserts[0].se_cfg', "unknown keys ['reduction']", 'allowed'))
def _se_cfg_option(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(reduction=16)))


@case('attach-se-cfg-unknown-type', ValueError,
      ("Attach.inserts[0].se_cfg.type='SqueezeExcite'", 'registered'))
def _se_cfg_kind(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(type='SqueezeExcite')))


@case('attach-ratio-of-bad', ValueError,
      ("Attach.inserts[0].ratio_of='input'", "'channels', 'block_input'"))
def _ratio_of(tmp_path):
    attach(inserts=dict(BASIC, ratio_of='input'))


@case('attach-ratio-of-needs-selayer', ValueError,
      ("ratio_of='block_input'", "'type': 'se_plugin.ECALayer'"))
def _ratio_of_eca(tmp_path):
    attach(
        inserts=dict(
            BASIC,
            ratio_of='block_input',
            se_cfg=dict(type='se_plugin.ECALayer')))


@case('attach-two-in-one-owner', ValueError,
      ("two attention modules into ['layer1.0',", 'each owner takes one'))
def _twice(tmp_path):
    attach(inserts=[BASIC, dict(at='layer1.*', after='bn1')])


@case('attach-owner-has-se', ValueError, ("already has an attribute 'se'", ))
def _has_se(tmp_path):
    attach(host=dict(type='se_plugin.SEResNet', depth=18),
           inserts=dict(at='layer*.*', after='bn2'))


@case('attach-host-not-a-config', TypeError,
      ("Attach.host='ResNet'", "with a 'type'"))
def _host(tmp_path):
    attach(host='ResNet')


@case('attach-inserts-empty', TypeError,
      ('Attach.inserts=[]', 'non-empty list'))
def _empty(tmp_path):
    attach(inserts=[])


@case('attach-probe-fails', ValueError,
      ('fails on a probe input of shape (1, *probe_shape=(1, 64, 64))',
       'set probe_shape'))
def _probe(tmp_path):
    attach(probe_shape=(1, 64, 64))


@case('attach-eca-even-kernel', ValueError,
      ('kernel_size=4', 'must be an odd int'))
def _eca_kernel(tmp_path):
    from se_plugin.models import ECALayer
    ECALayer(64, kernel_size=4)


@case('attach-cbam-even-kernel', ValueError,
      ('spatial_kernel=6', 'must be an odd int'))
def _cbam_kernel(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, spatial_kernel=6)


@case('attach-cbam-bad-ratio', ValueError, ('ratio=128', 'in_channels=64'))
def _cbam_ratio(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, ratio=128)


@case('attach-se-removed-after-build', RuntimeError,
      ('layer1.0.se is gone', 'fuse_conv_bn'))
def _removed(tmp_path):
    model = attach()
    del model.layer1[0]._modules['se']
    model(torch.zeros(1, 3, 32, 32))


CASES = collect(globals())
