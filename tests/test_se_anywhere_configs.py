"""The se_plugin.Attach configs: reference parameter counts, one option apart,
and the two detectors training on the toy COCO data with mmengine's Runner.
"""
import goldens
import pytest
import torch
from mmengine.config import Config
from test_detection_train import REPO, SHORT, SHRINK, logged

from se_plugin.datasets.digits_coco import make_digits_coco
from se_plugin.registry import MODELS

CONFIGS = REPO / 'configs'
R50 = goldens.RESNET50  # mmpretrain's ResNet-50 with the 1000-class head

pytestmark = pytest.mark.usefixtures('cached_metafiles')


def gc_params(channels, ratio=16):
    """mmcv ContextBlock: conv_mask (C + 1), channel_add conv (C x P + P),
    LayerNorm (2 P), conv (P x C + C), P = C / ratio."""
    p = channels // ratio
    return channels + 1 + 2 * channels * p + 3 * p + channels


R50_BLOCKS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
PARAMS = {
    'attention/se_resnet50_imagenet.py': goldens.SE_RESNET50,
    # ECA's kernel sizes 5, 5, 5, 7 in the four stages.
    'attention/eca_resnet50_imagenet.py': R50 + 5 * 13 + 7 * 3,
    'attention/cbam_resnet50_imagenet.py': goldens.CBAM_RESNET50,
    'attention/gc_resnet50_imagenet.py':
    R50 + sum(gc_params(c) for c in R50_BLOCKS),
    'attention/eca_resnet50d_imagenet.py': goldens.ECA_RESNET50D,
    'regnet/regnety-400mf_8xb128_imagenet.py': goldens.REGNETY_400MF,
}


def build(path, part=None):
    cfg = Config.fromfile(str(CONFIGS / path))
    return MODELS.build(cfg.model if part is None else cfg.model[part])


@pytest.mark.parametrize('path', PARAMS)
def test_attention_configs_build_with_the_reference_counts(
        path, no_weight_init):
    model = build(path)
    assert sum(p.numel() for p in model.parameters()) == PARAMS[path]


def test_se_eca_cbam_gc_configs_are_one_option_apart():
    cfgs = {
        kind: Config.fromfile(
            str(CONFIGS / f'attention/{kind}_resnet50_imagenet.py'))
        for kind in ('se', 'eca', 'cbam', 'gc')
    }
    se = cfgs.pop('se').to_dict()
    se_cfg = se['model']['backbone']['inserts'][0].pop('se_cfg')
    for kind, cfg in cfgs.items():
        cfg = cfg.to_dict()
        assert cfg['model']['backbone']['inserts'][0].pop('se_cfg') != se_cfg
        assert cfg == se, kind


@pytest.mark.parametrize('path, se_widths', [
    # One SE per basic block of ResNet-18.
    ('detection/faster-rcnn_r18-se-anywhere_fpn_1x_coco.py',
     goldens.per_block(goldens.BASIC_WIDTHS, (2, 2, 2, 2))),
    # One SE per DarknetBottleneck of YOLOX-s's CSP stages (1, 3, 3, 1
    # blocks at half of the stage's 64-512 channels).
    ('yolox/yolox_s_se-cspdarknet_8xb8-300e_coco.py',
     goldens.per_block((32, 64, 128, 256), (1, 3, 3, 1))),
])
def test_detection_backbones_have_the_se_parameters(path, se_widths):
    """The toolbox's host backbone plus the paper's SE parameters."""
    cfg = Config.fromfile(str(CONFIGS / path))
    cfg.model.backbone.host.pop('init_cfg', None)  # no download
    backbone = MODELS.build(cfg.model.backbone)
    host = MODELS.build(cfg.model.backbone.host)
    assert sum(p.numel() for p in backbone.parameters()) == sum(
        p.numel() for p in host.parameters()) + goldens.se_params(se_widths)


def train(cwd, config, work_dir, *extra, monkeypatch):
    """Train with mmengine's Runner in this process (as tools/train.py
    does, without paying a new interpreter's imports)."""
    from mmengine.runner import Runner
    cfg = Config.fromfile(str(CONFIGS / config))
    cfg.merge_from_dict({k: v for d in extra for k, v in d.items()})
    cfg.work_dir = str(work_dir)
    # mmengine's visualizer is a named global: one per run, so that each
    # run's scalars land in its own work dir.
    cfg.visualizer.name = f'visualizer_{work_dir.name}'
    monkeypatch.chdir(cwd)
    Runner.from_cfg(cfg).train()


def test_mmdet_resnet18_detector_with_se_trains(toy_cwd, monkeypatch):
    work_dir = toy_cwd / 'r18'
    shrink = {k: v for k, v in SHRINK.items() if 'backbone' not in k}
    config = 'detection/digits/faster-rcnn_r18-se-anywhere_fpn_digits.py'
    train(toy_cwd, config, work_dir, shrink, SHORT, monkeypatch=monkeypatch)
    losses = logged(work_dir, 'loss')
    assert len(losses) == 12
    assert sum(losses[-3:]) < 0.8 * sum(losses[:3]), losses
    state = torch.load(work_dir / 'epoch_3.pth', map_location='cpu')
    keys = [k for k in state['state_dict'] if '.se.' in k]
    assert len(keys) == 8 * 4 and 'backbone.layer4.1.se.fc2.bias' in keys


def test_yolox_s_with_se_cspdarknet_trains(toy_cwd, monkeypatch):
    work_dir = toy_cwd / 'yolox'
    train(
        toy_cwd, 'yolox/digits/yolox_s_se-cspdarknet_digits.py',
        work_dir, {
            'train_dataloader.dataset.dataset.indices': 16,
            'train_cfg.max_epochs': 1,
            'train_cfg.val_interval': 100,
            'default_hooks.logger.interval': 1,
            'default_hooks.checkpoint.interval': 1,
            'randomness.seed': 0,
        },
        monkeypatch=monkeypatch)
    losses = logged(work_dir, 'loss')
    assert len(losses) == 4 and all(0 < x < 100 for x in losses), losses
    state = torch.load(work_dir / 'epoch_1.pth', map_location='cpu')
    # mmengine's EMAHook averages a deep copy of the model, with its own SE.
    key = 'backbone.stage4.2.blocks.0.se.fc1.weight'
    live, ema = state['state_dict'][key], state['ema_state_dict'][
        'module.' + key]
    assert live.shape == ema.shape == (16, 256, 1, 1)
    assert not torch.equal(ema, live)


def test_cost_table_shows_se_eca_cbam_gc_side_by_side(tmp_path, load_tool):
    kinds = ('se', 'eca', 'cbam', 'gc')
    rows = load_tool('analysis/cost_table.py').main([
        *(str(CONFIGS / f'attention/{k}_resnet50_imagenet.py')
          for k in kinds), '--shape', '64', '64', '--speed', '--repeats',
        '1', '--warmup', '0', '--out',
        str(tmp_path / 'cost')
    ])
    assert [r['model'] for r in rows] == [f'{k}_resnet50_imagenet'
                                          for k in kinds]
    assert [r['params'] for r in rows] == [
        PARAMS[f'attention/{k}_resnet50_imagenet.py'] for k in kinds
    ]
    assert all(r['forward_ms'] > 0 and r['forward_backward_ms'] > 0
               for r in rows)
    flops = {r['model'].split('_')[0]: r['gflops'] for r in rows}
    # ECA's 1-D convs are tiny; CBAM's 7x7 spatial convs and GC's context
    # matmuls and transforms cost more than SE's two FC layers.
    assert flops['eca'] < flops['se'] < min(flops['cbam'], flops['gc'])
    assert (tmp_path / 'cost.md').read_text().count('_resnet50_imagenet') == 4


#: The slow run of the docs measured 0.081 / 0.654 / 0.729 bbox mAP@[.5:.95]
#: after epochs 5 / 10 / 15 on the toy val canvases; the bar leaves room.
MIN_YOLOX_MAP = 0.5


@pytest.mark.slow
def test_yolox_s_with_se_learns_the_toy_task(tmp_path, monkeypatch):
    """The docs' run: the toy YOLOX config as it is (400 canvases, its full
    schedule), evaluated on the 100 val canvases."""
    make_digits_coco(tmp_path / 'data' / 'digits_coco')
    work_dir = tmp_path / 'yolox_slow'
    train(tmp_path, 'yolox/digits/yolox_s_se-cspdarknet_digits.py',
          work_dir, {'randomness.seed': 0}, monkeypatch=monkeypatch)
    maps = logged(work_dir, 'coco/bbox_mAP')
    print(f'YOLOX-s + SE, toy bbox mAP per validation: {maps}')
    assert maps[-1] > MIN_YOLOX_MAP
