"""tests/goldens.py's counts are those of the reference implementations.

Built on the meta device: no weights are drawn (a few ms per model)."""
import pytest
import timm
import torch
import torchvision

import goldens


def n_params(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('name, golden', [
    *goldens.TIMM_TABLE2.items(),
    ('resnet18', goldens.RESNET18),
    ('resnet34', goldens.RESNET34),
    ('inception_resnet_v2', goldens.INCEPTION_RESNET_V2),
    ('legacy_senet154', goldens.SENET154),
    ('regnety_004', goldens.REGNETY_400MF),
    ('ecaresnet50d', goldens.ECA_RESNET50D),
    ('vgg16_bn', goldens.VGG16_BN),
])
def test_timm_counts(name, golden):
    with torch.device('meta'):
        assert n_params(timm.create_model(name)) == golden


def test_timm_cbam_resnet50_count():
    from timm.models.resnet import Bottleneck, ResNet
    with torch.device('meta'):
        model = ResNet(Bottleneck, [3, 4, 6, 3],
                       block_args=dict(attn_layer='cbam'))
    assert n_params(model) == goldens.CBAM_RESNET50


def test_torchvision_resnet50_count():
    with torch.device('meta'):
        assert n_params(torchvision.models.resnet50()) == goldens.RESNET50


def test_basic_head_is_resnet18s_fc():
    with torch.device('meta'):
        fc = torchvision.models.resnet18().fc
    assert n_params(fc) == goldens.RESNET_BASIC_HEAD


def test_se_params_is_timms_se_resnet50_extra():
    """The formula, with biases, gives timm's SE-ResNet-50 minus ResNet-50:
    its SE modules at r = 16 on every bottleneck's output."""
    extra = goldens.se_params(
        goldens.per_block(goldens.WIDTHS_50, goldens.STAGES_50))
    assert goldens.RESNET50 + extra == goldens.SE_RESNET50
