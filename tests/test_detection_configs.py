"""Every detection config builds (model and data pipeline), and an se_plugin
ImageNet classifier checkpoint initialises the detectors' backbones (and
the C4 shared head) key for key."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DATASETS, MODELS, init_default_scope
from mmengine.runner import save_checkpoint

from se_plugin.datasets.digits_coco import CLASSES, make_digits_coco
from se_plugin.models import SELayer
# Imported explicitly until se_plugin/models/__init__.py imports roi_heads.
from se_plugin.models.roi_heads import SEResLayer

REPO = Path(__file__).resolve().parents[1]
DET = REPO / 'configs' / 'detection'
CONFIGS = sorted(p.relative_to(DET).as_posix() for p in DET.rglob('*.py'))

# config -> (backbone class, SE layers in the backbone, neck, SE in neck)
EXPECTED = {
    'faster-rcnn_r50_fpn_1x_coco.py': ('SEResNet', 0, 'FPN', 0),
    'faster-rcnn_se-r50_fpn_1x_coco.py': ('SEResNet', 16, 'FPN', 0),
    'faster-rcnn_r101_fpn_1x_coco.py': ('SEResNet', 0, 'FPN', 0),
    'faster-rcnn_se-r101_fpn_1x_coco.py': ('SEResNet', 33, 'FPN', 0),
    'faster-rcnn_se-x101-32x4d_fpn_1x_coco.py': ('SEResNeXt', 33, 'FPN', 0),
    'faster-rcnn_r50-se-plugin_fpn_1x_coco.py': ('ResNet', 16, 'FPN', 0),
    'faster-rcnn_r50_se-fpn_1x_coco.py': ('SEResNet', 0, 'SEFPN', 4),
    'faster-rcnn_se-r50_se-fpn_1x_coco.py': ('SEResNet', 16, 'SEFPN', 4),
    'faster-rcnn_r50_mlse-fpn_1x_coco.py': ('SEResNet', 0, 'Sequential', 4),
    # C4: stages 1-3 in the backbone, stage 4 (3 blocks) in the RoI head.
    'faster-rcnn_r50_c4_1x_coco.py': ('SEResNet', 0, None, 0),
    'faster-rcnn_se-r50_c4_1x_coco.py': ('SEResNet', 13, None, 0),
    'faster-rcnn_r101_c4_1x_coco.py': ('SEResNet', 0, None, 0),
    'faster-rcnn_se-r101_c4_1x_coco.py': ('SEResNet', 30, None, 0),
    'digits/faster-rcnn_se-r50_fpn_digits.py': ('SEResNet', 16, 'FPN', 0),
    # mmdet's own ResNet-18 with SE through se_plugin.Attach.
    'faster-rcnn_r18-se-anywhere_fpn_1x_coco.py': ('ResNet', 8, 'FPN', 0),
    'digits/faster-rcnn_r18-se-anywhere_fpn_digits.py':
    ('ResNet', 8, 'FPN', 0),
}


def count_se(module):
    return sum(isinstance(m, SELayer) for m in module.modules())


def test_every_config_is_listed():
    assert set(CONFIGS) == set(EXPECTED)


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('tiny_coco')
    make_digits_coco(root, num_images=dict(train=2, val=1))
    return root


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_model_and_pipeline(name, tiny_root):
    cfg = Config.fromfile(DET / name)
    assert cfg.default_scope == 'mmdet'
    init_default_scope('mmdet')
    model = MODELS.build(cfg.model)
    backbone, backbone_se, neck, neck_se = EXPECTED[name]
    assert type(model.backbone).__name__ == backbone
    assert count_se(model.backbone) == backbone_se
    if neck is None:
        assert not model.with_neck
        head = model.roi_head.shared_head
        assert isinstance(head, SEResLayer)
        assert count_se(head) == (3 if backbone_se else 0)
        assert head.layer4[0].conv1.stride == (2, 2)  # caffe style
    else:
        assert type(model.neck).__name__ == neck
        assert count_se(model.neck) == neck_se
    assert model.backbone.frozen_stages == (-1 if 'digits' in name else 1)
    assert model.backbone.norm_eval == ('digits' not in name)

    # The config's own pipelines on a tiny COCO-format root.
    for split in ('train', 'val'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset
        dataset_cfg.update(
            data_root=str(tiny_root),
            ann_file=f'annotations/instances_{split}.json',
            data_prefix=dict(img=f'{split}/'),
            metainfo=dict(classes=CLASSES))
        dataset = DATASETS.build(dataset_cfg)
        sample = dataset[0]
        scale = max(s for step in dataset_cfg.pipeline
                    if step.type == 'Resize' for s in step.scale[:2])
        side = min(scale, 800)  # keep_ratio: 1333x800 fits a square to 800
        assert tuple(sample['inputs'].shape) == (3, side, side)
        assert len(sample['data_samples'].gt_instances) >= 1


@pytest.fixture(scope='module')
def imagenet_checkpoints(tmp_path_factory):
    """se_plugin's SE-ResNet-50 and ResNet-50 ImageNet classifiers, from
    the classification configs, saved like a trained run."""
    init_default_scope('mmpretrain')
    paths = {}
    for name in ('se_resnet50_imagenet', 'resnet50_imagenet'):
        cfg = Config.fromfile(REPO / 'configs' / 'se_resnet' / f'{name}.py')
        torch.manual_seed(0)
        classifier = MODELS.build(cfg.model)
        classifier.init_weights()
        # Non-default BN statistics, so that a load is visible in buffers.
        for m in classifier.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_()
        path = tmp_path_factory.mktemp('ckpt') / f'{name}.pth'
        save_checkpoint({'state_dict': classifier.state_dict()}, str(path))
        paths[name] = (path, classifier.backbone.state_dict())
    return paths


@pytest.mark.parametrize('name, classifier', [
    ('faster-rcnn_se-r50_fpn_1x_coco.py', 'se_resnet50_imagenet'),
    ('faster-rcnn_r50_fpn_1x_coco.py', 'resnet50_imagenet'),
    ('faster-rcnn_r50-se-plugin_fpn_1x_coco.py', 'se_resnet50_imagenet'),
    ('faster-rcnn_se-r50_c4_1x_coco.py', 'se_resnet50_imagenet'),
    ('faster-rcnn_r50_c4_1x_coco.py', 'resnet50_imagenet'),
])
def test_imagenet_checkpoint_initialises_every_backbone_key(
        name, classifier, imagenet_checkpoints):
    path, expected = imagenet_checkpoints[classifier]
    cfg = Config.fromfile(DET / name)
    cfg.model.backbone.init_cfg.checkpoint = str(path)
    c4 = 'shared_head' in cfg.model.roi_head
    if c4:
        cfg.model.roi_head.shared_head.init_cfg.checkpoint = str(path)
    init_default_scope('mmdet')
    detector = MODELS.build(cfg.model)
    detector.init_weights()
    loaded = dict(detector.backbone.state_dict())
    if c4:
        loaded.update(detector.roi_head.shared_head.state_dict())
    # Every weight and buffer of the classifier's backbone, SE included,
    # and nothing else, e.g. stage 4 of C4 lives in the shared head only.
    assert set(loaded) == set(expected)
    assert any('.se.' in k for k in loaded) == ('se_' in classifier)
    for key, value in expected.items():
        torch.testing.assert_close(loaded[key], value, msg=key)


def test_registry_imports_detection_modules_by_scope():
    """In a fresh interpreter, `se_plugin.X` alone finds every detection
    module: the registries' locations import them (no custom_imports)."""
    import subprocess
    import sys
    code = (
        'from mmengine.registry import DATASETS, MODELS, init_default_scope\n'
        "init_default_scope('mmdet')\n"
        "for name in ('SEFPN', 'MultiLevelSE', 'SEResLayer'):\n"
        "    assert MODELS.get('se_plugin.' + name) is not None, name\n"
        "assert DATASETS.get('se_plugin.CheckedCocoDataset') is not None\n")
    proc = subprocess.run([sys.executable, '-c', code],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
