"""SEFPN and MultiLevelSE: shapes, where SE acts, FPN compatibility, errors."""
import copy

import pytest
import torch
import torch.nn as nn
from mmdet.models.necks import FPN
from mmengine.registry import MODELS, init_default_scope

from se_plugin.models import SELayer
from se_plugin.models.necks import SEFPN, MultiLevelSE

IN_CHANNELS = [8, 16, 32, 64]
SE_CFG = dict(ratio=4)


def features(batch=2, size=32):
    torch.manual_seed(0)
    return [
        torch.rand(batch, c, size // 2**i, size // 2**i)
        for i, c in enumerate(IN_CHANNELS)
    ]


def set_gate(module: nn.Module, value: float):
    """Make every SELayer of ``module`` excite by exactly ``value``."""
    for se in module.modules():
        if isinstance(se, SELayer):
            nn.init.zeros_(se.fc2.weight)
            nn.init.constant_(se.fc2.bias,
                              torch.logit(torch.tensor(value)).item())


def twins(se_positions=('output', )):
    """An SEFPN and an FPN with the same FPN weights."""
    torch.manual_seed(1)
    fpn = FPN(IN_CHANNELS, 16, 5).eval()
    sefpn = SEFPN(
        IN_CHANNELS, 16, 5, se_positions=se_positions, se_cfg=SE_CFG).eval()
    missing, unexpected = sefpn.load_state_dict(fpn.state_dict(), strict=False)
    assert unexpected == []
    return fpn, sefpn, missing


@pytest.mark.parametrize('positions, lateral, output', [
    (('output', ), None, [16] * 4),
    (('lateral', ), [8, 16, 32, 64], None),
    (('lateral', 'output'), [8, 16, 32, 64], [16] * 4),
])
def test_sefpn_builds_one_se_per_level(positions, lateral, output):
    neck = SEFPN(IN_CHANNELS, 16, 5, se_positions=positions, se_cfg=SE_CFG)
    for modules, channels in ((neck.lateral_se, lateral), (neck.output_se,
                                                           output)):
        if channels is None:
            assert modules is None
        else:
            assert [se.in_channels for se in modules] == channels
            assert all(se.squeeze_channels == c // 4
                       for se, c in zip(modules, channels))
    outs = neck(features())
    assert [tuple(o.shape) for o in outs] == [(2, 16, 32 // 2**i,
                                               32 // 2**i) for i in range(5)]


def test_sefpn_loads_fpn_weights_and_adds_only_se_keys():
    _, sefpn, missing = twins(se_positions=('lateral', 'output'))
    assert missing and all(
        k.startswith(('lateral_se.', 'output_se.')) for k in missing)
    assert len(missing) == 4 * 4 * 2  # 4 levels x (2 weights + 2 biases) x 2


def test_sefpn_output_se_scales_every_output_level():
    fpn, sefpn, _ = twins()
    set_gate(sefpn, 0.25)
    x = features()
    with torch.no_grad():
        expected = fpn(x)
        outs = sefpn(x)
    # The max-pooled extra level P6 comes from the recalibrated P5.
    for out, ref in zip(outs, expected):
        torch.testing.assert_close(out, 0.25 * ref)


def test_sefpn_lateral_se_scales_the_backbone_features():
    fpn, sefpn, _ = twins(se_positions=('lateral', ))
    set_gate(sefpn, 0.5)
    x = features()
    with torch.no_grad():
        expected = fpn([0.5 * f for f in x])
        outs = sefpn(x)
    for out, ref in zip(outs, expected):
        torch.testing.assert_close(out, ref)


def test_sefpn_with_start_level_and_extra_convs():
    neck = SEFPN(
        IN_CHANNELS,
        16,
        5,
        start_level=1,
        add_extra_convs='on_output',
        se_positions=('lateral', 'output'),
        se_cfg=SE_CFG)
    assert [se.in_channels for se in neck.lateral_se] == [16, 32, 64]
    # 3 pyramid convs + 2 extra convs, each recalibrated.
    assert len(neck.output_se) == 5
    outs = neck(features())
    assert [o.shape[-1] for o in outs] == [16, 8, 4, 2, 1]


def test_sefpn_se_is_trained():
    neck = SEFPN(
        IN_CHANNELS, 16, 5, se_positions=('lateral', 'output'),
        se_cfg=SE_CFG)
    torch.manual_seed(2)
    sum((o * torch.randn_like(o)).sum() for o in neck(features())).backward()
    for se in [*neck.lateral_se, *neck.output_se]:
        assert se.fc2.bias.grad is not None
        assert se.fc2.bias.grad.abs().sum() > 0


def test_sefpn_deepcopy_hooks_use_the_copy():
    _, sefpn, _ = twins(se_positions=('lateral', 'output'))
    clone = copy.deepcopy(sefpn)
    x = features()
    with torch.no_grad():
        before = sefpn(x)
        set_gate(clone, 0.5)
        after = sefpn(x)
        cloned = clone(x)
    for a, b, c in zip(before, after, cloned):
        torch.testing.assert_close(a, b)
        assert not torch.allclose(a, c)


def test_sefpn_is_a_registered_drop_in_for_fpn():
    init_default_scope('mmdet')
    neck = MODELS.build(
        dict(
            type='se_plugin.SEFPN',
            in_channels=IN_CHANNELS,
            out_channels=16,
            num_outs=5,
            se_cfg=dict(ratio=4, gate='hsigmoid')))
    assert isinstance(neck, SEFPN) and isinstance(neck, FPN)
    assert all(isinstance(se.gate, nn.Hardsigmoid) for se in neck.output_se)


@pytest.mark.parametrize('positions, match', [
    (('output', 'inputs'), r"se_positions='inputs'.*'lateral', 'output'"),
    ((), 'non-empty'),
    ('output', 'non-empty tuple'),
])
def test_sefpn_rejects_bad_positions(positions, match):
    with pytest.raises(ValueError, match=match):
        SEFPN(IN_CHANNELS, 16, 5, se_positions=positions)


def test_sefpn_rejects_a_ratio_leaving_no_width():
    with pytest.raises(ValueError, match='in_channels=16'):
        SEFPN(IN_CHANNELS, 16, 5, se_cfg=dict(ratio=32))


def test_multi_level_se_recalibrates_each_level():
    neck = MultiLevelSE(IN_CHANNELS, se_cfg=SE_CFG)
    assert [se.in_channels for se in neck.se] == IN_CHANNELS
    set_gate(neck, 0.5)
    x = features()
    outs = neck(tuple(x))
    assert isinstance(outs, tuple)
    for out, ref in zip(outs, x):
        torch.testing.assert_close(out, 0.5 * ref)
    single = MultiLevelSE(8, se_cfg=SE_CFG)
    assert single(x[0]).shape == x[0].shape


def test_multi_level_se_rejects_mismatched_inputs():
    neck = MultiLevelSE(IN_CHANNELS, se_cfg=SE_CFG)
    with pytest.raises(ValueError, match='got 3 levels but was built for 4'):
        neck(features()[:3])
    with pytest.raises(ValueError, match='got one tensor'):
        neck(features()[0])
    with pytest.raises(ValueError, match=r'in_channels=\[\]'):
        MultiLevelSE([])
    with pytest.raises(ValueError, match=r"in_channels=\[8, 0\]"):
        MultiLevelSE([8, 0])


def test_multi_level_se_in_a_classifier_neck_chain():
    """A classifier's multi-level output: SE per level, then mmpretrain's
    GlobalAveragePooling, chained as a list (built as a Sequential)."""
    init_default_scope('mmpretrain')
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(
                type='se_plugin.SEResNet', depth=18, out_indices=(2, 3)),
            neck=[
                dict(type='se_plugin.MultiLevelSE', in_channels=[256, 512]),
                dict(type='GlobalAveragePooling')
            ],
            head=dict(
                type='LinearClsHead',
                num_classes=10,
                in_channels=512,
                loss=dict(type='CrossEntropyLoss'))))
    assert isinstance(model.neck[0], MultiLevelSE)
    feats = model.extract_feat(torch.rand(2, 3, 32, 32))
    assert [tuple(f.shape) for f in feats] == [(2, 256), (2, 512)]
    assert model(torch.rand(2, 3, 32, 32)).shape == (2, 10)
