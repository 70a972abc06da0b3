"""The rest of the SENet family (issue 4): SENet-154, SE-BN-Inception,
SE-Inception-ResNet-v2, SE-VGG-16, SE-MobileNet, SE-ShuffleNet.

Every model is built from its ImageNet config. Parameter and FLOP counts
against the paper are in test_senet_family_complexity.py.
"""
import copy
import functools
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
import timm
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.models import VGG, ShuffleNetV1
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from se_plugin.models import (DropoutLinearClsHead, SEBNInception,
                              SEInceptionResNetV2, SELayer, SEMobileNetV1,
                              SENet154, SEShuffleNetV1, SEVGG)
from se_plugin.models.backbones.se_attach import attach_se

ROOT = Path(__file__).resolve().parents[1]
# Parses mmpretrain's metafiles once for all ``mmpretrain::`` bases.
pytestmark = pytest.mark.usefixtures('cached_metafiles')
#: model -> (SE config, baseline config or None, input size of the paper).
MODELS_ = {
    'mobilenet_v1': ('se_mobilenet_v1', 'mobilenet_v1', 224),
    'shufflenet_v1': ('se_shufflenet_v1', 'shufflenet_v1', 224),
    'bn_inception': ('se_bn_inception', 'bn_inception', 224),
    'vgg16bn': ('se_vgg16bn', 'vgg16bn', 224),
    'inception_resnet_v2':
    ('se_inception_resnet_v2', 'inception_resnet_v2', 299),
    # SENet-154 is SE by construction; the paper has no baseline for it.
    'senet154': ('senet154', None, 224),
}
#: The smallest inputs every layer still handles (VGG's classifier is
#: fixed to 7x7 features; Inception-ResNet-v2's 'valid' convs need >= 75).
#: All other networks are convolutional up to the global pooling, so a
#: smaller input runs the same layers with the same weights.
SMALL = {
    'mobilenet_v1': 64,
    'shufflenet_v1': 64,
    'bn_inception': 64,
    'vgg16bn': 224,
    'inception_resnet_v2': 75,
    'senet154': 64,
}


def config_path(name):
    """``configs/<family>/<name>_imagenet.py``."""
    path, = ROOT.glob(f'configs/*/{name}_imagenet.py')
    return str(path)


def config(name):
    return Config.fromfile(config_path(name))


@functools.lru_cache(None)
def build(name):
    """The classifier of config ``name``, cached, tests restore what they
    change. PyTorch's default initialisation: mmengine's ``init_weights``
    takes 20 s for SENet-154 and is not what these tests are about."""
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(config(name).model)
    return model


def se_modules(model):
    return [m for m in model.modules() if isinstance(m, SELayer)]


# ------------------------------------------------------- every model works
def check_model(family, size, batch):
    """Train mode (BN batch statistics, as in training; eval mode with fresh
    running statistics lets activations vanish through untrained layers)."""
    model = build(MODELS_[family][0]).train()
    x = torch.randn(batch, 3, size, size)

    def logits():
        torch.manual_seed(0)  # the same dropout mask in SENet-154's head
        return model(x, mode='tensor')

    # Forward and backward: the classifier's shape, a gradient everywhere.
    model.zero_grad(set_to_none=True)
    before = logits()
    assert before.shape == (batch, 1000)
    F.cross_entropy(before, torch.arange(batch) * 999 % 1000).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []
    assert all(torch.isfinite(p.grad).all() for p in model.parameters())
    for se in se_modules(model):
        assert se.fc1.weight.grad.abs().sum() > 0
    model.zero_grad(set_to_none=True)

    # SE is really in the graph: raising the gate of the first or of the
    # last SE module moves the logits; restoring it restores them.
    with torch.no_grad():
        before = before.detach()
        for se in (se_modules(model)[0], se_modules(model)[-1]):
            bias = se.fc2.bias.clone()
            se.fc2.bias += 3.0
            change = (logits() - before).abs().max()
            se.fc2.bias.copy_(bias)
            assert change > 1e-3 * before.abs().max()
        torch.testing.assert_close(logits(), before)


@pytest.mark.parametrize('family', list(MODELS_))
def test_gradients_output_shape_and_se_in_the_graph(family):
    """At the smallest valid input (``SMALL``; VGG-16's classifier needs
    224, batch 1 there); the paper's sizes are the slow test below."""
    check_model(family, SMALL[family], 1 if family == 'vgg16bn' else 2)


@pytest.mark.slow
@pytest.mark.parametrize('family', list(MODELS_))
def test_the_same_at_the_papers_input_size(family):
    """Slow: 20-90 s per network on 2 CPU cores at 224 / 299."""
    check_model(family, MODELS_[family][2], 2)


@pytest.mark.parametrize(
    'family', [f for f, (_, base, _) in MODELS_.items() if base])
def test_baseline_differs_from_the_se_model_only_in_se(family):
    se_name, base_name, _ = MODELS_[family]
    se_keys = set(build(se_name).state_dict())
    base_keys = set(build(base_name).state_dict())
    assert se_modules(build(base_name)) == []
    assert base_keys < se_keys
    assert all('.se.' in k for k in se_keys - base_keys)


@pytest.mark.parametrize('ours,theirs', [
    (dict(type=SEVGG, depth=11, norm_cfg=dict(type='BN'), num_classes=10),
     VGG),
    (dict(type=SEShuffleNetV1, groups=3), ShuffleNetV1),
])
def test_baseline_is_exactly_mmpretrains_network(ours, theirs):
    """se_cfg=None reuses mmpretrain's network unchanged (same keys,
    same outputs for the same weights)."""
    kwargs = {k: v for k, v in ours.items() if k != 'type'}
    size = 224 if theirs is VGG else 64
    plain, reference = ours['type'](se_cfg=None, **kwargs), theirs(**kwargs)
    assert list(plain.state_dict()) == list(reference.state_dict())
    plain.load_state_dict(reference.state_dict())
    reference.eval()  # mmpretrain's VGG/ShuffleNetV1.train return None
    x = torch.randn(1, 3, size, size)
    torch.testing.assert_close(plain.eval()(x), reference(x))


# ------------------------------------------------------------ structures
def test_senet154_has_the_released_models_layers():
    """Same parameter shapes as timm's port of the Caffe SENet-154."""
    ours = build('senet154')
    ported = timm.create_model('legacy_senet154', pretrained=False)
    shapes = sorted(tuple(p.shape) for p in ours.parameters())
    assert shapes == sorted(tuple(p.shape) for p in ported.parameters())
    backbone = ours.backbone
    assert [m.conv.out_channels for m in backbone.stem] == [64, 64, 128]
    block = backbone.layer1[0]
    assert (block.conv1.out_channels, block.conv2.out_channels,
            block.conv2.groups) == (128, 256, 64)
    # 1x1 projection in the first stage, 3x3 stride 2 after it.
    kernels = [(layer[0].downsample[0].kernel_size,
                layer[0].downsample[0].stride)
               for layer in (backbone.layer1, backbone.layer2,
                             backbone.layer3, backbone.layer4)]
    assert kernels == [((1, 1), (1, 1))] + [((3, 3), (2, 2))] * 3
    assert isinstance(ours.head, DropoutLinearClsHead)
    assert ours.head.dropout.p == 0.2


def test_inception_resnet_v2_is_the_released_network():
    """timm's port of the TF-slim model has exactly our parameters."""
    ported = timm.create_model('inception_resnet_v2', pretrained=False)
    ours = build('inception_resnet_v2')
    assert sorted(tuple(p.shape) for p in ours.parameters()) == sorted(
        tuple(p.shape) for p in ported.parameters())


@pytest.mark.parametrize('cls,size,shapes', [
    (SEMobileNetV1, 224, [(64, 112), (128, 56), (256, 28), (512, 14),
                          (1024, 7)]),
    (SEBNInception, 224, [(192, 28), (320, 28), (608, 14), (1024, 7)]),
    (SEInceptionResNetV2, 299, [(192, 35), (320, 35), (1088, 17),
                                (1536, 8)]),
])
def test_stage_outputs(cls, size, shapes):
    """Shapes only, so on PyTorch's meta device (no memory, no compute)."""
    with torch.device('meta'):
        backbone = cls(out_indices=tuple(range(len(shapes))))
        outs = backbone.eval()(torch.empty(1, 3, size, size))
    assert [(o.shape[1], o.shape[2]) for o in outs] == shapes
    assert backbone.out_channels == shapes[-1][0]


def test_se_counts_and_widths_follow_the_placements():
    """One SE per pointwise conv / Inception module / residual unit / conv
    block, as wide as the tensor it recalibrates (r=16)."""
    counts = {
        'se_mobilenet_v1': (13, 64, 1024),
        'se_shufflenet_v1': (16, 216, 960),
        'se_bn_inception': (10, 256, 1056),
        'se_vgg16bn': (13, 64, 512),
        'se_inception_resnet_v2': (40, 320, 2080),
        'senet154': (50, 256, 2048),
    }
    for name, (num, low, high) in counts.items():
        ses = se_modules(build(name))
        widths = [se.in_channels for se in ses]
        assert (len(ses), min(widths), max(widths)) == (num, low, high)
        assert all(se.squeeze_channels == se.in_channels // 16 for se in ses)


# ----------------------------------------------------------------- options
def test_frozen_stages_and_norm_eval():
    backbone = SEBNInception(frozen_stages=2, norm_eval=True).train()
    for i, stage in enumerate(backbone.stages):
        assert all(not p.requires_grad
                   for p in stage.parameters()) == (i < 2)
        assert stage.training == (i >= 2)
    assert not any(m.training for m in backbone.modules()
                   if isinstance(m, _BatchNorm))
    assert backbone.out_indices == (3, )
    assert SEMobileNetV1(out_indices=(-1, 0)).out_indices == (4, 0)


def test_deepcopy_uses_its_own_se_weights():
    """The SE hook looks its module up on the hooked module (EMA-safe)."""
    model = SEMobileNetV1()  # train mode: BN batch statistics
    twin = copy.deepcopy(model)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        before = model(x)[0]
        se_modules(twin)[0].fc2.bias += 3.0
        torch.testing.assert_close(model(x)[0], before)
        assert not torch.allclose(twin(x)[0], before)


def test_dropout_head():
    head = DropoutLinearClsHead(dropout_rate=0.2, num_classes=3,
                                in_channels=512)
    feats = (torch.ones(4, 512), )
    torch.manual_seed(0)
    assert not torch.equal(head.train()(feats), head(feats))
    torch.testing.assert_close(head.eval()(feats), head(feats))


@pytest.mark.parametrize('build_bad,message', [
    (lambda: SEVGG(se_cfg='on', depth=11), "SEVGG.se_cfg='on'"),
    (lambda: SEShuffleNetV1(se_cfg=16), 'SEShuffleNetV1.se_cfg=16'),
    (lambda: SEMobileNetV1(se_cfg=[1]), 'SEMobileNetV1.se_cfg=[1]'),
])
def test_se_cfg_must_be_a_dict_or_none(build_bad, message):
    with pytest.raises(TypeError, match=message.replace('[', r'\[')):
        build_bad()


@pytest.mark.parametrize('build_bad,message', [
    (lambda: SEMobileNetV1(out_indices=(5, )),
     r'SEMobileNetV1.out_indices=\(5,\).*\[-5, 4\]'),
    (lambda: SEBNInception(out_indices=()), r'out_indices=\(\)'),
    (lambda: SEInceptionResNetV2(frozen_stages=5),
     r'SEInceptionResNetV2.frozen_stages=5.*-1\.\.4'),
    (lambda: SEMobileNetV1(widen_factor=0), 'widen_factor=0'),
    (lambda: SENet154(avg_down=True),
     r'SENet154.avg_down=True.*allowed: \(False,\)'),
    (lambda: DropoutLinearClsHead(
        dropout_rate=1.0, num_classes=2, in_channels=4),
     r'dropout_rate=1.0.*\[0, 1\)'),
    (lambda: attach_se(SEMobileNetV1().stages[0][1].pointwise_conv, dict(),
                       64), "ConvModule.se='SELayer'.*an owner without"),
])
def test_bad_options_raise_value_errors(build_bad, message):
    with pytest.raises(ValueError, match=message):
        build_bad()


# ------------------------------------------------------- training on digits


#: Training crop of the step: the smallest valid size (see ``SMALL``); the
#: paper's sizes are covered by the gradient tests above.
TRAIN_CROP = {se: SMALL[family] for family, (se, _, _) in MODELS_.items()}


#: 40-75 s each on 2 CPU cores (building and initialising 56-138M
#: parameters dominates): slow. The three others run the same path
#: (config -> tools/train.py -> Runner -> SE backbone) in the default suite.
SLOW_STEP = ('se_vgg16bn', 'se_inception_resnet_v2', 'senet154')


@pytest.mark.parametrize('name', [
    pytest.param(se, marks=[pytest.mark.slow] if se in SLOW_STEP else [])
    for se, _, _ in MODELS_.values()
])
def test_one_training_step_on_digits(load_tool, name, digits_root, tmp_path):
    """One SGD step through tools/train.py with the ImageNet config on the
    digits data (ImageNet layout, labels 0-9 of the 1000 classes)."""
    options = [
        f'train_dataloader.dataset.data_root={digits_root}',
        'train_dataloader.dataset.indices=2', 'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=100',
        'default_hooks.checkpoint.save_last=False', f'experiment_name={name}',
        'randomness.seed=0'
    ]
    options.append(
        f'train_dataloader.dataset.pipeline.1.scale={TRAIN_CROP[name]}')
    load_tool('train.py').main([
        config_path(name), '--work-dir',
        str(tmp_path), '--no-validate', '--cfg-options', *options
    ])
    logs = list(tmp_path.glob('*/vis_data/scalars.json'))
    assert len(logs) == 1
    records = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert [r['iter'] for r in records] == [1]
    assert 0 < records[0]['loss'] < 20
