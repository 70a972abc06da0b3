"""The SE module: its maths, options, errors, and use as an mmcv plugin."""
import warnings

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from se_plugin.models import SELayer, squeeze_width
from se_plugin.utils.compat import missing_mmcv_ops


def reference_se(layer, x, pool, gate):
    """The paper's equations, written with functional ops."""
    z = pool(x).to(layer.fc1.weight.dtype)
    h = F.relu(F.conv2d(z, layer.fc1.weight, layer.fc1.bias))
    s = gate(F.conv2d(h, layer.fc2.weight, layer.fc2.bias))
    return x * s, s


def global_avg(x):
    return F.adaptive_avg_pool2d(x, 1)


def global_max(x):
    return F.adaptive_max_pool2d(x, 1)


@pytest.mark.parametrize('squeeze,pool', [('avg', global_avg),
                                          ('max', global_max),
                                          ('none', lambda x: x)])
@pytest.mark.parametrize('gate,fn', [('sigmoid', torch.sigmoid),
                                     ('tanh', torch.tanh),
                                     ('relu', torch.relu),
                                     ('hsigmoid', F.hardsigmoid)])
@pytest.mark.parametrize('bias', [True, False])
def test_se_matches_the_equations(squeeze, pool, gate, fn, bias):
    torch.manual_seed(0)
    layer = SELayer(32, ratio=4, squeeze=squeeze, gate=gate, bias=bias)
    for p in layer.parameters():
        torch.nn.init.normal_(p, std=0.5)
    x = torch.randn(2, 32, 5, 7, requires_grad=True)
    expected, s = reference_se(layer, x, pool, fn)
    out = layer(x)
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(layer.excite(x), s)
    # And the gradients.
    grads = torch.autograd.grad(out.square().sum(), [x, *layer.parameters()])
    ref_grads = torch.autograd.grad(expected.square().sum(),
                                    [x, *layer.parameters()])
    for g, r in zip(grads, ref_grads):
        assert (g - r).abs().max() <= 1e-5 * r.abs().max() + 1e-6
    # The squeezed variants give one gate per channel; NoSqueeze one per
    # position, which must then differ across positions.
    if squeeze == 'none':
        assert s.shape == (2, 32, 5, 7)
        assert not torch.allclose(s[..., 0, 0], s[..., 1, 1])
    else:
        assert s.shape == (2, 32, 1, 1)


def test_gate_hook_fires_inside_the_fused_block():
    from se_plugin.models import SEBottleneck
    block = SEBottleneck(64, 64, se_cfg=dict(ratio=4)).eval()
    gates = []
    block.se.gate.register_forward_hook(lambda m, i, o: gates.append(o))
    x = torch.randn(2, 64, 6, 6)
    with torch.no_grad():
        block(x)
        expected = block.se.excite(block.residual(x))
    assert len(gates) == 2 and gates[0].shape == (2, 64, 1, 1)
    torch.testing.assert_close(gates[0], expected)


def cpu_half_matmul() -> bool:
    """Whether this torch multiplies float16 matrices on the CPU (torch 2.1
    does not; GPUs always did)."""
    try:
        torch.ones(1, 1, dtype=torch.half) @ torch.ones(1, 1, dtype=torch.half)
    except RuntimeError:
        return False
    return True


@pytest.mark.skipif(
    not cpu_half_matmul(),
    reason=f'torch {torch.__version__} has no float16 matmul on the CPU')
def test_float16_squeeze_does_not_overflow():
    # A float16 sum of 64 x 64 values of 100 would overflow (max 65504):
    # the squeeze is a mean.
    torch.manual_seed(0)
    layer = SELayer(16, ratio=4)
    x = torch.full((1, 16, 64, 64), 100.0) + torch.rand(1, 16, 64, 64)
    expected = layer.excite(x)
    half = layer.excite.__self__.half().excite(x.half())
    assert torch.isfinite(half).all()
    torch.testing.assert_close(half.float(), expected, rtol=2e-2, atol=2e-2)


def test_width_and_parameter_count():
    layer = SELayer(256)
    assert layer.squeeze_channels == 16
    # 2 C^2 / r weights + C/r + C biases.
    assert sum(p.numel() for p in layer.parameters()) == 2 * 256**2 // 16 \
        + 16 + 256


def test_no_bias_drops_both_fc_biases():
    no_bias = SELayer(256, bias=False)
    assert no_bias.fc1.bias is None and no_bias.fc2.bias is None
    assert sum(p.numel() for p in no_bias.parameters()) == 2 * 256**2 // 16


def test_explicit_width_or_ratio_below_one():
    assert SELayer(256, squeeze_channels=7).squeeze_channels == 7
    assert SELayer(64, ratio=0.5).squeeze_channels == 128


@pytest.mark.parametrize('channels', [24, 72, 200])
def test_divisor_rounds_like_timm(channels):
    from timm.layers import make_divisible
    assert squeeze_width(channels, 16, divisor=8) == make_divisible(
        channels / 16, 8, round_limit=0.9)


def test_no_divisor_truncates():
    assert squeeze_width(200, 16) == 12  # int(200 / 16)


@pytest.mark.parametrize('kwargs,words', [
    (dict(ratio=0), ['ratio=0', '> 0']),
    (dict(ratio=-4), ['ratio=-4', '> 0']),
    (dict(ratio=64), ['ratio=64', 'width', '>= 1', 'in_channels=32']),
    (dict(squeeze_channels=0), ['squeeze_channels=0', '>= 1']),
    (dict(divisor=0), ['divisor=0']),
    (dict(squeeze='mean'), ["squeeze='mean'", "'avg'", "'max'", "'none'"]),
    (dict(gate='softmax'), ["gate='softmax'", "'sigmoid'", "'tanh'",
                            "'relu'", "'hsigmoid'"]),
])
def test_bad_options_name_key_value_and_allowed(kwargs, words):
    with pytest.raises(ValueError) as err:
        SELayer(32, **kwargs)
    for word in words:
        assert word in str(err.value)


def test_option_error_is_a_value_and_a_type_error():
    # mmpretrain raises either for its own options; callers catching one
    # of them still catch ours.
    from se_plugin.models.checks import OptionError
    with pytest.raises(OptionError) as err:
        SELayer(32, ratio=True)
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, TypeError)
    assert str(err.value) == ('SELayer.ratio=True is not supported; '
                              'allowed: a finite number > 0')


def test_an_empty_batch_passes_the_input_check():
    # N = 0 (e.g. an RoI head with no boxes) is a tensor SE can take.
    layer = SELayer(8, ratio=2).eval()
    assert layer(torch.rand(0, 8, 3, 3)).shape == (0, 8, 3, 3)


def test_input_check_leaves_tracing_and_compile_alone():
    torch.manual_seed(0)
    layer = SELayer(8, ratio=2).eval()
    x, other = torch.rand(2, 8, 5, 5), torch.rand(3, 8, 4, 6)
    with torch.no_grad(), warnings.catch_warnings():
        # A shape comparison on traced sizes would warn (TracerWarning).
        warnings.simplefilter('error', torch.jit.TracerWarning)
        traced = torch.jit.trace(layer, x)
        torch.testing.assert_close(traced(other), layer(other))
        compiled = torch.compile(layer, fullgraph=True, backend='eager')
        torch.testing.assert_close(compiled(other), layer(other))
    with pytest.raises(ValueError, match=r'N x 8 x H x W.*\(2, 4, 5, 5\)'):
        layer(torch.rand(2, 4, 5, 5))


def test_registered_under_its_own_scope_without_clash():
    from mmpretrain.models import SEResNet as MMPretrainSEResNet
    from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

    from se_plugin.models import SEResNet
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        ours = MMPRETRAIN_MODELS.build(
            dict(type='se_plugin.SELayer', in_channels=64, ratio=8))
        assert type(ours) is SELayer and ours.squeeze_channels == 8
        # The unprefixed name stays mmpretrain's; ours needs the prefix.
        assert MMPRETRAIN_MODELS.get('SEResNet') is MMPretrainSEResNet
        assert MMPRETRAIN_MODELS.get('se_plugin.SEResNet') is SEResNet


def _mmdet_resnet(stages):
    from mmdet.registry import MODELS as MMDET_MODELS
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MMDET_MODELS.build(
            dict(
                type='ResNet',
                depth=50,
                out_indices=(0, 1, 2, 3),
                plugins=[
                    dict(
                        cfg=dict(type='se_plugin.SELayer', ratio=16),
                        position='after_conv3',
                        stages=stages)
                ]))


@pytest.mark.skipif(bool(missing_mmcv_ops()), reason=missing_mmcv_ops())
def test_plugin_in_mmdet_resnet():
    torch.manual_seed(0)
    plain = _mmdet_resnet((False, False, False, False))
    model = _mmdet_resnet((False, True, True, True))
    extra = sum(p.numel() for p in model.parameters()) - sum(
        p.numel() for p in plain.parameters())
    # The paper's formula for stages 2-4 of ResNet-50 (with FC biases).
    expected = sum(n * (2 * c * c // 16 + c // 16 + c)
                   for n, c in [(4, 512), (6, 1024), (3, 2048)])
    assert extra == expected
    assert not any(isinstance(m, SELayer) for m in model.layer1.modules())
    block = model.layer2[0]
    se = getattr(block, block.after_conv3_plugin_names[0])
    assert isinstance(se, SELayer) and se.in_channels == 512

    # SE is in the graph: the plugin's input is conv3's normalised output,
    # and changing its weights changes the features.
    seen = {}
    # mmdet's block adds the identity in place: keep copies.
    se.register_forward_hook(
        lambda m, i, o: seen.update(i=i[0].clone(), o=o.clone()))
    model.eval()
    x = torch.randn(1, 3, 64, 64)
    before = model(x)[1]
    assert seen['i'].shape == (1, 512, 8, 8)
    torch.testing.assert_close(seen['o'], seen['i'] * se.excite(seen['i']))
    with torch.no_grad():
        se.fc2.bias.add_(3.0)
    assert not torch.allclose(model(x)[1], before)
