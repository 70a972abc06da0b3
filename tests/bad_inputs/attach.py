"""Bad inputs of se_plugin.Attach (SE in any backbone) and its modules."""
import torch

from bad_inputs import case, collect
from bad_inputs.tools import DIGITS, ToolExit, run_tool, write
from se_plugin.engine.errors import OptionError

R18 = dict(type='mmdet.ResNet', depth=18)
BASIC = dict(at='layer*.*', after='bn2')


def attach(host=R18, inserts=BASIC, **kwargs):
    from se_plugin.registry import MODELS
    return MODELS.build(
        dict(type='se_plugin.Attach', host=host, inserts=inserts, **kwargs))


@case('attach-at-matches-nothing', OptionError,
      ("Attach.inserts[0].at='layers*.*'", 'a pattern that matches a module',
       "near matches: ['layer*.*'"))
def _at_nothing(tmp_path):
    attach(inserts=dict(at='layers*.*', after='bn2'))


@case('attach-module-type-matches-nothing', OptionError,
      ("at='layer*.*'", "of module_type ['Bottleneck']", 'near matches'))
def _type_nothing(tmp_path):
    attach(inserts=dict(BASIC, module_type='Bottleneck'))


@case('attach-after-not-a-submodule', OptionError,
      ("Attach.inserts[0].after='bn9'", 'a submodule of layer1.0 (BasicBlock)',
       "near matches: ['bn*'"))
def _after_missing(tmp_path):
    attach(inserts=dict(at='layer*.*', after='bn9'))


@case('attach-output-not-nchw', OptionError,
      ("Attach.inserts[0].at='layers.0'", 'a 4-D (N x C x H x W) output',
       'the output of layers.0 (TransformerEncoderLayer) is [1, 17, 192]'))
def _not_nchw(tmp_path):
    # A ViT's blocks carry N x L x C tokens.
    attach(
        host=dict(
            type='mmpretrain.VisionTransformer', arch='deit-tiny',
            img_size=64),
        inserts=dict(at='layers.*'))


@case('attach-channels-last-linear', OptionError,
      ("after='pointwise_conv1'", 'is an nn.Linear', 'channels-last'))
def _channels_last(tmp_path):
    # ConvNeXt's pointwise convs are Linears on N x H x W x C.
    attach(
        host=dict(type='mmpretrain.ConvNeXt', arch='atto'),
        inserts=dict(at='stages.*.*', after='pointwise_conv1'))


@case('attach-shared-module', OptionError,
      ("Attach.inserts[0].after='relu'", 'a module called once per forward',
       'layer1.0.relu (ReLU) is called 2 times'))
def _shared(tmp_path):
    attach(inserts=dict(at='layer*.*', after='relu'))


@case('attach-both-positions', OptionError,
      ("Attach.inserts[0].before='conv2'", "when 'after' is set"))
def _both(tmp_path):
    attach(inserts=dict(at='layer*.*', after='bn2', before='conv2'))


@case('attach-unknown-key', OptionError,
      ("Attach.inserts[0] has unknown keys ['positon']", "'at', 'after'"))
def _unknown_key(tmp_path):
    attach(inserts=dict(BASIC, positon='after'))


@case('attach-at-not-str', OptionError,
      ('Attach.inserts[0].at=3', 'a str or a non-empty list of str'))
def _at_type(tmp_path):
    attach(inserts=dict(at=3))


@case('attach-after-not-str', OptionError,
      ("Attach.inserts[0].after=['bn2']", 'a module path (str)'))
def _after_type(tmp_path):
    attach(inserts=dict(at='layer*.*', after=['bn2']))


@case('attach-no-at', OptionError,
      ('Attach.inserts[0].at=None', 'a module path pattern'))
def _no_at(tmp_path):
    attach(inserts=dict(after='bn2'))


@case('attach-se-cfg-not-a-dict', OptionError,
      ('Attach.inserts[0].se_cfg=16', 'allowed: a dict'))
def _se_cfg_type(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=16))


@case('attach-se-cfg-bad-ratio', OptionError,
      ("Attach.inserts[0] at 'layer1.0' (64 channels)", 'ratio=128',
       'squeeze width of 0'))
def _se_cfg_ratio(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(ratio=128)))


@case('attach-se-cfg-unknown-option', OptionError,
      ('Attach.inserts[0].se_cfg', "unknown keys ['reduction']", 'allowed'))
def _se_cfg_option(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(reduction=16)))


@case('attach-se-cfg-unknown-type', OptionError,
      ("Attach.inserts[0].se_cfg.type='SqueezeExcite'", 'registered'))
def _se_cfg_kind(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(type='SqueezeExcite')))


@case('attach-ratio-of-bad', OptionError,
      ("Attach.inserts[0].ratio_of='input'", "'channels', 'block_input'"))
def _ratio_of(tmp_path):
    attach(inserts=dict(BASIC, ratio_of='input'))


@case('attach-ratio-of-needs-selayer', OptionError,
      ("Attach.inserts[0].se_cfg={'type': 'se_plugin.ECALayer'}",
       "ratio_of='block_input'"))
def _ratio_of_eca(tmp_path):
    attach(
        inserts=dict(
            BASIC,
            ratio_of='block_input',
            se_cfg=dict(type='se_plugin.ECALayer')))


@case('attach-two-in-one-owner', OptionError,
      ('one attention module into each owner', "not two into ['layer1.0',"))
def _twice(tmp_path):
    attach(inserts=[BASIC, dict(at='layer1.*', after='bn1')])


@case('attach-owner-has-se', OptionError,
      ("Attach.inserts[0] at 'layer1.0'", "SEBasicBlock.se='SELayer'",
       'an owner without an attribute se'))
def _has_se(tmp_path):
    attach(host=dict(type='se_plugin.SEResNet', depth=18),
           inserts=dict(at='layer*.*', after='bn2'))


@case('attach-host-not-a-config', OptionError,
      ("Attach.host='ResNet'", "a dict with a 'type' key"))
def _host(tmp_path):
    attach(host='ResNet')


@case('attach-inserts-empty', OptionError,
      ('Attach.inserts=[]', 'non-empty list'))
def _empty(tmp_path):
    attach(inserts=[])


@case('attach-probe-fails', OptionError,
      ('Attach.probe_shape=(1, 64, 64)',
       'an input shape the host ResNet takes', 'on (1, *probe_shape) it fails'))
def _probe(tmp_path):
    attach(probe_shape=(1, 64, 64))


@case('attach-eca-even-kernel', OptionError,
      ('ECALayer.kernel_size=4', 'an odd int >= 1'))
def _eca_kernel(tmp_path):
    from se_plugin.models import ECALayer
    ECALayer(64, kernel_size=4)


# -1 % 2 == 1 in Python: a negative odd size is refused by its sign.
@case('attach-eca-negative-kernel', OptionError,
      ('ECALayer.kernel_size=-1', 'an odd int >= 1'))
def _eca_negative_kernel(tmp_path):
    from se_plugin.models import ECALayer
    ECALayer(64, kernel_size=-1)


@case('attach-cbam-negative-kernel', OptionError,
      ('CBAM.spatial_kernel=-7', 'an odd int >= 1'))
def _cbam_negative_kernel(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, spatial_kernel=-7)


@case('attach-cbam-even-kernel', OptionError,
      ('CBAM.spatial_kernel=6', 'an odd int >= 1'))
def _cbam_kernel(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, spatial_kernel=6)


@case('attach-cbam-bad-ratio', OptionError, ('ratio=128', 'in_channels=64'))
def _cbam_ratio(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, ratio=128)


# A bool is never a number: True would pass as 1.
@case('attach-eca-in_channels-bool', OptionError,
      ('ECALayer.in_channels=True', 'an int >= 1'))
def _eca_bool(tmp_path):
    from se_plugin.models import ECALayer
    ECALayer(True)


@case('attach-eca-kernel_size-bool', OptionError,
      ('ECALayer.kernel_size=True', 'an odd int >= 1 or None'))
def _eca_kernel_bool(tmp_path):
    from se_plugin.models import ECALayer
    ECALayer(64, kernel_size=True)


@case('attach-cbam-spatial_kernel-bool', OptionError,
      ('CBAM.spatial_kernel=True', 'an odd int >= 1'))
def _cbam_kernel_bool(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, spatial_kernel=True)


@case('attach-cbam-ratio-bool', OptionError,
      ('CBAM.ratio=True', 'a finite number > 0'))
def _cbam_ratio_bool(tmp_path):
    from se_plugin.models import CBAM
    CBAM(64, ratio=True)


@case('attach-gc-ratio-bool', OptionError,
      ('ContextBlock.ratio=True', 'a finite number > 0'))
def _gc_ratio_bool(tmp_path):
    attach(inserts=dict(BASIC, se_cfg=dict(type='ContextBlock', ratio=True)))


@case('attach-gc-pooling_type', OptionError,
      ("ContextBlock.pooling_type='max'", "('att', 'avg')"))
def _gc_pooling(tmp_path):
    from se_plugin.models import build_se
    build_se(dict(type='ContextBlock', ratio=1 / 4, pooling_type='max'), 64)


@case('attach-gc-ratio-too-small', OptionError,
      ('ContextBlock.ratio=0.01', 'int(ratio * in_channels) >= 1',
       'in_channels=64'))
def _gc_ratio_small(tmp_path):
    from se_plugin.models import build_se
    build_se(dict(type='ContextBlock', ratio=0.01), 64)


@case('attach-set_fast_path-int', OptionError,
      ('set_fast_path.enabled=1', '(False, True)'))
def _fast_path_int(tmp_path):
    from se_plugin.models.blocks import set_fast_path
    set_fast_path(1)


@case('attach-se-removed-after-build', RuntimeError,
      ('BasicBlock.se is gone', 'fuse_conv_bn'))
def _removed(tmp_path):
    model = attach()
    del model.layer1[0]._modules['se']
    model(torch.zeros(1, 3, 32, 32))


@case('attach-owner-norm-layer', OptionError,
      ("owner='BatchNorm2d'", 'not a norm layer', "after='<it>'"))
def _norm_owner(tmp_path):
    attach(inserts=dict(at='layer*.*.bn2'))


@case('attach-target-outside-owner', OptionError,
      ("target='Conv2d'", 'allowed: Sequential or a descendant'))
def _outside(tmp_path):
    from torch import nn

    from se_plugin.models.backbones.se_attach import attach_se
    attach_se(nn.Sequential(nn.Conv2d(8, 8, 1)), dict(), 8, nn.Conv2d(8, 8, 1))


@case('attach-typo-through-train-py', ToolExit,
      ('exit status 1', "Attach.inserts[0].at='layers*.*'",
       "near matches: ['layer*.*'"))
def _typo_train(tmp_path):
    # The demo's config with its backbone as an Attach with a typo in `at`:
    # one error line from the tool, not a traceback (run_tool checks).
    config = write(
        tmp_path / 'typo.py', f"_base_ = [{DIGITS!r}]\n"
        'model = dict(backbone=dict(_delete_=True, type="se_plugin.Attach", '
        'host=dict(type="mmdet.ResNet", depth=18), '
        'inserts=dict(at="layers*.*", after="bn2")))\n')
    run_tool('train.py', [config, '--work-dir', tmp_path / 'work'])


CASES = collect(globals())
