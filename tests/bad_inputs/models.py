"""Bad model options and inputs: each is refused before anything big is
built, with an error naming the class and key, the value and what is
allowed (see docs/user_guides/validation.md)."""
import math

import torch

from bad_inputs import Case, case, collect
from se_plugin.engine.errors import OptionError
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


def _fpn(**kwargs):
    args = dict(in_channels=FPN_IN, out_channels=8, num_outs=5)
    SEFPN(**dict(args, **kwargs))


def _resnet(**kwargs):
    SEResNet(**dict(dict(depth=18), **kwargs))


@case('models-multilevelse-input-channels', ValueError,
      ('SELayer(in_channels=16)', 'got shape (1, 8, 2, 2)'))
def _mlse_input(tmp_path):
    neck = MultiLevelSE([8, 16], se_cfg=dict(ratio=2))
    neck((torch.rand(1, 8, 2, 2), torch.rand(1, 8, 2, 2)))


#: Bad options of ``SEResNet(depth=18)``: (key, value, what is allowed[,
#: the id's last part where the value's text cannot be one]).
RESNET_OPTIONS = [
    ('depth', 50.0, '(18, 34, 50, 101, 152)'),
    ('depth', 51, '(18, 34, 50, 101, 152)'),
    ('num_stages', 5, 'an int in 1..4'),
    ('num_stages', True, 'an int in 1..4'),
    ('strides', (1, 2, 2), 'a sequence of 4 ints >= 1', 'short'),
    ('strides', (1, 0, 2, 2), 'a sequence of 4 ints >= 1', 'zero'),
    ('dilations', (1, 1), 'a sequence of 4 ints >= 1', 'short'),
    ('out_indices', (4, ), 'distinct ints in [0, 3]', '4'),
    ('out_indices', (-1, ), 'distinct ints in [0, 3]', 'negative'),
    ('out_indices', (3, 3), 'distinct ints in [0, 3]', 'repeated'),
    ('out_indices', (), 'a non-empty sequence', 'empty'),
    ('style', 'tf', "('pytorch', 'caffe')"),
    ('frozen_stages', 7, 'an int in -1..4'),
    ('frozen_stages', True, 'an int in -1..4'),
    ('deep_stem', 'yes', BOOL),
    ('avg_down', 1, BOOL),
    ('norm_eval', None, BOOL),
    ('with_cp', 'no', BOOL),
    ('zero_init_residual', 0, BOOL),
    ('drop_path_rate', 1.0, 'a number in [0, 1)'),
    ('drop_path_rate', True, 'a number in [0, 1)', 'bool'),
    ('expansion', 2, '(1,)'),
    ('in_channels', 0, 'an int >= 1'),
    ('stem_channels', 32.0, 'an int >= 1'),
    ('base_channels', True, 'an int >= 1'),
    ('norm_cfg', 'BN', CFG),
    ('conv_cfg', 'conv', CFG + ' or None'),
    ('init_cfg', 'kaiming', 'None, a dict or a list of dicts'),
]

#: (id without 'models-', the bad call, the words its error must contain).
#: Each raises exactly an OptionError (which is also the ValueError,
#: TypeError, AssertionError or KeyError the toolboxes raise).
OPTIONS = [
    # was r=1
    ('selayer-ratio-bool', lambda: SELayer(8, ratio=True),
     'SELayer.ratio=True', NUMBER),
    ('selayer-ratio-nan', lambda: SELayer(8, ratio=math.nan),
     'SELayer.ratio=nan', NUMBER),
    ('selayer-ratio-inf', lambda: SELayer(8, ratio=math.inf),
     'SELayer.ratio=inf', NUMBER),
    ('selayer-ratio-str', lambda: SELayer(8, ratio='16'), "SELayer.ratio='16'",
     NUMBER),
    ('selayer-ratio-zero', lambda: SELayer(8, ratio=0), 'SELayer.ratio=0',
     NUMBER),
    ('selayer-ratio-too-large', lambda: SELayer(8), 'ratio=16',
     'squeeze width of 0', 'in_channels=8', 'ratio <= 8'),
    ('selayer-squeeze_channels-bool',
     lambda: SELayer(8, squeeze_channels=True),
     'SELayer.squeeze_channels=True', INT_OR_NONE),
    ('selayer-squeeze_channels-float',
     lambda: SELayer(8, squeeze_channels=4.0), 'SELayer.squeeze_channels=4.0',
     INT_OR_NONE),
    ('selayer-squeeze_channels-zero', lambda: SELayer(8, squeeze_channels=0),
     'SELayer.squeeze_channels=0', INT_OR_NONE),
    ('selayer-ratio-with-squeeze_channels',
     lambda: SELayer(8, ratio=4, squeeze_channels=2), 'SELayer.ratio=4',
     'squeeze_channels=2', 'ratio=16'),
    ('selayer-divisor-with-squeeze_channels',
     lambda: SELayer(8, divisor=8, squeeze_channels=2), 'SELayer.divisor=8',
     'squeeze_channels=2', 'divisor=None'),
    ('selayer-divisor-bool', lambda: SELayer(8, ratio=2, divisor=True),
     'SELayer.divisor=True', INT_OR_NONE),
    ('selayer-divisor-zero', lambda: SELayer(8, ratio=2, divisor=0),
     'SELayer.divisor=0', INT_OR_NONE),
    # kept the biases
    ('selayer-bias-str', lambda: SELayer(8, ratio=2, bias='no'),
     "SELayer.bias='no'", BOOL),
    ('selayer-bias-int', lambda: SELayer(8, ratio=2, bias=0), 'SELayer.bias=0',
     BOOL),
    ('selayer-squeeze-name', lambda: SELayer(8, ratio=2, squeeze='mean'),
     "SELayer.squeeze='mean'", "('avg', 'max', 'none')"),
    ('selayer-gate-name', lambda: SELayer(8, ratio=2, gate='softmax'),
     "SELayer.gate='softmax'", "'sigmoid', 'tanh', 'relu', 'hsigmoid'"),
    ('selayer-act_cfg-str', lambda: SELayer(8, ratio=2, act_cfg='relu'),
     "SELayer.act_cfg='relu'", CFG),
    ('selayer-act_cfg-no-type',
     lambda: SELayer(8, ratio=2, act_cfg=dict(inplace=True)),
     "SELayer.act_cfg={'inplace': True}", CFG),
    ('selayer-act_cfg-unknown',
     lambda: SELayer(8, ratio=2, act_cfg=dict(type='Swishy')),
     "SELayer.act_cfg={'type': 'Swishy'}", 'an activation config', 'Swishy'),
    ('selayer-cpu_kernel-int', lambda: SELayer(8, ratio=2, cpu_kernel=1),
     'SELayer.cpu_kernel=1', BOOL),
    ('selayer-cpu_kernel-gate',
     lambda: SELayer(8, ratio=2, gate='tanh', cpu_kernel=True),
     'cpu_kernel=True', "gate='tanh'", "'sigmoid'"),
    ('selayer-in_channels-bool', lambda: SELayer(True, squeeze_channels=1),
     'SELayer.in_channels=True', 'an int >= 1'),
    ('selayer-in_channels-float', lambda: SELayer(8.0, ratio=2),
     'SELayer.in_channels=8.0', 'an int >= 1'),
    ('selayer-init_cfg-str', lambda: SELayer(8, ratio=2, init_cfg='kaiming'),
     "SELayer.init_cfg='kaiming'", 'None, a dict or a list of dicts'),
    ('se_cfg-ratio-bool', lambda: SEResNet(depth=18, se_cfg=dict(ratio=True)),
     'SEResNet.se_cfg.ratio=True', NUMBER),
    ('se_cfg-gate-name', lambda: SEMobileNetV1(se_cfg=dict(gate='swish')),
     "SEMobileNetV1.se_cfg.gate='swish'", "'sigmoid'"),
    ('se_cfg-unregistered-type',
     lambda: SEShuffleNetV1(se_cfg=dict(type='NoSuchAttention')),
     "SEShuffleNetV1.se_cfg.type='NoSuchAttention'", 'registered'),
    ('se_cfg-placement-name',
     lambda: SEResNet(depth=18, se_placement='middle'),
     "SEResNet.se_placement='middle'", "'standard', 'pre', 'post'"),
    ('se_cfg-placement-3x3-basic',
     lambda: SEResNet(depth=18, se_placement='3x3'), "se_placement='3x3'",
     'depth=18', '(50, 101, 152)'),
    ('se_cfg-stages-length',
     lambda: SEResNet(depth=18, se_stages=(True, False)),
     'SEResNet.se_stages=(True, False)', 'a tuple of 4 bools'),
    ('se_cfg-stages-ints', lambda: SEResNet(depth=18, se_stages=(1, 1, 1, 1)),
     'SEResNet.se_stages=(1, 1, 1, 1)', 'a tuple of 4 bools'),
    ('seresnext-depth', lambda: SEResNeXt(depth=18), 'SEResNeXt.depth=18',
     '(50, 101, 152)'),
    ('seresnext-groups', lambda: SEResNeXt(depth=50, groups=0),
     'SEResNeXt.groups=0', 'an int >= 1'),
    ('seresnext-width_per_group',
     lambda: SEResNeXt(depth=50, width_per_group=True),
     'SEResNeXt.width_per_group=True', 'an int >= 1'),
    ('senet154-avg_down', lambda: SENet154(avg_down=True),
     'SENet154.avg_down=True', '(False,)'),
    ('senet154-depth', lambda: SENet154(depth=101), 'SENet154.depth=101',
     '(152,)'),
    ('dropouthead-rate', lambda: DropoutLinearClsHead(
        dropout_rate=1.0, num_classes=2, in_channels=4),
     'DropoutLinearClsHead.dropout_rate=1.0', 'a number in [0, 1)'),
    ('dropouthead-rate-bool', lambda: DropoutLinearClsHead(
        dropout_rate=True, num_classes=2, in_channels=4),
     'DropoutLinearClsHead.dropout_rate=True', 'a number in [0, 1)'),
    ('dropouthead-num_classes',
     lambda: DropoutLinearClsHead(0.2, num_classes=True, in_channels=4),
     'DropoutLinearClsHead.num_classes=True', 'an int >= 1'),
    ('block-style', lambda: SEBottleneck(64, 64, style='tf'),
     "SEBottleneck.style='tf'", "('pytorch', 'caffe')"),
    ('block-expansion', lambda: SEBasicBlock(8, 8, expansion=2),
     'SEBasicBlock.expansion=2', '(1,)'),
    ('block-out_channels', lambda: SEBottleneck(64, 66),
     'SEBottleneck.out_channels=66', 'a multiple of expansion=4'),
    ('block-stride', lambda: SEBasicBlock(8, 8, stride=0),
     'SEBasicBlock.stride=0', 'an int >= 1'),
    ('block-placement-3x3',
     lambda: SEBasicBlock(8, 8, se_cfg=dict(ratio=2), se_placement='3x3'),
     "SEBasicBlock.se_placement='3x3'", "('standard', 'pre', 'post', "
     "'identity')", 'needs a bottleneck'),
    ('sevgg-depth', lambda: SEVGG(depth=12), 'SEVGG.depth=12', '(11, 13, 16'),
    ('sevgg-num_stages', lambda: SEVGG(depth=11, num_stages=6),
     'SEVGG.num_stages=6', 'an int in 1..5'),
    ('sevgg-dilations', lambda: SEVGG(depth=11, dilations=(1, 1)),
     'SEVGG.dilations=(1, 1)', 'a sequence of 5 ints >= 1'),
    # no classifier: returned nothing
    ('sevgg-out_indices', lambda: SEVGG(depth=11, out_indices=(5, )),
     'SEVGG.out_indices=(5,)', 'distinct ints in [0, 4]'),
    ('sevgg-frozen_stages', lambda: SEVGG(depth=11, frozen_stages=6),
     'SEVGG.frozen_stages=6', 'an int in -1..5'),
    ('sevgg-ceil_mode', lambda: SEVGG(depth=11, ceil_mode='yes'),
     "SEVGG.ceil_mode='yes'", BOOL),
    ('sevgg-num_classes', lambda: SEVGG(depth=11, num_classes=1.5),
     'SEVGG.num_classes=1.5', 'an int >= -1'),
    ('seshufflenet-groups', lambda: SEShuffleNetV1(groups=5),
     'SEShuffleNetV1.groups=5', '(1, 2, 3, 4, 8)'),
    ('seshufflenet-out_indices-bool',
     lambda: SEShuffleNetV1(out_indices=(True, )),
     'SEShuffleNetV1.out_indices=(True,)', 'distinct ints in [0, 2]'),
    ('seshufflenet-frozen_stages', lambda: SEShuffleNetV1(frozen_stages=3),
     'SEShuffleNetV1.frozen_stages=3', 'an int in -1..2'),
    ('seshufflenet-widen_factor', lambda: SEShuffleNetV1(widen_factor=0),
     'SEShuffleNetV1.widen_factor=0', 'a finite number >= 0.041'),
    ('semobilenet-out_indices', lambda: SEMobileNetV1(out_indices=(5, )),
     'SEMobileNetV1.out_indices=(5,)', '[-5, 4] (5 stages)'),
    ('semobilenet-out_indices-same-stage',
     lambda: SEMobileNetV1(out_indices=(4, -1)),
     'SEMobileNetV1.out_indices=(4, -1)', 'distinct'),
    ('semobilenet-widen_factor-bool', lambda: SEMobileNetV1(widen_factor=True),
     'SEMobileNetV1.widen_factor=True', 'a finite number >= 0.03125'),
    ('semobilenet-act_cfg', lambda: SEMobileNetV1(act_cfg=None),
     'SEMobileNetV1.act_cfg=None', CFG),
    ('sebninception-norm_eval', lambda: SEBNInception(norm_eval='no'),
     "SEBNInception.norm_eval='no'", BOOL),
    # before 55M parameters
    ('seinceptionresnetv2-out_indices',
     lambda: SEInceptionResNetV2(out_indices=(4, )),
     'SEInceptionResNetV2.out_indices=(4,)', '[-4, 3] (4 stages)'),
    ('seinceptionresnetv2-frozen_stages',
     lambda: SEInceptionResNetV2(frozen_stages=True),
     'SEInceptionResNetV2.frozen_stages=True', 'an int in -1..4'),
    # a bare assert in mmdet
    ('sefpn-in_channels-tuple', lambda: _fpn(in_channels=(8, 16)),
     'SEFPN.in_channels=(8, 16)', 'a non-empty list of ints >= 1'),
    ('sefpn-out_channels', lambda: _fpn(out_channels=0),
     'SEFPN.out_channels=0', 'an int >= 1'),
    ('sefpn-num_outs', lambda: _fpn(num_outs=3), 'SEFPN.num_outs=3',
     'an int >= 4'),
    ('sefpn-start_level', lambda: _fpn(start_level=4), 'SEFPN.start_level=4',
     'an int in 0..3'),
    ('sefpn-end_level-num_outs', lambda: _fpn(end_level=1), 'SEFPN.num_outs=5',
     '(2,)'),
    ('sefpn-add_extra_convs', lambda: _fpn(add_extra_convs='on_top'),
     "SEFPN.add_extra_convs='on_top'", "'on_input', 'on_lateral'"),
    ('sefpn-relu_before_extra_convs', lambda: _fpn(relu_before_extra_convs=1),
     'SEFPN.relu_before_extra_convs=1', BOOL),
    ('sefpn-upsample_cfg', lambda: _fpn(upsample_cfg='nearest'),
     "SEFPN.upsample_cfg='nearest'", 'a dict'),
    ('sefpn-se_positions-repeated',
     lambda: _fpn(se_positions=('output', 'output')),
     "SEFPN.se_positions=('output', 'output')", 'distinct'),
    ('multilevelse-in_channels-bool', lambda: MultiLevelSE(True),
     'MultiLevelSE.in_channels=True', 'an int >= 1 or a non-empty'),
    ('multilevelse-in_channels-str', lambda: MultiLevelSE('256'),
     "MultiLevelSE.in_channels='256'", 'an int >= 1 or a non-empty'),
    ('sereslayer-stage', lambda: SEResLayer(depth=50, stage=True),
     'SEResLayer.stage=True', '(1, 2, 3)'),
    ('sereslayer-style', lambda: SEResLayer(depth=50, style='tf'),
     "SEResLayer.style='tf'", "('pytorch', 'caffe')"),
    ('sereslayer-stride', lambda: SEResLayer(depth=50, stride=0),
     'SEResLayer.stride=0', 'an int >= 1'),
    ('sereslayer-placement-3x3',
     lambda: SEResLayer(depth=18, se_placement='3x3'),
     # The block checks it (3x3 needs a bottleneck), not the head again.
     "SEBasicBlock.se_placement='3x3'", "'standard'"),
    ('sereslayer-norm_eval', lambda: SEResLayer(depth=50, norm_eval='yes'),
     "SEResLayer.norm_eval='yes'", BOOL),
    ('se_cfg-unknown-key', lambda: SEResNet(depth=18, se_cfg=dict(rato=8)),
     'SEResNet.se_cfg', "['rato']", "'ratio'"),
    ('se_cfg-in_channels-key',
     lambda: SEResNet(depth=18, se_cfg=dict(in_channels=8)), 'SEResNet.se_cfg',
     "['in_channels']", "'squeeze_channels'"),
    ('se_cfg-not-a-dict', lambda: SEVGG(depth=11, se_cfg='on'),
     "SEVGG.se_cfg='on'", 'a dict', 'or None'),
    ('seresnet-unknown-key', lambda: SEResNet(depth=18, num_stage=3),
     'SEResNet', "unexpected keyword argument 'num_stage'", "'num_stages'"),
    ('block-se_cfg', lambda: SEBottleneck(64, 64, se_cfg=8),
     'SEBottleneck.se_cfg=8', 'a dict'),
    ('sefpn-se_cfg-none', lambda: _fpn(se_cfg=None), 'SEFPN.se_cfg=None',
     'a dict of SE options'),
    ('multilevelse-se_cfg-key', lambda: MultiLevelSE([8], se_cfg=dict(rato=2)),
     'MultiLevelSE.se_cfg', "['rato']", "'ratio'"),
]


#: Bad inputs at run time: a ValueError naming the shape it takes.
INPUTS = [
    # mat1 and mat2
    ('selayer-input-channels',
     lambda: _excite(SELayer(8, ratio=2), torch.rand(2, 4, 3, 3)),
     'SELayer(in_channels=8)', 'N x 8 x H x W', 'got shape (2, 4, 3, 3)'),
    # was an IndexError
    ('selayer-input-3d',
     lambda: _excite(SELayer(8, ratio=2), torch.rand(8, 3, 3)),
     'N x 8 x H x W', 'got shape (8, 3, 3)'),
    # ZeroDivision
    ('selayer-input-empty-map',
     lambda: _excite(SELayer(8, ratio=2), torch.rand(2, 8, 0, 3)), 'H, W >= 1',
     'got shape (2, 8, 0, 3)'),
    ('selayer-input-no-squeeze-3d',
     lambda: _excite(SELayer(8, ratio=2, squeeze='none'), torch.rand(8, 3, 3)),
     'N x 8 x H x W', 'got shape (8, 3, 3)'),
    ('selayer-kernel-input-channels', lambda: _excite(
        SELayer(8, ratio=2, cpu_kernel=True), torch.rand(1, 16, 4, 4)),
     'SELayer(in_channels=8)', 'N x 8 x H x W', 'got shape (1, 16, 4, 4)'),
    ('selayer-kernel-input-empty-map', lambda: _excite(
        SELayer(8, ratio=2, cpu_kernel=True), torch.rand(1, 8, 4, 0)),
     'H, W >= 1', 'got shape (1, 8, 4, 0)'),
]


def _resnet_rows():
    for key, value, allowed, *what in RESNET_OPTIONS:
        name = what[0] if what else str(value).lower()
        yield (f'seresnet-{key}-{name}',
               lambda key=key, value=value: _resnet(**{key: value}),
               f'SEResNet.{key}={value!r}', allowed)


# se_plugin.apis.build_model with arguments of other types (was: "expected
# str, bytes or os.PathLike object, not int", naming no argument).
@case('models-build-model-config-int', OptionError,
      ('build_model(config=3): a int', 'a file path (str or os.PathLike), '
       'a Config or a name of se_plugin.list_models()'))
def _build_model_config_int(tmp_path):
    from se_plugin.apis import build_model
    build_model(3)


@case('models-build-model-checkpoint-list', OptionError,
      ("build_model(checkpoint=['a.pth']): a list", 'or None'))
def _build_model_checkpoint_list(tmp_path):
    from se_plugin.apis import build_model
    build_model('se_resnet50', ['a.pth'])


def _table(rows, raises):
    # The default argument binds each row's call to its own action.
    return [
        Case(f'models-{id}',
             lambda tmp_path, build=build: build(),
             raises,
             tuple(words)) for id, build, *words in rows
    ]


CASES = (collect(globals()) + _table(OPTIONS, OptionError) +
         _table(_resnet_rows(), OptionError) + _table(INPUTS, ValueError))
