"""Bad model options and inputs: each is refused before anything big is
built, with an error naming the class and key, the value and what is
allowed (see docs/user_guides/validation.md)."""
import math

import torch

from bad_inputs import case, collect
from se_plugin.models import (MultiLevelSE, SEBNInception, SEFPN,
                              SEInceptionResNetV2, SELayer, SEMobileNetV1,
                              SENet154, SEResLayer, SEResNet, SEResNeXt,
                              SEShuffleNetV1, SEVGG)
from se_plugin.models.backbones import DropoutLinearClsHead
from se_plugin.models.blocks import SEBasicBlock, SEBottleneck

NUMBER = 'a finite number > 0'
INT_OR_NONE = 'an int >= 1 or None'
BOOL = '(False, True)'
CFG = "a dict with a 'type' key"
FPN_IN = [8, 16, 32, 64]


def _excite(layer, x):
    with torch.no_grad():
        layer.eval()(x)


# ---------------------------------------------------------------- SELayer
@case('models-selayer-ratio-bool', ValueError,
      ('SELayer.ratio=True', NUMBER))
def _ratio_bool(tmp_path):
    SELayer(8, ratio=True)  # was r=1


@case('models-selayer-ratio-nan', ValueError, ('SELayer.ratio=nan', NUMBER))
def _ratio_nan(tmp_path):
    SELayer(8, ratio=math.nan)


@case('models-selayer-ratio-inf', ValueError, ('SELayer.ratio=inf', NUMBER))
def _ratio_inf(tmp_path):
    SELayer(8, ratio=math.inf)


@case('models-selayer-ratio-str', ValueError, ("SELayer.ratio='16'", NUMBER))
def _ratio_str(tmp_path):
    SELayer(8, ratio='16')


@case('models-selayer-ratio-zero', ValueError, ('SELayer.ratio=0', NUMBER))
def _ratio_zero(tmp_path):
    SELayer(8, ratio=0)


@case('models-selayer-ratio-too-large', ValueError,
      ('ratio=16', 'squeeze width of 0', 'in_channels=8', 'ratio <= 8'))
def _ratio_large(tmp_path):
    SELayer(8)


@case('models-selayer-squeeze_channels-bool', ValueError,
      ('SELayer.squeeze_channels=True', INT_OR_NONE))
def _squeeze_channels_bool(tmp_path):
    SELayer(8, squeeze_channels=True)


@case('models-selayer-squeeze_channels-float', ValueError,
      ('SELayer.squeeze_channels=4.0', INT_OR_NONE))
def _squeeze_channels_float(tmp_path):
    SELayer(8, squeeze_channels=4.0)


@case('models-selayer-squeeze_channels-zero', ValueError,
      ('SELayer.squeeze_channels=0', INT_OR_NONE))
def _squeeze_channels_zero(tmp_path):
    SELayer(8, squeeze_channels=0)


@case('models-selayer-ratio-with-squeeze_channels', ValueError,
      ('SELayer.ratio=4', 'squeeze_channels=2', 'ratio=16'))
def _ratio_ignored(tmp_path):
    SELayer(8, ratio=4, squeeze_channels=2)


@case('models-selayer-divisor-with-squeeze_channels', ValueError,
      ('SELayer.divisor=8', 'squeeze_channels=2', 'divisor=None'))
def _divisor_ignored(tmp_path):
    SELayer(8, divisor=8, squeeze_channels=2)


@case('models-selayer-divisor-bool', ValueError,
      ('SELayer.divisor=True', INT_OR_NONE))
def _divisor_bool(tmp_path):
    SELayer(8, ratio=2, divisor=True)


@case('models-selayer-divisor-zero', ValueError,
      ('SELayer.divisor=0', INT_OR_NONE))
def _divisor_zero(tmp_path):
    SELayer(8, ratio=2, divisor=0)


@case('models-selayer-bias-str', ValueError, ("SELayer.bias='no'", BOOL))
def _bias_str(tmp_path):
    SELayer(8, ratio=2, bias='no')  # kept the biases


@case('models-selayer-bias-int', ValueError, ('SELayer.bias=0', BOOL))
def _bias_int(tmp_path):
    SELayer(8, ratio=2, bias=0)


@case('models-selayer-squeeze-name', ValueError,
      ("SELayer.squeeze='mean'", "('avg', 'max', 'none')"))
def _squeeze_name(tmp_path):
    SELayer(8, ratio=2, squeeze='mean')


@case('models-selayer-gate-name', ValueError,
      ("SELayer.gate='softmax'", "'sigmoid', 'tanh', 'relu', 'hsigmoid'"))
def _gate_name(tmp_path):
    SELayer(8, ratio=2, gate='softmax')


@case('models-selayer-act_cfg-str', ValueError,
      ("SELayer.act_cfg='relu'", CFG))
def _act_cfg_str(tmp_path):
    SELayer(8, ratio=2, act_cfg='relu')


@case('models-selayer-act_cfg-no-type', ValueError,
      ("SELayer.act_cfg={'inplace': True}", CFG))
def _act_cfg_no_type(tmp_path):
    SELayer(8, ratio=2, act_cfg=dict(inplace=True))


@case('models-selayer-act_cfg-unknown', ValueError,
      ("SELayer.act_cfg={'type': 'Swishy'}", 'an activation config',
       'Swishy'))
def _act_cfg_unknown(tmp_path):
    SELayer(8, ratio=2, act_cfg=dict(type='Swishy'))


@case('models-selayer-cpu_kernel-int', ValueError,
      ('SELayer.cpu_kernel=1', BOOL))
def _cpu_kernel_int(tmp_path):
    SELayer(8, ratio=2, cpu_kernel=1)


@case('models-selayer-cpu_kernel-gate', ValueError,
      ('cpu_kernel=True', "gate='tanh'", "'sigmoid'"))
def _cpu_kernel_gate(tmp_path):
    SELayer(8, ratio=2, gate='tanh', cpu_kernel=True)


@case('models-selayer-in_channels-bool', ValueError,
      ('SELayer.in_channels=True', 'an int >= 1'))
def _in_channels_bool(tmp_path):
    SELayer(True, squeeze_channels=1)


@case('models-selayer-in_channels-float', ValueError,
      ('SELayer.in_channels=8.0', 'an int >= 1'))
def _in_channels_float(tmp_path):
    SELayer(8.0, ratio=2)


@case('models-selayer-init_cfg-str', ValueError,
      ("SELayer.init_cfg='kaiming'", 'None, a dict or a list of dicts'))
def _init_cfg_str(tmp_path):
    SELayer(8, ratio=2, init_cfg='kaiming')


@case('models-selayer-input-channels', ValueError,
      ('SELayer(in_channels=8)', 'N x 8 x H x W', 'got shape (2, 4, 3, 3)'))
def _input_channels(tmp_path):
    _excite(SELayer(8, ratio=2), torch.rand(2, 4, 3, 3))  # mat1 and mat2


@case('models-selayer-input-3d', ValueError,
      ('N x 8 x H x W', 'got shape (8, 3, 3)'))
def _input_3d(tmp_path):
    _excite(SELayer(8, ratio=2), torch.rand(8, 3, 3))  # was an IndexError


@case('models-selayer-input-empty-map', ValueError,
      ('H, W >= 1', 'got shape (2, 8, 0, 3)'))
def _input_empty(tmp_path):
    _excite(SELayer(8, ratio=2), torch.rand(2, 8, 0, 3))  # ZeroDivision


@case('models-selayer-input-no-squeeze-3d', ValueError,
      ('N x 8 x H x W', 'got shape (8, 3, 3)'))
def _input_none_3d(tmp_path):
    _excite(SELayer(8, ratio=2, squeeze='none'), torch.rand(8, 3, 3))


@case('models-selayer-kernel-input-channels', ValueError,
      ('SELayer(in_channels=8)', 'N x 8 x H x W', 'got shape (1, 16, 4, 4)'))
def _kernel_input_channels(tmp_path):
    _excite(SELayer(8, ratio=2, cpu_kernel=True), torch.rand(1, 16, 4, 4))


@case('models-selayer-kernel-input-empty-map', ValueError,
      ('H, W >= 1', 'got shape (1, 8, 4, 0)'))
def _kernel_input_empty(tmp_path):
    _excite(SELayer(8, ratio=2, cpu_kernel=True), torch.rand(1, 8, 4, 0))


# ----------------------------------------------------------------- se_cfg
@case('models-se_cfg-unknown-key', TypeError,
      ('SEResNet.se_cfg', "['rato']", "'ratio'"))
def _se_cfg_key(tmp_path):
    SEResNet(depth=18, se_cfg=dict(rato=8))


@case('models-se_cfg-in_channels-key', TypeError,
      ('SEResNet.se_cfg', "['in_channels']", "'squeeze_channels'"))
def _se_cfg_in_channels(tmp_path):
    SEResNet(depth=18, se_cfg=dict(in_channels=8))


@case('models-se_cfg-not-a-dict', TypeError,
      ("SEVGG.se_cfg='on'", 'a dict', 'or None'))
def _se_cfg_str(tmp_path):
    SEVGG(depth=11, se_cfg='on')


@case('models-se_cfg-ratio-bool', ValueError,
      ('SEResNet.se_cfg.ratio=True', NUMBER))
def _se_cfg_ratio(tmp_path):
    SEResNet(depth=18, se_cfg=dict(ratio=True))


@case('models-se_cfg-gate-name', ValueError,
      ("SEMobileNetV1.se_cfg.gate='swish'", "'sigmoid'"))
def _se_cfg_gate(tmp_path):
    SEMobileNetV1(se_cfg=dict(gate='swish'))


@case('models-se_cfg-unregistered-type', ValueError,
      ("SEShuffleNetV1.se_cfg.type='NoSuchAttention'", 'registered'))
def _se_cfg_type(tmp_path):
    SEShuffleNetV1(se_cfg=dict(type='NoSuchAttention'))


@case('models-se_cfg-placement-name', ValueError,
      ("SEResNet.se_placement='middle'", "'standard', 'pre', 'post'"))
def _placement_name(tmp_path):
    SEResNet(depth=18, se_placement='middle')


@case('models-se_cfg-placement-3x3-basic', ValueError,
      ("se_placement='3x3'", 'depth=18', '(50, 101, 152)'))
def _placement_3x3(tmp_path):
    SEResNet(depth=18, se_placement='3x3')


@case('models-se_cfg-stages-length', ValueError,
      ('SEResNet.se_stages=(True, False)', 'a tuple of 4 bools'))
def _stages_length(tmp_path):
    SEResNet(depth=18, se_stages=(True, False))


@case('models-se_cfg-stages-ints', ValueError,
      ('SEResNet.se_stages=(1, 1, 1, 1)', 'a tuple of 4 bools'))
def _stages_ints(tmp_path):
    SEResNet(depth=18, se_stages=(1, 1, 1, 1))


# ---------------------------------------------------------- SE-ResNet(-Xt)
def _resnet_case(key, value, allowed, what=None, **extra):
    """A case of ``SEResNet(depth=18, key=value)``."""

    def action(tmp_path):
        SEResNet(**dict(dict(depth=18), **extra, **{key: value}))

    words = (f'SEResNet.{key}={value!r}', allowed)
    return case(f'models-seresnet-{key}-{what or value}', ValueError,
                words)(action)


_resnet_cases = [
    _resnet_case('depth', 50.0, '(18, 34, 50, 101, 152)'),
    _resnet_case('depth', 51, '(18, 34, 50, 101, 152)'),
    _resnet_case('num_stages', 5, 'an int in 1..4'),
    _resnet_case('num_stages', True, 'an int in 1..4'),
    _resnet_case('strides', (1, 2, 2), 'a sequence of 4 ints >= 1',
                 'short'),
    _resnet_case('strides', (1, 0, 2, 2), 'a sequence of 4 ints >= 1',
                 'zero'),
    _resnet_case('dilations', (1, 1), 'a sequence of 4 ints >= 1'),
    _resnet_case('out_indices', (4, ), 'distinct ints in [0, 3]', '4'),
    _resnet_case('out_indices', (-1, ), 'distinct ints in [0, 3]',
                 'negative'),
    _resnet_case('out_indices', (3, 3), 'distinct ints in [0, 3]',
                 'repeated'),
    _resnet_case('out_indices', (), 'a non-empty sequence', 'empty'),
    _resnet_case('style', 'tf', "('pytorch', 'caffe')"),
    _resnet_case('frozen_stages', 7, 'an int in -1..4'),
    _resnet_case('frozen_stages', True, 'an int in -1..4'),
    _resnet_case('deep_stem', 'yes', BOOL),
    _resnet_case('avg_down', 1, BOOL),
    _resnet_case('norm_eval', None, BOOL),
    _resnet_case('with_cp', 'no', BOOL),
    _resnet_case('zero_init_residual', 0, BOOL),
    _resnet_case('drop_path_rate', 1.0, 'a number in [0, 1)'),
    _resnet_case('drop_path_rate', True, 'a number in [0, 1)', 'bool'),
    _resnet_case('expansion', 2, '(1,)'),
    _resnet_case('in_channels', 0, 'an int >= 1'),
    _resnet_case('stem_channels', 32.0, 'an int >= 1'),
    _resnet_case('base_channels', True, 'an int >= 1'),
    _resnet_case('norm_cfg', 'BN', CFG),
    _resnet_case('conv_cfg', 'conv', CFG + ' or None'),
    _resnet_case('init_cfg', 'kaiming', 'None, a dict or a list of dicts'),
]


@case('models-seresnet-unknown-key', TypeError,
      ('SEResNet', "unexpected keyword argument 'num_stage'",
       "'num_stages'"))
def _resnet_unknown(tmp_path):
    SEResNet(depth=18, num_stage=3)


@case('models-seresnext-depth', ValueError,
      ('SEResNeXt.depth=18', '(50, 101, 152)'))
def _resnext_depth(tmp_path):
    SEResNeXt(depth=18)


@case('models-seresnext-groups', ValueError,
      ('SEResNeXt.groups=0', 'an int >= 1'))
def _resnext_groups(tmp_path):
    SEResNeXt(depth=50, groups=0)


@case('models-seresnext-width_per_group', ValueError,
      ('SEResNeXt.width_per_group=True', 'an int >= 1'))
def _resnext_width(tmp_path):
    SEResNeXt(depth=50, width_per_group=True)


@case('models-senet154-avg_down', ValueError,
      ('SENet154.avg_down=True', '(False,)'))
def _senet_avg_down(tmp_path):
    SENet154(avg_down=True)


@case('models-senet154-depth', ValueError,
      ('SENet154.depth=101', '(152,)'))
def _senet_depth(tmp_path):
    SENet154(depth=101)


@case('models-dropouthead-rate', ValueError,
      ('DropoutLinearClsHead.dropout_rate=1.0', 'a number in [0, 1)'))
def _dropout_one(tmp_path):
    DropoutLinearClsHead(dropout_rate=1.0, num_classes=2, in_channels=4)


@case('models-dropouthead-rate-bool', ValueError,
      ('DropoutLinearClsHead.dropout_rate=True', 'a number in [0, 1)'))
def _dropout_bool(tmp_path):
    DropoutLinearClsHead(dropout_rate=True, num_classes=2, in_channels=4)


# ----------------------------------------------------------------- blocks
@case('models-block-style', ValueError,
      ("SEBottleneck.style='tf'", "('pytorch', 'caffe')"))
def _block_style(tmp_path):
    SEBottleneck(64, 64, style='tf')


@case('models-block-expansion', ValueError,
      ('SEBasicBlock.expansion=2', '(1,)'))
def _block_expansion(tmp_path):
    SEBasicBlock(8, 8, expansion=2)


@case('models-block-out_channels', ValueError,
      ('SEBottleneck.out_channels=66', 'a multiple of expansion=4'))
def _block_out_channels(tmp_path):
    SEBottleneck(64, 66)


@case('models-block-stride', ValueError,
      ('SEBasicBlock.stride=0', 'an int >= 1'))
def _block_stride(tmp_path):
    SEBasicBlock(8, 8, stride=0)


@case('models-block-placement-3x3', ValueError,
      ("SEBasicBlock.se_placement='3x3'", "('standard', 'pre', 'post', "
       "'identity')", 'needs a bottleneck'))
def _block_3x3(tmp_path):
    SEBasicBlock(8, 8, se_cfg=dict(ratio=2), se_placement='3x3')


@case('models-block-se_cfg', TypeError,
      ('SEBottleneck.se_cfg=8', 'a dict'))
def _block_se_cfg(tmp_path):
    SEBottleneck(64, 64, se_cfg=8)


# ---------------------------------------------------------------- SE-VGG
@case('models-sevgg-depth', ValueError, ('SEVGG.depth=12', '(11, 13, 16'))
def _vgg_depth(tmp_path):
    SEVGG(depth=12)


@case('models-sevgg-num_stages', ValueError,
      ('SEVGG.num_stages=6', 'an int in 1..5'))
def _vgg_stages(tmp_path):
    SEVGG(depth=11, num_stages=6)


@case('models-sevgg-dilations', ValueError,
      ('SEVGG.dilations=(1, 1)', 'a sequence of 5 ints >= 1'))
def _vgg_dilations(tmp_path):
    SEVGG(depth=11, dilations=(1, 1))


@case('models-sevgg-out_indices', ValueError,
      ('SEVGG.out_indices=(5,)', 'distinct ints in [0, 4]'))
def _vgg_out_indices(tmp_path):
    SEVGG(depth=11, out_indices=(5, ))  # no classifier: returned nothing


@case('models-sevgg-frozen_stages', ValueError,
      ('SEVGG.frozen_stages=6', 'an int in -1..5'))
def _vgg_frozen(tmp_path):
    SEVGG(depth=11, frozen_stages=6)


@case('models-sevgg-ceil_mode', ValueError,
      ("SEVGG.ceil_mode='yes'", BOOL))
def _vgg_ceil(tmp_path):
    SEVGG(depth=11, ceil_mode='yes')


@case('models-sevgg-num_classes', ValueError,
      ('SEVGG.num_classes=1.5', 'an int >= -1'))
def _vgg_classes(tmp_path):
    SEVGG(depth=11, num_classes=1.5)


# ----------------------------------------------------------- ShuffleNetV1
@case('models-seshufflenet-groups', ValueError,
      ('SEShuffleNetV1.groups=5', '(1, 2, 3, 4, 8)'))
def _shuffle_groups(tmp_path):
    SEShuffleNetV1(groups=5)


@case('models-seshufflenet-out_indices-bool', ValueError,
      ('SEShuffleNetV1.out_indices=(True,)', 'distinct ints in [0, 2]'))
def _shuffle_out_bool(tmp_path):
    SEShuffleNetV1(out_indices=(True, ))


@case('models-seshufflenet-frozen_stages', ValueError,
      ('SEShuffleNetV1.frozen_stages=3', 'an int in -1..2'))
def _shuffle_frozen(tmp_path):
    SEShuffleNetV1(frozen_stages=3)


@case('models-seshufflenet-widen_factor', ValueError,
      ('SEShuffleNetV1.widen_factor=0', 'a finite number >= 0.041'))
def _shuffle_widen(tmp_path):
    SEShuffleNetV1(widen_factor=0)


# ------------------------------------------- MobileNet v1 and Inceptions
@case('models-semobilenet-out_indices', ValueError,
      ('SEMobileNetV1.out_indices=(5,)', '[-5, 4] (5 stages)'))
def _mobilenet_out(tmp_path):
    SEMobileNetV1(out_indices=(5, ))


@case('models-semobilenet-out_indices-same-stage', ValueError,
      ('SEMobileNetV1.out_indices=(4, -1)', 'distinct'))
def _mobilenet_out_same(tmp_path):
    SEMobileNetV1(out_indices=(4, -1))


@case('models-semobilenet-widen_factor-bool', ValueError,
      ('SEMobileNetV1.widen_factor=True', 'a finite number >= 0.03125'))
def _mobilenet_widen(tmp_path):
    SEMobileNetV1(widen_factor=True)


@case('models-semobilenet-act_cfg', ValueError,
      ('SEMobileNetV1.act_cfg=None', CFG))
def _mobilenet_act(tmp_path):
    SEMobileNetV1(act_cfg=None)


@case('models-sebninception-norm_eval', ValueError,
      ("SEBNInception.norm_eval='no'", BOOL))
def _bninception_norm_eval(tmp_path):
    SEBNInception(norm_eval='no')


@case('models-seinceptionresnetv2-out_indices', ValueError,
      ('SEInceptionResNetV2.out_indices=(4,)', '[-4, 3] (4 stages)'))
def _irv2_out(tmp_path):
    SEInceptionResNetV2(out_indices=(4, ))  # before 55M parameters


@case('models-seinceptionresnetv2-frozen_stages', ValueError,
      ('SEInceptionResNetV2.frozen_stages=True', 'an int in -1..4'))
def _irv2_frozen(tmp_path):
    SEInceptionResNetV2(frozen_stages=True)


# ------------------------------------------------------------------ necks
def _fpn(**kwargs):
    args = dict(in_channels=FPN_IN, out_channels=8, num_outs=5)
    SEFPN(**dict(args, **kwargs))


@case('models-sefpn-in_channels-tuple', ValueError,
      ('SEFPN.in_channels=(8, 16)', 'a non-empty list of ints >= 1'))
def _fpn_tuple(tmp_path):
    _fpn(in_channels=(8, 16))  # a bare assert in mmdet


@case('models-sefpn-out_channels', ValueError,
      ('SEFPN.out_channels=0', 'an int >= 1'))
def _fpn_out(tmp_path):
    _fpn(out_channels=0)


@case('models-sefpn-num_outs', ValueError,
      ('SEFPN.num_outs=3', 'an int >= 4'))
def _fpn_num_outs(tmp_path):
    _fpn(num_outs=3)


@case('models-sefpn-start_level', ValueError,
      ('SEFPN.start_level=4', 'an int in 0..3'))
def _fpn_start(tmp_path):
    _fpn(start_level=4)


@case('models-sefpn-end_level-num_outs', ValueError,
      ('SEFPN.num_outs=5', '(2,)'))
def _fpn_end(tmp_path):
    _fpn(end_level=1)


@case('models-sefpn-add_extra_convs', ValueError,
      ("SEFPN.add_extra_convs='on_top'", "'on_input', 'on_lateral'"))
def _fpn_extra(tmp_path):
    _fpn(add_extra_convs='on_top')


@case('models-sefpn-relu_before_extra_convs', ValueError,
      ('SEFPN.relu_before_extra_convs=1', BOOL))
def _fpn_relu(tmp_path):
    _fpn(relu_before_extra_convs=1)


@case('models-sefpn-upsample_cfg', ValueError,
      ("SEFPN.upsample_cfg='nearest'", 'a dict'))
def _fpn_upsample(tmp_path):
    _fpn(upsample_cfg='nearest')


@case('models-sefpn-se_positions-repeated', ValueError,
      ("SEFPN.se_positions=('output', 'output')", 'distinct'))
def _fpn_positions(tmp_path):
    _fpn(se_positions=('output', 'output'))


@case('models-sefpn-se_cfg-none', TypeError,
      ('SEFPN.se_cfg=None', 'a dict of SE options'))
def _fpn_se_cfg(tmp_path):
    _fpn(se_cfg=None)


@case('models-multilevelse-in_channels-bool', ValueError,
      ('MultiLevelSE.in_channels=True', 'an int >= 1 or a non-empty'))
def _mlse_bool(tmp_path):
    MultiLevelSE(True)


@case('models-multilevelse-in_channels-str', ValueError,
      ("MultiLevelSE.in_channels='256'", 'an int >= 1 or a non-empty'))
def _mlse_str(tmp_path):
    MultiLevelSE('256')


@case('models-multilevelse-se_cfg-key', TypeError,
      ('MultiLevelSE.se_cfg', "['rato']", "'ratio'"))
def _mlse_key(tmp_path):
    MultiLevelSE([8], se_cfg=dict(rato=2))


@case('models-multilevelse-input-channels', ValueError,
      ('SELayer(in_channels=16)', 'got shape (1, 8, 2, 2)'))
def _mlse_input(tmp_path):
    neck = MultiLevelSE([8, 16], se_cfg=dict(ratio=2))
    neck((torch.rand(1, 8, 2, 2), torch.rand(1, 8, 2, 2)))


# --------------------------------------------------------------- RoI head
@case('models-sereslayer-depth', ValueError,
      ('SEResLayer.depth=51', '(18, 34, 50, 101, 152)'))
def _reslayer_depth(tmp_path):
    SEResLayer(depth=51)


@case('models-sereslayer-stage', ValueError,
      ('SEResLayer.stage=True', '(1, 2, 3)'))
def _reslayer_stage(tmp_path):
    SEResLayer(depth=50, stage=True)


@case('models-sereslayer-style', ValueError,
      ("SEResLayer.style='tf'", "('pytorch', 'caffe')"))
def _reslayer_style(tmp_path):
    SEResLayer(depth=50, style='tf')


@case('models-sereslayer-stride', ValueError,
      ('SEResLayer.stride=0', 'an int >= 1'))
def _reslayer_stride(tmp_path):
    SEResLayer(depth=50, stride=0)


@case('models-sereslayer-placement-3x3', ValueError,
      ("SEResLayer.se_placement='3x3'", 'depth=18', "'standard'"))
def _reslayer_3x3(tmp_path):
    SEResLayer(depth=18, se_placement='3x3')


@case('models-sereslayer-norm_eval', ValueError,
      ("SEResLayer.norm_eval='yes'", BOOL))
def _reslayer_norm_eval(tmp_path):
    SEResLayer(depth=50, norm_eval='yes')


CASES = collect(globals())
