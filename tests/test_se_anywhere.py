"""se_plugin.Attach: SE (and ECA, CBAM, GC) in the toolboxes' own backbones.

Goldens: mmdet's ResNet-18/34 and mmpretrain's ResNet-50 with SE equal
se_plugin.SEResNet (parameters and outputs with the same weights);
mmpretrain's RegNet and ResNetV1d with SE / ECA equal timm's regnety_004 and
ecaresnet50d after conversion; CBAM-ResNet-50 equals timm's. Other hosts
(ConvNeXt, MobileNetV2, CSPDarknet) build, train a step, and gain exactly
the parameters of their SE modules.
"""
import copy
import pickle

import goldens
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from se_plugin.apis import build_model
from se_plugin.converters import convert
from se_plugin.converters.keys import rename_keys
from se_plugin.converters.specs import REGNETY_SE
from se_plugin.models import CBAM, ECALayer, SELayer
from se_plugin.registry import MODELS
from test_se_resnet import classifier

timm = pytest.importorskip('timm')

#: SE in a residual block of either toolbox: on the branch's last BN.
BASIC = dict(at='layer*.*', after='bn2')
BOTTLENECK = dict(at='layer*.*', after='bn3')


def attach(host, *inserts, **kwargs):
    return MODELS.build(
        dict(type='se_plugin.Attach', host=host, inserts=list(inserts),
             **kwargs))


def count(model):
    return sum(p.numel() for p in model.parameters())


def se_params(channels, width):
    """Parameters of one SELayer (two 1x1 convs with biases)."""
    return 2 * channels * width + width + channels


def randomise(model, seed=0):
    """Random BN affines and statistics and random biases (timm and
    mmpretrain zero-init the last BN of a block, and mmcv the last conv of
    GC, which would hide the attention); conv weights keep their init."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            rand = torch.rand(t.shape, generator=gen)
            if name.endswith(('running_var', 'bn.weight')) or (
                    name.endswith('.weight') and t.dim() == 1):
                t.copy_(rand + 0.5)
            elif name.endswith(('bias', 'running_mean')):
                t.copy_(rand * 0.2 - 0.1)
    return model


def outputs(model, x):
    model.eval()  # not model.eval()(x): mmdet's ResNet.train returns None
    with torch.no_grad():
        out = model(x)
    return out if isinstance(out, (tuple, list)) else (out, )


def assert_same(a, b, atol=1e-4):
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert p.shape == q.shape
        torch.testing.assert_close(p, q, atol=atol, rtol=1e-4)


# timm's ResNet-18/34 without their FC, plus one SE (r = 16, FC biases) per
# basic block (timm's own SE-ResNet-18/34 round the SE width up to 8).
@pytest.mark.parametrize('depth, params', [
    (18, goldens.RESNET18 - goldens.RESNET_BASIC_HEAD + goldens.se_params(
        goldens.per_block(goldens.BASIC_WIDTHS, (2, 2, 2, 2)))),
    (34, goldens.RESNET34 - goldens.RESNET_BASIC_HEAD + goldens.se_params(
        goldens.per_block(goldens.BASIC_WIDTHS, (3, 4, 6, 3)))),
])
def test_mmdet_basic_block_resnet_with_se_is_se_resnet(depth, params):
    ours = attach(dict(type='mmdet.ResNet', depth=depth), BASIC)
    ref = randomise(
        MODELS.build(
            dict(type='se_plugin.SEResNet', depth=depth,
                 out_indices=(0, 1, 2, 3))))
    assert type(ours).__module__ == 'mmdet.models.backbones.resnet'
    assert count(ours) == count(ref) == params
    # Same keys: SE-ResNet's own checkpoints load as they are.
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(2, 3, 32, 32)
    assert_same(outputs(ours, x), outputs(ref, x))


def test_mmpretrain_resnet50_with_se_is_se_resnet50():
    host = dict(type='mmpretrain.ResNet', depth=50, style='caffe')
    ours = classifier(type='se_plugin.Attach', host=host,
                      inserts=[BOTTLENECK])
    ref = randomise(classifier(depth=50, style='caffe'))
    assert count(ours) == count(ref) == goldens.SE_RESNET50
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(1, 3, 64, 64)
    assert_same(outputs(ours, x), outputs(ref, x))
    # The SE modules matter: without them the logits differ.
    plain = classifier(**host)
    plain.load_state_dict(ref.state_dict(), strict=False)
    assert not torch.allclose(outputs(plain, x)[0], outputs(ref, x)[0])


def convert_timm(arch, reference):
    randomise(reference)
    converted = convert(reference.state_dict(), 'timm', arch)
    model = build_model(Config.fromstring(converted.config, '.py'))
    model.load_state_dict(converted.state_dict, strict=True)
    return model


def test_regnety_400mf_equals_timm_regnety_004():
    ref = timm.create_model('regnety_004')
    ours = convert_timm('regnety_004', ref)
    assert count(ours) == count(ref) == goldens.REGNETY_400MF
    se = [m for m in ours.modules() if isinstance(m, SELayer)]
    blocks = [m for n, m in ours.backbone.named_modules()
              if n.count('.') == 1 and n.startswith('layer')]
    assert len(se) == len(blocks) == 16
    # RegNetY's width rule: 1/4 of the block's input channels.
    assert [s.squeeze_channels for s in se] == [
        b.conv1.in_channels // 4 for b in blocks]
    for size in (224, 256):
        x = torch.randn(1, 3, size, size)
        (logits, ) = outputs(ref, x)
        with torch.no_grad():
            ours_logits = ours.eval()(x, mode='tensor')
        assert (logits - ours_logits).abs().max() <= 1e-4
        assert logits.std() > 0.1


def test_eca_resnet50d_equals_timm_ecaresnet50d():
    ref = timm.create_model('ecaresnet50d')
    ours = convert_timm('ecaresnet50d', ref)
    assert count(ours) == count(ref) == goldens.ECA_RESNET50D
    assert ours.backbone.layer4[2].se.conv.kernel_size == (7, )
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_same((ours.eval()(x, mode='tensor'), ), outputs(ref, x))


def test_cbam_resnet50_equals_timm_cbam_resnet50():
    from timm.models.resnet import Bottleneck, ResNet
    ref = randomise(
        ResNet(Bottleneck, [3, 4, 6, 3], block_args=dict(attn_layer='cbam')))
    backbone = dict(
        type='se_plugin.Attach',
        host=dict(type='mmpretrain.ResNet', depth=50),
        inserts=[dict(BOTTLENECK, se_cfg=dict(type='se_plugin.CBAM'))])
    ours = classifier(**backbone)
    assert count(ours) == count(ref) == goldens.CBAM_RESNET50
    ours.load_state_dict(
        rename_keys(ref.state_dict(), 'resnet', backbone), strict=True)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_same((ours.eval()(x, mode='tensor'), ), outputs(ref, x))


@pytest.mark.parametrize('channels', [8, 24, 64, 256, 1000, 2048])
def test_eca_and_cbam_modules_equal_timms(channels):
    from timm.layers.cbam import CbamModule
    from timm.layers.eca import EcaModule
    x = torch.randn(2, channels, 5, 7)
    for ours, ref in ((ECALayer(channels), EcaModule(channels)),
                      (CBAM(channels, ratio=8), CbamModule(channels, 1 / 8))):
        randomise(ref)
        ours.load_state_dict(ref.state_dict(), strict=True)
        assert_same(outputs(ours, x), outputs(ref, x), atol=1e-5)
    # The kernel size follows the channels: |log2(C) + 1| / 2, made odd.
    assert ECALayer(channels).conv.kernel_size[0] == {
        8: 3, 24: 3, 64: 3, 256: 5, 1000: 5, 2048: 7}[channels]


def test_gc_is_mmcvs_context_block_in_the_same_slot():
    from mmcv.cnn import ContextBlock
    host = dict(type='mmdet.ResNet', depth=18)
    gc = attach(host, dict(BASIC, se_cfg=dict(type='ContextBlock',
                                             ratio=1. / 16)))
    blocks = [m.se for n, m in gc.named_modules() if hasattr(m, 'se')]
    assert len(blocks) == 8 and all(type(b) is ContextBlock for b in blocks)
    widths = [64] * 2 + [128] * 2 + [256] * 2 + [512] * 2
    # conv_mask (C + 1), channel_add: C x C/16 + C/16, LN 2 x C/16, C/16 x C
    # + C.
    extra = sum(c + 1 + 2 * c * (c // 16) + 3 * (c // 16) + c for c in widths)
    assert count(gc) - count(MODELS.build(host)) == extra
    # mmcv zero-initialises the last conv: GC starts as the identity.
    x = torch.randn(1, 3, 32, 32)
    plain = MODELS.build(host)
    plain.load_state_dict(gc.state_dict(), strict=False)
    assert_same(outputs(gc, x), outputs(plain, x))


def test_host_checkpoint_loads_and_the_new_se_weights_are_logged_once(
        tmp_path, mm_logs):
    host = dict(type='mmpretrain.ResNet', depth=18)
    plain = randomise(MODELS.build(host))
    path = tmp_path / 'resnet18.pth'
    torch.save(dict(state_dict=plain.state_dict()), path)
    model = attach(
        dict(host, init_cfg=dict(type='Pretrained', checkpoint=str(path))),
        BASIC)
    model.init_weights()
    state = model.state_dict()
    for key, value in plain.state_dict().items():
        assert torch.equal(state[key], value), key
    se_keys = sorted(k for k in state if '.se.' in k)
    assert len(se_keys) == 8 * 4
    messages = [m for m in mm_logs if '.se.' in m]
    assert len(messages) == 1
    assert all(k in messages[0] for k in se_keys)
    assert 'missing keys' in messages[0]


def test_converted_timm_seresnet18_loads_into_mmdets_resnet18():
    ref = randomise(timm.create_model('seresnet18'))
    converted = convert(ref.state_dict(), 'timm', 'seresnet18')
    model = attach(
        dict(type='mmdet.ResNet', depth=18),
        dict(BASIC, se_cfg=dict(ratio=16, divisor=8)))
    backbone = {
        k[len('backbone.'):]: v
        for k, v in converted.state_dict.items() if k.startswith('backbone.')
    }
    model.load_state_dict(backbone, strict=True)


def test_copies_use_their_own_se_and_sync_bn_conversion_keeps_it():
    from mmengine.model import revert_sync_batchnorm
    host = dict(type='mmdet.ResNet', depth=18, norm_cfg=dict(type='SyncBN'))
    model = randomise(attach(host, BASIC))
    x = torch.randn(1, 3, 32, 32)
    before = outputs(model, x)
    twin = copy.deepcopy(model)
    with torch.no_grad():
        twin.layer1[0].se.fc2.bias.add_(5.0)
    assert not torch.allclose(outputs(twin, x)[0], before[0])
    assert_same(outputs(model, x), before, atol=0)
    # mmengine's Runner does this on every non-distributed run: the BN the
    # hook sat on is a new module afterwards, and SE must still act.
    reverted = revert_sync_batchnorm(model)
    assert type(reverted.layer1[0].bn2) is not nn.SyncBatchNorm
    assert_same(outputs(reverted, x), before, atol=1e-6)
    hooks = reverted.layer1[0].bn2._forward_hooks
    assert len(hooks) == 1  # re-hooked once, not at every forward
    # Pickled (torch.save of a whole model) and loaded, it still recalibrates.
    clone = pickle.loads(pickle.dumps(reverted))
    assert_same(outputs(clone, x), before, atol=1e-6)
    # The keys are the host's plus <block>.se.*, before and after all this.
    extra = set(clone.state_dict()) - set(MODELS.build(host).state_dict())
    assert extra and all('.se.' in k for k in extra)


def test_a_lost_se_module_stops_the_forward():
    model = attach(dict(type='mmdet.ResNet', depth=18), BASIC)
    model.layer2[1] = copy.deepcopy(model.layer2[1])
    del model.layer2[1]._modules['se']
    with pytest.raises(RuntimeError, match=r'BasicBlock\.se is gone'):
        model(torch.randn(1, 3, 32, 32))


HOSTS = {
    # YOLOX-s: SE on each DarknetBottleneck's branch (conv2), before the sum.
    'cspdarknet': (dict(type='mmdet.CSPDarknet', deepen_factor=0.33,
                        widen_factor=0.5),
                   [dict(at='stage*.*.blocks.*', after='conv2')],
                   [32, 64, 64, 64, 128, 128, 128, 256]),
    # ConvNeXt-T: SE on the 7x7 depthwise conv's output.
    'convnext': (dict(type='mmpretrain.ConvNeXt', arch='tiny'),
                 [dict(at='stages.*.*', after='depthwise_conv')],
                 [96] * 3 + [192] * 3 + [384] * 9 + [768] * 3),
    # MobileNetV2: SE after the 3x3 depthwise conv (+BN+ReLU6), as in
    # MobileNetV3 (the first block has no expansion conv).
    'mobilenetv2': (dict(type='mmpretrain.MobileNetV2'), [
        dict(at='layer1.*', after='conv.0'),
        dict(at='layer[2-7].*', after='conv.1')
    ], [32] + [96, 144] + [144, 192, 192] + [192, 384, 384, 384] +
                    [384, 576, 576] + [576, 960, 960] + [960]),
}


@pytest.mark.parametrize('name', HOSTS)
def test_other_hosts_build_train_and_add_the_se_parameters(name):
    host, inserts, channels = HOSTS[name]
    model = attach(host, *inserts)
    se = [m for m in model.modules() if isinstance(m, SELayer)]
    assert [s.in_channels for s in se] == channels
    assert count(model) - count(MODELS.build(host)) == sum(
        se_params(c, c // 16) for c in channels)
    # One training step: every SE module gets a gradient and moves. Adam
    # with a tiny eps: its step does not shrink with the gradient, which
    # ConvNeXt's 1e-6 layer scale makes ~1e-12 at init.
    # fc2's bias: fc1's gradient is 0 where a narrow squeeze's ReLU is dead
    # for the whole batch, which random weights may well give.
    model.train()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-30)
    before = [s.fc2.bias.detach().clone() for s in se]
    out = model(torch.randn(2, 3, 64, 64))
    sum(o.pow(2).mean() for o in out).backward()
    assert all(s.fc2.bias.grad.abs().sum() > 0 for s in se)
    optim.step()
    assert all(not torch.equal(s.fc2.bias, b) for s, b in zip(se, before))


def test_regnety_width_rule_is_of_the_block_input():
    arch = dict(w0=48, wa=27.89, wm=2.09, group_w=8, depth=16, bot_mul=1.0)
    model = attach(dict(type='mmpretrain.RegNet', arch=arch), REGNETY_SE)
    first = model.layer2[0]
    assert (first.conv1.in_channels, first.se.in_channels,
            first.se.squeeze_channels) == (48, 104, 12)
    paper = attach(dict(type='mmpretrain.RegNet', arch=arch),
                   dict(REGNETY_SE, ratio_of='channels'))
    assert paper.layer2[0].se.squeeze_channels == 26


@pytest.mark.parametrize('scope', ['mmdet', 'mmpretrain'])
def test_reachable_from_both_toolboxes_configs(scope):
    """``type='se_plugin.X'`` under either default scope; an unscoped host
    type is the scope's own class."""
    from mmengine.registry import MODELS as ROOT
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope(scope):
        model = ROOT.build(
            dict(
                type='se_plugin.Attach',
                host=dict(type='ResNet', depth=50),
                inserts=dict(
                    at='layer4.*', after='bn3',
                    se_cfg=dict(type='se_plugin.CBAM'))))
        assert type(model).__module__.startswith(scope)
        # mmdet's own plugin slot takes ECA too (Bottleneck blocks only).
        if scope == 'mmdet':
            plugged = ROOT.build(
                dict(
                    type='ResNet', depth=50, plugins=[
                        dict(cfg=dict(type='se_plugin.ECALayer'),
                             position='after_conv3')
                    ]))
            assert isinstance(plugged.layer1[0].eca, ECALayer)
        assert ROOT.get('se_plugin.ECALayer') is ECALayer


def test_module_type_selection_reproduces_se_vgg():
    """``at='**', module_type='ConvModule'``: SE after every conv block of
    mmpretrain's VGG, which is se_plugin.SEVGG, key for key."""
    vgg = dict(depth=11, norm_cfg=dict(type='BN'), num_classes=-1)
    ours = attach(
        dict(type='mmpretrain.VGG', **vgg),
        dict(at='**', module_type='ConvModule'))
    ref = randomise(MODELS.build(dict(type='se_plugin.SEVGG', **vgg)))
    assert sorted(ours.state_dict()) == sorted(ref.state_dict())
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(1, 3, 32, 32)
    assert_same(outputs(ours, x), outputs(ref, x))
