"""Converted weights give the peer model's logits; bad input is refused.

Every pair: the peer with random weights (and random BN statistics, so no
layer is an identity), its state dict converted, loaded strictly into the
se_plugin classifier built from the emitted config, same logits in eval mode.
"""
import functools
import subprocess
import sys

import pytest
import timm
import torch
import torchvision
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from se_plugin.apis import build_model
from se_plugin.converters import (TIMM, TORCHVISION, convert, get_spec,
                                  load_weights)
from se_plugin.engine.errors import CheckpointError
from se_plugin.models import PortedSEResNet

TOL = 1e-4
# One model per family (key layout x block x stem) stays in the default
# suite; the others repeat a family at a greater depth or width, take
# 5-20 s each on 2 CPU cores, and run with the slow tests.
FAST = {
    'timm': ('legacy_seresnet18', 'legacy_seresnet50',
             'legacy_seresnext26_32x4d', 'legacy_senet154', 'seresnet18',
             'seresnext26d_32x4d'),
    'torchvision': ('resnet18', 'resnext50_32x4d'),
    'mmpretrain': ('seresnet50_8xb32_in1k', 'resnet18_8xb32_in1k'),
}
MMPRETRAIN = ('seresnet50_8xb32_in1k', 'seresnet101_8xb32_in1k',
              'mmpretrain::seresnet/seresnext50-32x4d_8xb32_in1k.py',
              'resnet18_8xb32_in1k', 'resnet50_8xb32_in1k',
              'resnetv1d50_8xb32_in1k', 'resnext50-32x4d_8xb32_in1k')


def _params(source, names):
    return [
        n if n in FAST[source] else pytest.param(n, marks=pytest.mark.slow)
        for n in names
    ]


def randomize(model, seed=0):
    """Random BN affine and statistics: BN would otherwise start as an
    identity, and timm zero-inits the last BN of each residual branch. That
    BN gets a small scale, so the 100+ residual sums of the deep models stay
    well-conditioned (with unit scales their random-weight logits reach
    1e3 and amplify float rounding to more than the tolerance)."""
    gen = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            m.weight.data = torch.rand(n, generator=gen) * 0.5 + 0.5
            m.bias.data = torch.randn(n, generator=gen) * 0.1
            m.running_mean = torch.randn(n, generator=gen) * 0.1
            m.running_var = torch.rand(n, generator=gen) * 0.5 + 0.5
    for block in model.modules():
        last = getattr(block, 'bn3', None) or getattr(block, 'bn2', None)
        if isinstance(last, torch.nn.BatchNorm2d):
            last.weight.data *= 0.2
    return model.eval()


@pytest.fixture(scope='module')
def images():
    gen = torch.Generator().manual_seed(1)
    return torch.randn(2, 3, 64, 64, generator=gen)


def mmpretrain_peer(arch):
    cfg = get_config(get_spec('mmpretrain', arch).base)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MMPRETRAIN_MODELS.build(cfg.model)


PEERS = {
    'timm': lambda arch: timm.create_model(arch, pretrained=False),
    'torchvision': lambda arch: getattr(torchvision.models, arch)(),
    'mmpretrain': mmpretrain_peer,
}


@functools.lru_cache(maxsize=4)
def peer_and_conversion(source, arch):
    torch.manual_seed(0)
    peer = randomize(PEERS[source](arch))
    # load_state_dict(strict=True) below checks what check=True would.
    return peer, convert(peer.state_dict(), source, arch, check=False)


def max_diff(source, arch, images, tmp_path=None, **overrides):
    """Max abs logit difference between the peer and its conversion."""
    peer, converted = peer_and_conversion(source, arch)
    config = converted.config
    if overrides:  # a deliberately wrong architecture option
        config += f'model.update(backbone=dict(model["backbone"], ' \
                  f'**{overrides!r}))\n'
    if tmp_path is not None:
        (tmp_path / 'model.py').write_text(config)
        config = str(tmp_path / 'model.py')
    else:
        config = Config.fromstring(config, '.py')
    model = build_model(config)
    result = model.load_state_dict(converted.state_dict, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    with torch.no_grad():
        expected = peer(images) if source != 'mmpretrain' else peer(
            images, mode='tensor')
        return (model(images, mode='tensor') - expected).abs().max().item()


@pytest.mark.parametrize('arch', _params('timm', TIMM))
def test_timm(arch, images):
    assert max_diff('timm', arch, images) <= TOL


@pytest.mark.parametrize('arch', _params('torchvision', TORCHVISION))
def test_torchvision(arch, images):
    assert max_diff('torchvision', arch, images) <= TOL


@pytest.mark.parametrize('arch', _params('mmpretrain', MMPRETRAIN))
def test_mmpretrain(arch, images):
    assert max_diff('mmpretrain', arch, images) <= TOL


def test_config_file(images, tmp_path):
    """The emitted config builds the model from a file with no
    ``custom_imports``: a fresh interpreter that imports only mmengine and
    mmpretrain finds the ported backbone through the registry's
    ``locations`` (se_plugin.models), without se_plugin.converters."""
    assert max_diff('timm', 'legacy_seresnext26_32x4d', images,
                    tmp_path) <= TOL
    text = (tmp_path / 'model.py').read_text()
    assert "type='se_plugin.PortedSEResNeXt'" in text
    assert 'custom_imports' not in text
    check = ("import sys\n"
             "from mmengine.config import Config\n"
             "from mmengine.registry import init_default_scope\n"
             "from mmpretrain.registry import MODELS\n"
             "cfg = Config.fromfile('model.py')\n"
             "init_default_scope(cfg.default_scope)\n"
             "model = MODELS.build(cfg.model)\n"
             "print(type(model.backbone).__name__, "
             "'se_plugin.converters' in sys.modules)\n")
    result = subprocess.run([sys.executable, '-c', check], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split('\n')[-2] == 'PortedSEResNeXt False'


@pytest.mark.parametrize('option', [
    dict(stem_pool='pytorch'),
    dict(style='pytorch'),
])
def test_caffe_options_matter(option, images):
    """The Caffe port needs both its pooling and its stride placement."""
    assert max_diff('timm', 'legacy_seresnet50', images, **option) > 10 * TOL


def test_legacy_basic_block_relu_matters(images):
    assert max_diff(
        'timm', 'legacy_seresnet18', images, residual_relu=False) > 10 * TOL


def test_timm_squeeze_width():
    """timm rounds C/16 to a multiple of 8, the Caffe ports floor it."""
    assert convert(timm.create_model('seresnet18').state_dict(), 'timm',
                   'seresnet18').state_dict[
                       'backbone.layer1.0.se.fc1.weight'].shape[0] == 8
    assert convert(
        timm.create_model('legacy_seresnet18').state_dict(), 'timm',
        'legacy_seresnet18').state_dict[
            'backbone.layer1.0.se.fc1.weight'].shape[0] == 4


@pytest.mark.parametrize('source, arch, match', [
    ('caffe', 'se_resnet50', "source='caffe' is not supported; allowed"),
    ('timm', 'seresnet9000', "arch='seresnet9000' is not supported for "
     "source='timm'; allowed: .*'legacy_seresnet50'"),
    ('timm', 'seresnet50t', 'tiered deep stem'),
    ('timm', 'seresnextaa101d_32x8d', 'anti-aliasing'),
    ('torchvision', 'wide_resnet50_2', "arch='wide_resnet50_2'"),
    ('mmpretrain', 'vit-base-p16_32xb128-mae_in1k',
     "backbone type='VisionTransformer'.*allowed: .*'SEResNet'"),
    ('mmpretrain', 'no_such_model', 'neither an mmpretrain model name'),
])
def test_refuses_unknown_arch(source, arch, match):
    with pytest.raises(ValueError, match=match):
        convert({}, source, arch)


def test_refuses_foreign_checkpoint():
    tv = torchvision.models.resnet18().state_dict()
    # Right keys for the layout but the wrong network.
    with pytest.raises(ValueError, match=r"does not fit arch='resnet34': "
                       r'\d+ missing keys'):
        convert(tv, 'torchvision', 'resnet34')
    # Keys of another layout.
    with pytest.raises(ValueError, match="not in the 'cadene' layout"):
        convert(tv, 'timm', 'legacy_seresnet18')
    # Same keys, other shapes (ResNeXt's grouped conv).
    rx = torchvision.models.resnext50_32x4d().state_dict()
    with pytest.raises(ValueError, match=r'\d+ mis-shaped keys'):
        convert(rx, 'torchvision', 'resnet50')
    # A backbone without a classifier.
    del tv['fc.weight'], tv['fc.bias']
    with pytest.raises(ValueError, match='no classifier weights'):
        convert(tv, 'torchvision', 'resnet18')


def test_ported_options():
    with pytest.raises(ValueError, match=r"stem_pool='max' is not "
                       r"supported; allowed: \('pytorch', 'caffe'\)"):
        PortedSEResNet(depth=18, stem_pool='max')
    with pytest.raises(ValueError, match='residual_relu=True needs basic '
                       'blocks; depth=50'):
        PortedSEResNet(depth=50, residual_relu=True)


def test_load_weights(tmp_path):
    sd = torchvision.models.resnet18().state_dict()
    torch.save(dict(state_dict=sd, meta={}), tmp_path / 'nested.pth')
    torch.save(sd, tmp_path / 'raw.pth')
    from safetensors.torch import save_file
    save_file(sd, tmp_path / 'hub.safetensors')
    for name in ('nested.pth', 'raw.pth', 'hub.safetensors'):
        assert load_weights(str(tmp_path / name)).keys() == sd.keys()
    torch.save([1, 2], tmp_path / 'bad.pth')
    with pytest.raises(CheckpointError,
                       match='bad.pth: holds a list, not the dict'):
        load_weights(str(tmp_path / 'bad.pth'))
    torch.save(dict(epoch=3), tmp_path / 'meta.pth')
    with pytest.raises(ValueError, match='meta.pth holds no state dict'):
        load_weights(str(tmp_path / 'meta.pth'))
    (tmp_path / 'cut.safetensors').write_bytes(b'\x10' * 12)
    with pytest.raises(CheckpointError, match='not a readable safetensors'):
        load_weights(str(tmp_path / 'cut.safetensors'))


def test_cli(load_tool, tmp_path, images):
    """The CLI's checkpoint loads with mmengine into its config's model."""
    main = load_tool('model_converters/to_se_plugin.py').main
    peer, _ = peer_and_conversion('timm', 'legacy_seresnet50')
    torch.save(peer.state_dict(), tmp_path / 'se_resnet50.pth')
    main(['timm', 'legacy_seresnet50', str(tmp_path / 'se_resnet50.pth'),
          str(tmp_path / 'out' / 'legacy_seresnet50.pth')])
    model = build_model(str(tmp_path / 'out' / 'legacy_seresnet50.py'))
    load_checkpoint(model, str(tmp_path / 'out' / 'legacy_seresnet50.pth'),
                    strict=True)
    with torch.no_grad():
        diff = model.eval()(images, mode='tensor') - peer(images)
    assert diff.abs().max() <= TOL
