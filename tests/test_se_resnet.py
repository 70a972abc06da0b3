"""SE-ResNet / SE-ResNeXt: parameter goldens, placements, ResNet options,
errors."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope
from mmpretrain.models import ResNet
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from goldens import (RESNET50, SE_RESNET50, STAGES_50, WIDTHS_50, per_block,
                     se_params)

from se_plugin.models import (SEBasicBlock, SEBottleneck, SELayer, SEResNet,
                              SEResNeXt)


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def classifier(num_classes=1000, **backbone):
    backbone.setdefault('type', 'se_plugin.SEResNet')
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MMPRETRAIN_MODELS.build(
            dict(
                type='ImageClassifier',
                backbone=backbone,
                neck=dict(type='GlobalAveragePooling'),
                head=dict(
                    type='LinearClsHead',
                    num_classes=num_classes,
                    in_channels=2048)))


def blocks50(widths):
    return per_block(widths, STAGES_50)


# ---------------------------------------------------------------- goldens
def test_se_resnet50_has_timms_parameter_count():
    assert n_params(classifier(depth=50)) == SE_RESNET50


@pytest.mark.parametrize('backbone', [
    dict(depth=50, se_cfg=None), dict(type='ResNet', depth=50)])
def test_baseline_has_resnet50s_parameter_count(backbone):
    assert n_params(classifier(**backbone)) == RESNET50


def test_baseline_is_exactly_mmpretrains_resnet():
    ours, theirs = SEResNet(depth=50, se_cfg=None), ResNet(depth=50)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    ours.eval(), theirs.eval()
    x = torch.randn(1, 3, 64, 64)
    torch.testing.assert_close(ours(x)[0], theirs(x)[0])


@pytest.mark.parametrize('ratio,millions', [(4, 35.7), (8, 30.7),
                                            (16, 28.1), (32, 26.9)])
def test_reduction_ratio_matches_table7(ratio, millions):
    count = n_params(classifier(depth=50, se_cfg=dict(ratio=ratio)))
    assert abs(count / 1e6 - millions) <= 0.1
    assert count == RESNET50 + se_params(blocks50(WIDTHS_50), ratio)


def _in_channels_50():
    """Input channels of each ResNet-50 block (the 'pre' placement)."""
    ins, c_in = [], 64
    for width, n in zip(WIDTHS_50, STAGES_50):
        ins += [c_in] + [width] * (n - 1)
        c_in = width
    return ins


@pytest.mark.parametrize(
    'placement,channels',
    [('standard', blocks50(WIDTHS_50)), ('post', blocks50(WIDTHS_50)),
     ('identity', blocks50(WIDTHS_50)),
     ('3x3', blocks50([w // 4 for w in WIDTHS_50])),
     ('pre', _in_channels_50())])
def test_placement_parameter_goldens(placement, channels):
    model = SEResNet(
        depth=50, se_placement=placement, se_cfg=dict(bias=False))
    extra = n_params(model) - n_params(ResNet(depth=50))
    assert extra == se_params(channels, bias=False)
    se_channels = [m.in_channels for m in model.modules()
                   if isinstance(m, SELayer)]
    assert se_channels == channels


def se_resnet50_extra(**kwargs):
    """SEResNet-50's parameters over mmpretrain's ResNet-50."""
    return n_params(SEResNet(depth=50, **kwargs)) - n_params(ResNet(depth=50))


def test_3x3_adds_one_sixteenth():
    # PAPER.md: 1/16 of the standard placement's 2,514,944 (no FC biases;
    # the standard count itself is test_placement_parameter_goldens').
    assert se_resnet50_extra(se_cfg=dict(bias=False),
                             se_placement='3x3') * 16 == 2_514_944


def test_stage4_carries_most_of_the_extra_parameters():
    # PAPER.md: 3 x 2 x 2048^2 / 16 in stage 4 alone.
    assert se_resnet50_extra(
        se_cfg=dict(bias=False),
        se_stages=(False, ) * 3 + (True, )) == 1_572_864


def test_dropping_stage4_leaves_4_percent():
    no_last = se_resnet50_extra(se_stages=(True, True, True, False))
    assert no_last == 2_530_992 - se_params([2048] * 3)
    assert 0.035 < no_last / RESNET50 < 0.045  # the paper's ~4%
    assert 0.09 < se_resnet50_extra() / RESNET50 < 0.11  # and ~10% in all


@pytest.mark.parametrize('stages', [(True, False, False, False),
                                    (False, True, False, False),
                                    (False, False, True, False),
                                    (False, False, False, True)])
def test_per_stage_switch_puts_se_only_there(stages):
    model = SEResNet(depth=50, se_stages=stages)
    for i, on in enumerate(stages):
        layer = getattr(model, f'layer{i + 1}')
        assert all((block.se is not None) == on for block in layer)


@pytest.mark.parametrize('groups,width,ratio', [(32, 4, 16), (64, 4, 8)])
def test_se_resnext_uses_its_ratio(groups, width, ratio):
    model = SEResNeXt(
        depth=50, groups=groups, width_per_group=width,
        se_cfg=dict(ratio=ratio))
    ses = [m for m in model.modules() if isinstance(m, SELayer)]
    assert len(ses) == 16
    assert all(se.squeeze_channels == se.in_channels // ratio for se in ses)
    assert model.layer1[0].conv2.groups == groups
    assert model.layer1[0].conv2.out_channels == groups * width
    # Only the SE modules differ from mmpretrain's ResNeXt.
    from mmpretrain.models import ResNeXt
    plain = ResNeXt(depth=50, groups=groups, width_per_group=width)
    assert n_params(model) - n_params(plain) == se_params(
        blocks50(WIDTHS_50), ratio)


def test_all_depths_build_and_give_stage_shapes():
    x = torch.randn(1, 3, 32, 32)
    for depth, block, width in [(18, SEBasicBlock, 512),
                                (34, SEBasicBlock, 512),
                                (50, SEBottleneck, 2048),
                                (101, SEBottleneck, 2048),
                                (152, SEBottleneck, 2048)]:
        model = SEResNet(depth=depth, out_indices=(0, 3)).eval()
        assert isinstance(model.layer1[0], block)
        outs = model(x)
        assert [tuple(o.shape) for o in outs] == [(1, width // 8, 8, 8),
                                                  (1, width, 1, 1)]
    assert sum(1 for m in SEResNet(depth=101).modules()
               if isinstance(m, SELayer)) == 33
    for depth in (50, 101):
        for groups in (32, 64):
            SEResNeXt(depth=depth, groups=groups, width_per_group=4)


@pytest.mark.parametrize('style,conv1_stride,conv2_stride', [('pytorch', 1, 2),
                                                             ('caffe', 2, 1)])
def test_style_puts_the_stride(style, conv1_stride, conv2_stride):
    block = SEResNet(depth=50, style=style).layer2[0]
    assert block.conv1.stride == (conv1_stride, ) * 2
    assert block.conv2.stride == (conv2_stride, ) * 2


# ------------------------------------------------- where SE acts (placement)
def _randomise(module):
    torch.manual_seed(1)
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
        elif isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, std=0.2)
            if m.bias is not None:
                torch.nn.init.normal_(m.bias, std=0.2)
    return module.eval()


def _reference(block, x, placement):
    """The paper's placements, written out for a bottleneck."""
    se = block.se

    def at(p, t):
        return se(t) if p == placement else t

    identity = at('identity', block.downsample(x))
    out = F.relu(block.norm1(block.conv1(at('pre', x))))
    out = at('3x3', F.relu(block.norm2(block.conv2(out))))
    out = at('standard', block.norm3(block.conv3(out)))
    return at('post', F.relu(out + identity))


@pytest.mark.parametrize('placement',
                         ['standard', 'pre', 'post', 'identity', '3x3'])
def test_block_forward_follows_the_placement(placement):
    model = _randomise(
        SEResNet(depth=50, se_placement=placement, se_cfg=dict(ratio=4)))
    block = model.layer2[0]  # has a downsample, so identity != input
    x = torch.randn(2, 256, 16, 16)
    with torch.no_grad():
        expected = _reference(block, x, placement)
        torch.testing.assert_close(block(x), expected)
        # SE really changes the block's output.
        plain = _reference(block, x, None)
        assert not torch.allclose(block(x), plain, atol=1e-3)


def test_basic_block_standard_placement():
    block = _randomise(SEResNet(depth=18)).layer2[0]
    x = torch.randn(2, 64, 16, 16)
    with torch.no_grad():
        out = block.se(block.norm2(block.conv2(F.relu(
            block.norm1(block.conv1(x))))))
        torch.testing.assert_close(
            block(x), F.relu(out + block.downsample(x)))


# ------------------------------------------- mmpretrain ResNet options kept
def test_drop_path_is_applied_to_the_se_branch():
    model = SEResNet(depth=50, drop_path_rate=0.3)
    # mmpretrain uses nn.Identity where the rate is 0 (the first block).
    probs = [getattr(b.drop_path, 'drop_prob', 0.0) for layer in
             (model.layer1, model.layer2, model.layer3, model.layer4)
             for b in layer]
    assert probs == pytest.approx(torch.linspace(0, 0.3, 16).tolist())
    # A block whose branch is always dropped is the identity (+ ReLU) in
    # training, and not in evaluation: drop_path really acts.
    block = SEBottleneck(256, 256, se_cfg=dict(), drop_path_rate=1 - 1e-7)
    _randomise(block)
    x = torch.randn(4, 256, 4, 4)
    block.train()
    torch.testing.assert_close(block(x), F.relu(x))
    block.eval()
    assert not torch.allclose(block(x), F.relu(x))


def test_with_cp_gives_the_same_outputs_and_gradients():
    torch.manual_seed(0)
    a = SEResNet(depth=18, se_placement='post')
    b = SEResNet(depth=18, se_placement='post', with_cp=True)
    b.load_state_dict(a.state_dict())
    x = torch.randn(2, 3, 32, 32, requires_grad=True)
    outs = [m(x)[0] for m in (a, b)]
    torch.testing.assert_close(outs[0], outs[1])
    grads = [torch.autograd.grad(o.sum(), list(m.parameters()))
             for o, m in zip(outs, (a, b))]
    for ga, gb in zip(*grads):
        torch.testing.assert_close(ga, gb)


def test_zero_init_residual_makes_blocks_start_as_identity():
    model = SEResNet(depth=50, zero_init_residual=True)
    model.init_weights()
    block = model.layer1[1]
    assert torch.count_nonzero(block.norm3.weight) == 0
    x = torch.randn(2, 256, 8, 8).abs()
    model.eval()
    torch.testing.assert_close(block(x), x)


def test_frozen_stages_and_norm_eval_cover_se():
    model = SEResNet(depth=50, frozen_stages=1, norm_eval=True)
    model.train()
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert not model.layer1[0].se.fc1.weight.requires_grad
    assert model.layer2[0].se.fc1.weight.requires_grad
    assert not model.layer3[0].norm1.training


def test_init_cfg_pretrained_loads_se_weights(tmp_path):
    source = SEResNet(depth=18)
    torch.nn.init.constant_(source.layer3[1].se.fc2.bias, 0.25)
    path = tmp_path / 'se_r18.pth'
    torch.save(dict(state_dict=source.state_dict()), path)
    model = SEResNet(
        depth=18, init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    for key, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize('kwargs,words', [
    (dict(depth=42), ['depth=42', '18', '152']),
    (dict(depth=50, se_placement='middle'),
     ["se_placement='middle'", "'standard'", "'identity'", "'3x3'"]),
    (dict(depth=50, se_stages=(True, False)),
     ['se_stages=(True, False)', '4 bools']),
    (dict(depth=50, se_stages=(1, 1, 1, 1)), ['se_stages', '4 bools']),
    (dict(depth=18, se_placement='3x3'),
     ["se_placement='3x3'", 'depth=18', '(50, 101, 152)']),
    (dict(depth=50, se_cfg=dict(ratio=0)), ['ratio=0', '> 0']),
    (dict(depth=50, se_cfg=dict(gate='swish')), ["gate='swish'",
                                                 "'sigmoid'"]),
])
def test_bad_backbone_options(kwargs, words):
    with pytest.raises(ValueError) as err:
        SEResNet(**kwargs)
    for word in words:
        assert word in str(err.value)


def test_resnext_rejects_a_depth_it_lacks():
    with pytest.raises(ValueError, match=r'depth=18.*\(50, 101, 152\)'):
        SEResNeXt(depth=18)


def test_unknown_se_cfg_key_is_an_error():
    with pytest.raises(TypeError, match='rato'):
        SEResNet(depth=18, se_cfg=dict(rato=8))


# ------------------------------------------------------------------ FLOPs
def test_caffe_style_flops_match_the_paper():
    from mmengine.analysis import get_model_complexity_info
    flops = {}
    for name, se_cfg in (('se', dict()), ('base', None)):
        model = classifier(depth=50, style='caffe', se_cfg=se_cfg).eval()
        flops[name] = get_model_complexity_info(
            model, input_shape=(3, 224, 224), show_table=False,
            show_arch=False)['flops']
    assert abs(flops['se'] / 3.87e9 - 1) < 0.01
    assert abs(flops['base'] / 3.86e9 - 1) < 0.01
    # The counter counts the multiply-adds of convs and linears: SE adds
    # exactly its FC layers' (one per weight, on a 1x1 input).
    assert flops['se'] - flops['base'] == se_params(blocks50(WIDTHS_50),
                                                   bias=False)
