"""SE in MMSegmentation's ResNetV1c and MMPose's ResNet, drop-in.

Skipped when the optional extras (``pip install -e ".[seg,pose]"``) are not
installed; CI installs them.
"""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm

mmseg = pytest.importorskip('mmseg', reason='se_plugin[seg] not installed')
mmpose = pytest.importorskip('mmpose', reason='se_plugin[pose] not installed')

from mmpose.models.backbones import ResNet as PoseResNet  # noqa: E402
from mmseg.models.backbones import ResNetV1c  # noqa: E402

from se_plugin.models.backbones.pose_resnet import SEPoseResNet  # noqa
from se_plugin.models.backbones.seg_resnet import SESegResNetV1c  # noqa
from se_plugin.registry import MODELS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
UPERNET = ROOT / 'configs/seg/upernet_se-r50_4xb4-160k_ade20k-512x512.py'
FCN = ROOT / 'configs/seg/fcn_se-r50-d8_4xb2-80k_cityscapes-512x1024.py'
POSE = ROOT / 'configs/pose/td-hm_se-res50_8xb64-210e_coco-256x192.py'
# Bottleneck output channels of ResNet-50's stages and their block counts.
R50 = ((256, 3), (512, 4), (1024, 6), (2048, 3))


def se_params(stages, r=16):
    """The paper's SE cost: per block 2 C^2 / r weights plus C / r + C
    biases (two 1x1 convs with biases)."""
    return sum(n * (2 * c * c // r + c // r + c) for c, n in stages)


def count(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('cls, host', [(SESegResNetV1c, ResNetV1c),
                                       (SEPoseResNet, PoseResNet)])
def test_parameters_are_host_plus_se_formula(cls, host):
    """Golden (hand formula): 2,530,992 SE parameters on ResNet-50."""
    assert se_params(R50) == 2530992
    assert count(cls(depth=50)) == count(host(depth=50)) + se_params(R50)


def test_basic_block_gets_se_after_bn2():
    model = SEPoseResNet(depth=18, out_indices=(0, 1, 2, 3))
    stages = ((64, 2), (128, 2), (256, 2), (512, 2))
    assert count(model) == count(PoseResNet(depth=18)) + se_params(stages)
    assert model.layer4[1].se.fc2.out_channels == 512


def test_host_checkpoint_leaves_exactly_se_missing():
    host = ResNetV1c(depth=50)
    model = SESegResNetV1c(depth=50)
    result = model.load_state_dict(host.state_dict(), strict=False)
    assert result.unexpected_keys == []
    assert sorted(result.missing_keys) == sorted(
        k for k in model.state_dict() if '.se.' in k)
    assert len(result.missing_keys) == 16 * 4
    assert 'layer1.0.se.fc1.weight' in result.missing_keys


def test_se_is_on_the_residual_branch_before_the_sum():
    """Standard placement: the block's output is
    relu(identity + se(bn3(...))); a gate forced to 0 leaves relu(identity)
    of the block's input."""
    model = SEPoseResNet(depth=50).eval()
    block = model.layer1[1]  # no downsample: identity is the input
    torch.nn.init.constant_(block.se.fc2.weight, 0)
    torch.nn.init.constant_(block.se.fc2.bias, -1e4)  # sigmoid -> 0
    x = torch.randn(1, 256, 8, 8)
    with torch.no_grad():
        assert torch.equal(block(x), torch.relu(x))


def test_se_cfg_none_is_the_host():
    torch.manual_seed(0)
    host = ResNetV1c(depth=50, dilations=(1, 1, 2, 4),
                     strides=(1, 2, 1, 1), contract_dilation=True)
    host.eval()  # mmseg's ResNet.train returns None
    torch.manual_seed(0)
    plain = SESegResNetV1c(depth=50, dilations=(1, 1, 2, 4),
                           strides=(1, 2, 1, 1), contract_dilation=True,
                           se_cfg=None).eval()
    assert plain.state_dict().keys() == host.state_dict().keys()
    plain.load_state_dict(host.state_dict())
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        assert all(torch.equal(a, b) for a, b in zip(plain(x), host(x)))


def test_host_options_keep_their_meaning():
    """FCN-D8's dilated stages 3-4 (contract_dilation: the first block of a
    dilated stage uses half the rate) and multi_grid reach the blocks."""
    model = SESegResNetV1c(depth=50, dilations=(1, 1, 2, 4),
                           strides=(1, 2, 1, 1), contract_dilation=True,
                           multi_grid=(1, 2, 4))
    assert model.layer3[0].conv2.dilation == (1, 1)
    assert model.layer3[1].conv2.dilation == (2, 2)
    # mmseg's multi_grid gives the last stage's rates outright.
    assert [b.conv2.dilation[0] for b in model.layer4] == [1, 2, 4]
    out = model.eval()(torch.randn(1, 3, 64, 64))
    assert [o.shape[-1] for o in out] == [16, 8, 8, 8]


def test_se_stages_and_se_cfg():
    model = SEPoseResNet(depth=50, se_stages=(False, False, True, True),
                         se_cfg=dict(ratio=8))
    assert not hasattr(model.layer2[0], 'se')
    assert model.layer3[0].se.fc1.out_channels == 1024 // 8


def test_syncbn_reverted_by_the_runner_keeps_se():
    """mmseg's recipes use SyncBN; mmengine's Runner swaps it for BN on one
    process, which replaces the hooked ``bn3``: SE must still act."""
    model = SESegResNetV1c(depth=50, norm_cfg=dict(type='SyncBN'))
    model = revert_sync_batchnorm(model).eval()
    block = model.layer1[1]
    torch.nn.init.constant_(block.se.fc2.weight, 0)
    torch.nn.init.constant_(block.se.fc2.bias, -1e4)
    seen = {}
    block.register_forward_hook(lambda m, a, out: seen.update(out=out))
    block.register_forward_pre_hook(lambda m, a: seen.update(x=a[0]))
    with torch.no_grad():
        model(torch.randn(1, 3, 32, 32))
    assert torch.equal(seen['out'], torch.relu(seen['x']))


def test_recipe_changes_only_the_type(tmp_path):
    """The leaf configs are mmseg's / mmpose's ResNet-50 recipes with only
    the backbone type changed (ImageNet init and every option kept)."""
    for leaf, base in ((UPERNET, 'upernet/upernet_r50_4xb4-160k_ade20k-'
                        '512x512.py'),
                       (FCN, 'fcn/fcn_r50-d8_4xb2-80k_cityscapes-512x1024.py'),
                       (POSE, 'body_2d_keypoint/topdown_heatmap/coco/'
                        'td-hm_res50_8xb64-210e_coco-256x192.py')):
        ours = Config.fromfile(str(leaf))
        toolbox = 'mmpose' if leaf == POSE else 'mmseg'
        plain = tmp_path / f'{toolbox}.py'
        plain.write_text(f"_base_ = '{toolbox}::{base}'\n")
        theirs = Config.fromfile(str(plain))
        assert ours.model.backbone.pop('type').startswith('se_plugin.SE')
        theirs.model.backbone.pop('type')
        # ...and our checkpoint hook, which every shipped config saves with.
        assert ours.default_hooks.checkpoint.pop('type') == \
            'se_plugin.SafeCheckpointHook'
        theirs.default_hooks.checkpoint.pop('type')
        assert ours.to_dict() == theirs.to_dict(), leaf.name


def test_model_level_pretrained_loads_the_host(tmp_path, mm_logs):
    """mmseg's ``pretrained=`` (here a local host checkpoint instead of
    open-mmlab://resnet50_v1c) initialises the host weights; SE keeps its
    own initialisation."""
    torch.manual_seed(0)
    host = ResNetV1c(depth=50)
    ckpt = tmp_path / 'r50_v1c.pth'
    torch.save(dict(state_dict=host.state_dict()), ckpt)
    cfg = Config.fromfile(str(FCN))
    cfg.model.pretrained = str(ckpt)
    model = MODELS.build(cfg.model)
    model.init_weights()
    # mmengine's loader reports the SE weights once, as missing keys.
    (report, ) = [m for m in mm_logs if 'missing keys' in m]
    assert report.count('layer1.0.se.fc1.weight') == 1
    assert 'unexpected key' not in report
    got = model.backbone.state_dict()
    assert all(torch.equal(got[k], v) for k, v in host.state_dict().items())
    assert got['layer1.0.se.fc1.weight'].abs().sum() > 0
