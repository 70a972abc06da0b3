"""SE's family in SE's slot: FcaNet, coordinate attention, Gather-Excite,
Effective SE, SimAM. Goldens: timm's modules and a timm ResNet-50 with each
in its attention slot (coordinate attention, Gather-Excite, Effective SE);
the papers' formulas written out here (FcaNet's DCT, SimAM's energy).
"""
import math

import pytest
import torch
import torch.nn.functional as F

from se_plugin.converters.keys import rename_keys
from se_plugin.models import (CoordAttention, EffectiveSE, GatherExcite,
                              MultiSpectralAttention, SELayer, SimAM)
from se_plugin.registry import MODELS
from test_onnx_export import TOL, export_and_compare
from test_se_anywhere import (BOTTLENECK, assert_same, count, outputs,
                              randomise)
from test_se_resnet import classifier

timm = pytest.importorskip('timm')

CHANNELS = [8, 64, 256, 2048]
#: FcaNet's 'top16' frequencies (u, v) on its 7x7 DCT grid, from its code
#: (get_freq_indices, all_top_indices_x / _y).
TOP16 = list(zip([0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2],
                 [0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2]))


def fca_reference(layer, x, dct):
    """FcaNet's layer as its paper and code write it: a C x dct x dct DCT
    filter (channel group k: basis of frequency TOP16[k] scaled by dct/7),
    adaptive average pooling to dct x dct, weighted sum, SE's FCs."""

    def basis(pos, freq, size):
        b = math.cos(math.pi * freq * (pos + 0.5) / size) / math.sqrt(size)
        return b * math.sqrt(2) if freq else b

    c = x.shape[1]
    group = c // 16
    filt = torch.zeros(c, dct, dct)
    for k, (u, v) in enumerate(TOP16):
        u, v = u * dct // 7, v * dct // 7
        for i in range(dct):
            for j in range(dct):
                filt[k * group:(k + 1) * group, i, j] = basis(
                    i, u, dct) * basis(j, v, dct)
    y = (F.adaptive_avg_pool2d(x, dct) * filt).sum((2, 3))
    s = layer.fc2(layer.act(layer.fc1(y[..., None, None])))
    return x * torch.sigmoid(s)


@pytest.mark.parametrize('dct, size', [(7, (7, 7)), (7, (9, 11)),
                                       (14, (14, 14)), (14, (5, 20))])
def test_fcanet_equals_its_dct_formula(dct, size):
    torch.manual_seed(0)
    layer = randomise(MultiSpectralAttention(32, ratio=4, dct_size=dct))
    x = torch.randn(2, 32, *size)
    with torch.no_grad():
        torch.testing.assert_close(layer(x), fca_reference(layer, x, dct),
                                   atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('channels', [16, 64, 256, 2048])
def test_fcanet_has_ses_parameters_and_keys(channels):
    ours, se = MultiSpectralAttention(channels), SELayer(channels)
    assert count(ours) == count(se) == 2 * channels * (
        channels // 16) + channels // 16 + channels
    # The DCT weights are derived, not stored: SE's checkpoints load.
    assert ours.state_dict().keys() == se.state_dict().keys()


def timm_ge(channels, rd_channels=None, **kwargs):
    """timm's GatherExcite. timm 1.0.31's constructor fails with its MLP
    (it passes ``*dd`` positionally to ConvMlp: a TypeError), so the MLP is
    built as that line means: ``ConvMlp(channels, rd_channels)``."""
    from timm.layers import GatherExcite as Ref
    from timm.layers.mlp import ConvMlp
    kwargs.pop('device', None), kwargs.pop('dtype', None)
    ref = Ref(channels, use_mlp=False, **kwargs)
    if rd_channels:
        ref.mlp = ConvMlp(channels, rd_channels)
    return ref


def module_pairs(channels):
    """(ours, timm's) with the same options."""
    from timm.layers import EffectiveSEModule
    from timm.layers.coord_attn import CoordAttn
    ratio = 16 if channels >= 16 else 4
    width = max(8, channels // 32)
    return [
        (CoordAttention(channels), CoordAttn(channels, rd_channels=width,
                                             bias=True)),
        (GatherExcite(channels, ratio=ratio),
         timm_ge(channels, channels // ratio)),
        (GatherExcite(channels, extent=2, use_mlp=False),
         timm_ge(channels, extent=2)),
        (GatherExcite(channels, extent=4, ratio=ratio),
         timm_ge(channels, channels // ratio, extent=4)),
        (EffectiveSE(channels), EffectiveSEModule(channels)),
    ]


@pytest.mark.parametrize('channels', CHANNELS)
def test_modules_equal_timms(channels):
    x = torch.randn(2, channels, 9, 6)
    for ours, ref in module_pairs(channels):
        randomise(ref)
        ours.load_state_dict(ref.state_dict(), strict=True)
        assert_same(outputs(ours, x), outputs(ref, x), atol=1e-5)
        # Each module recalibrates: its output is not its input.
        assert not torch.allclose(outputs(ours, x)[0], x)


def simam_reference(x, lam=1e-4):
    """SimAM's minimal energy per activation t of a channel (its Eq. 16):
    e = 4 (s2 + lam) / ((t - mu)^2 + 2 s2 + 2 lam), mu and s2 over the
    channel's other M - 1 = HW - 1 neurons' estimate; out = sigmoid(1/e) x."""
    out = torch.empty_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            t = x[n, c].double()
            m = t.numel() - 1
            mu = t.mean()
            s2 = ((t - mu)**2).sum() / m
            e = 4 * (s2 + lam) / ((t - mu)**2 + 2 * s2 + 2 * lam)
            out[n, c] = (torch.sigmoid(1 / e) * t).float()
    return out


@pytest.mark.parametrize('lam', [1e-4, 0.5])
def test_simam_equals_its_energy_formula(lam):
    x = torch.randn(2, 3, 4, 5) * 2
    assert_same((SimAM(3, e_lambda=lam)(x), ), (simam_reference(x, lam), ),
                atol=1e-6)
    assert count(SimAM(2048)) == 0


def test_simam_on_one_position_is_the_energy_formulas_limit():
    """On a 1 x 1 map t = mu: 1/e = ((t - mu)^2 + 2 s2 + 2 lam) / (4 (s2 +
    lam)) = 1/2 for any variance, so the output is sigmoid(1/2) x."""
    x = torch.randn(2, 4, 1, 1)
    torch.testing.assert_close(SimAM(4)(x), x * torch.sigmoid(
        torch.tensor(0.5)))


def timm_attn(kind):
    """timm's module for ``kind`` as a ResNet's attn_layer."""
    from timm.layers.coord_attn import CoordAttn
    return {
        'coord': lambda c, **kw: CoordAttn(c, rd_channels=max(8, c // 32),
                                           bias=True),
        'ge': lambda c, **kw: timm_ge(c, c // 16),
        'ese': 'ese',
    }[kind]


OURS = {
    'coord': dict(type='se_plugin.CoordAttention'),
    'ge': dict(type='se_plugin.GatherExcite'),
    'ese': dict(type='se_plugin.EffectiveSE'),
}


@pytest.mark.parametrize('kind', OURS)
def test_resnet50_equals_timms_with_the_module(kind):
    """timm's ResNet-50 with the module as its attn_layer (after bn3) and
    mmpretrain's ResNet-50 with it attached there give the same logits."""
    from timm.models.resnet import Bottleneck, ResNet
    torch.manual_seed(0)
    ref = randomise(
        ResNet(Bottleneck, [3, 4, 6, 3],
               block_args=dict(attn_layer=timm_attn(kind))))
    backbone = dict(
        type='se_plugin.Attach',
        host=dict(type='mmpretrain.ResNet', depth=50),
        inserts=[dict(BOTTLENECK, se_cfg=OURS[kind])])
    ours = classifier(**backbone)
    assert count(ours) == count(ref)
    # The host's keys by the converter's ResNet rules; the module's keys
    # (``layerI.J.se.*``) are the same in both.
    state = ref.state_dict()
    se = {k: v for k, v in state.items() if '.se.' in k}
    host = rename_keys({k: v for k, v in state.items() if k not in se},
                       'resnet', backbone)
    ours.load_state_dict(
        {**host, **{'backbone.' + k: v for k, v in se.items()}}, strict=True)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_same((ours.eval()(x, mode='tensor'), ), outputs(ref, x))


FAMILY = {
    'fca': dict(type='se_plugin.MultiSpectralAttention', ratio=4),
    'coord': dict(type='se_plugin.CoordAttention'),
    'ge': dict(type='se_plugin.GatherExcite', extent=2, ratio=4),
    'ese': dict(type='se_plugin.EffectiveSE'),
    'simam': dict(type='se_plugin.SimAM'),
}


@pytest.mark.parametrize('kind', FAMILY)
@pytest.mark.parametrize('placement',
                         ['standard', 'pre', 'post', 'identity', '3x3'])
def test_every_se_placement_takes_the_module(kind, placement):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(type='se_plugin.SEResNet', depth=50, stem_channels=16,
             base_channels=16, se_cfg=FAMILY[kind],
             se_placement=placement)).eval()
    cls = MODELS.get(FAMILY[kind]['type'])
    assert sum(isinstance(m, cls) for m in model.modules()) == 16
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        out = model(x)[-1]
    assert out.shape == (1, 512, 2, 2) and torch.isfinite(out).all()


@pytest.mark.parametrize('kind', FAMILY)
@pytest.mark.parametrize('exporter', ['torchscript', 'dynamo'])
def test_exports_to_onnx_with_dynamic_size(tmp_path, kind, exporter):
    """A narrow ResNet-50 with the module after every bn3, exported at 64x64
    and run by ONNX Runtime at 96x64 and 64x96 (two other batches too)."""
    torch.manual_seed(0)
    model = MODELS.build(
        dict(type='se_plugin.Attach',
             host=dict(type='mmpretrain.ResNet', depth=50, stem_channels=16,
                       base_channels=16),
             inserts=[dict(BOTTLENECK, se_cfg=FAMILY[kind])]))
    randomise(model).eval()
    _, diffs = export_and_compare(model, tmp_path, (1, 3, 64, 64), exporter)
    assert max(diffs) < TOL


R50 = 25557032  # mmpretrain's ResNet-50 with the 1000-class head
R50_BLOCKS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3


def coord_params(c):
    """conv1 (C x m + m), BN (2 m), conv_h and conv_w (m x C + C each),
    m = max(8, C / 32)."""
    m = max(8, c // 32)
    return c * m + m + 2 * m + 2 * (m * c + c)


#: Hand counts of the configs: ResNet-50 plus each module at every bn3.
CONFIG_PARAMS = {
    'fca': R50 + sum(2 * c * (c // 16) + c // 16 + c for c in R50_BLOCKS),
    'coord': R50 + sum(coord_params(c) for c in R50_BLOCKS),
    'ge': R50,  # GE-theta-minus: no parameters
    'ese': R50 + sum(c * c + c for c in R50_BLOCKS),  # one C x C FC
    'simam': R50,
}


@pytest.mark.parametrize('kind', CONFIG_PARAMS)
def test_configs_have_the_hand_counted_parameters(kind, no_weight_init):
    from mmengine.config import Config
    from test_model_zoo import MODELS as ZOO
    from test_model_zoo import CONFIGS
    path = CONFIGS / f'attention/{kind}_resnet50_imagenet.py'
    model = MODELS.build(Config.fromfile(str(path)).model)
    assert count(model) == CONFIG_PARAMS[kind]
    assert ZOO[f'{kind}_resnet50_imagenet']['Metadata'][
        'Parameters'] == CONFIG_PARAMS[kind]


@pytest.mark.parametrize('kind', CONFIG_PARAMS)
def test_metafile_flops_are_measured(kind, no_weight_init):
    """The metafile's FLOPs are cost_table.py's count at 224x224."""
    from se_plugin import get_model
    from se_plugin.analysis.cost import model_cost
    from test_model_zoo import MODELS as ZOO
    name = f'{kind}_resnet50_imagenet'
    cost = model_cost(get_model(name), (3, 224, 224))
    meta = ZOO[name]['Metadata']
    assert (cost.params, cost.flops) == (meta['Parameters'], meta['FLOPs'])


def test_published_results_are_the_papers():
    """FcaNet-50's reported top-1 (its README) and SimAM-R50's top-1/top-5
    (its README); none where no paper measured a ResNet-50 with the module
    (coordinate attention: MobileNetV2 only) or we found none."""
    from test_model_zoo import metrics
    from test_model_zoo import MODELS as ZOO
    assert metrics('fca_resnet50_imagenet') == {
        'Top 1 Accuracy (paper)': 78.52}
    assert metrics('simam_resnet50_imagenet') == {
        'Top 1 Accuracy (paper)': 77.45, 'Top 5 Accuracy (paper)': 93.66}
    for kind in ('coord', 'ge', 'ese'):
        assert 'Results' not in ZOO[f'{kind}_resnet50_imagenet']
