"""configs/cifar/: every network with and without SE, the pairs differing
only in SE, the paper's recipes, and the data read by the checked
CIFAR datasets. (Parameter and FLOP goldens: tests/test_model_zoo.py.)"""
from pathlib import Path

import pytest
from mmengine.config import Config

CIFAR = Path(__file__).resolve().parents[1] / 'configs' / 'cifar'
SE_LEAVES = sorted(p.name for p in CIFAR.glob('se_*.py'))


def test_every_row_of_tables_4_and_5_has_both_arms():
    assert SE_LEAVES == [
        'se_preact-resnet164_cifar10.py', 'se_preact-resnet164_cifar100.py',
        'se_resnet110_cifar10.py', 'se_resnet110_cifar100.py',
        'se_resnet110_digits.py', 'se_shake-even29-2x4x64d_cifar100.py',
        'se_shake-shake26-2x96d_cifar10.py', 'se_wrn16-8_cifar10.py',
        'se_wrn16-8_cifar100.py'
    ]
    # The digits config's baseline is se_cfg=None on the command line.
    for name in SE_LEAVES:
        assert (CIFAR / name[3:]).is_file() != ('digits' in name), name


@pytest.mark.parametrize('name', [n for n in SE_LEAVES if 'digits' not in n])
def test_baseline_differs_only_in_se(name):
    se = Config.fromfile(CIFAR / name).to_dict()
    plain = Config.fromfile(CIFAR / name[3:]).to_dict()
    assert se['model']['backbone'].get('se_cfg', dict()) == dict()
    assert plain['model']['backbone'].pop('se_cfg') is None
    se['model']['backbone'].pop('se_cfg', None)
    for cfg in (se, plain):
        cfg.pop('filename', None)
    assert se == plain


@pytest.mark.parametrize('name, dataset, classes', [
    ('se_resnet110_cifar10.py', 'se_plugin.CheckedCIFAR10', 10),
    ('se_wrn16-8_cifar100.py', 'se_plugin.CheckedCIFAR100', 100),
])
def test_reads_the_checked_dataset(name, dataset, classes):
    cfg = Config.fromfile(CIFAR / name)
    for split, kind in (('train', 'train'), ('val', 'test'),
                        ('test', 'test')):
        data = cfg[f'{split}_dataloader'].dataset
        assert (data.type, data.split) == (dataset, kind)
    assert cfg.model.head.num_classes == classes
    # The SE paper's augmentation: pad 4 + random 32x32 crop, flip.
    pipeline = cfg.train_dataloader.dataset.pipeline
    assert pipeline[0] == dict(type='RandomCrop', crop_size=32, padding=4)
    assert pipeline[1]['type'] == 'RandomFlip'


@pytest.mark.parametrize('name, lr, decay, batch, epochs, cutout', [
    ('se_resnet110_cifar10.py', 0.1, 1e-4, 128, 164, None),
    ('se_preact-resnet164_cifar100.py', 0.1, 1e-4, 128, 164, None),
    ('se_wrn16-8_cifar10.py', 0.1, 5e-4, 128, 200, None),
    ('se_shake-shake26-2x96d_cifar10.py', 0.2, 1e-4, 128, 1800, 16),
    ('se_shake-even29-2x4x64d_cifar100.py', 0.025, 5e-4, 32, 1800, 8),
])
def test_recipes_of_the_network_papers(name, lr, decay, batch, epochs,
                                       cutout):
    cfg = Config.fromfile(CIFAR / name)
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.lr, optimizer.weight_decay) == (lr, decay)
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.auto_scale_lr.base_batch_size == batch
    assert cfg.train_cfg.max_epochs == epochs
    cutouts = [t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'Cutout']
    assert [t['shape'] for t in cutouts] == ([cutout] if cutout else [])
    assert all(t['prob'] == 1.0 for t in cutouts)
