"""The CIFAR pipeline end to end on real images: the digits written in
CIFAR's layout by tools/dataset_converters/to_cifar.py, read by
se_plugin.CheckedCIFAR10, trained and tested through tools/train.py and
tools/test.py with configs/cifar/(se_)resnet110_digits.py.

Depth: ResNet-110 takes 1.4 s per batch of 32 (forward + backward, one
thread on the shared 2-core CPU, 2026-12-06), about 65 s per digits epoch,
and ResNet-20 took 200 s for 4 epochs through tools/train.py: over the
suite's budget. The test runs the same config with its depth option at 8
(6n+2, n=1: the same stem, blocks, option-A shortcuts, SE and head); the
110-layer network is covered by the parameter and ONNX tests. Measured on
2026-12-06 on the shared 2-core CPU (train + test per arm): 255 s / 235 s
at a load average of 14, 95 s / 71 s (SE / plain) at a load falling from
8 to 2; an idle machine was not available, so the ~60 s aim is unconfirmed.
"""
import json
import subprocess
import sys

import pytest

from bad_inputs.tools import load_tool
from test_classification_e2e import ENV, REPO, run, tool

EPOCHS = 6
#: 6 epochs of the 8-layer net: see the measured accuracy in the docs
#: (chance: 10 %); a run that learns nothing or mislabels fails.
FLOOR = 75.0


@pytest.fixture(scope='module')
def digits_cifar(digits_root, tmp_path_factory):
    out = tmp_path_factory.mktemp('digits_cifar')
    subprocess.run([sys.executable, str(REPO / 'tools' / 'dataset_converters'
                                        / 'to_cifar.py'), str(digits_root),
                    str(out)], check=True, cwd=REPO, env=ENV)
    return out


def options(root, depth=8):
    opts = [f'model.backbone.depth={depth}',
            f'train_cfg.max_epochs={EPOCHS}',
            f'train_cfg.val_interval={EPOCHS}',
            f'param_scheduler.T_max={EPOCHS}',
            f'default_hooks.checkpoint.interval={EPOCHS}']
    return opts + [f'{loader}.dataset.data_root={root}' for loader in
                   ('train_dataloader', 'val_dataloader', 'test_dataloader')]


CONFIG = REPO / 'configs' / 'cifar' / 'se_resnet110_digits.py'
#: The arms: SE (r=16, the config's) and the baseline without SE.
ARMS = {'se': [], 'plain': ['model.backbone.se_cfg=None']}


@pytest.mark.parametrize('arm', list(ARMS))
def test_trains_and_tests_above_the_floor(arm, digits_cifar, tmp_path):
    work = tmp_path / 'work'
    opts = options(digits_cifar) + ARMS[arm]
    run(tool('train.py', CONFIG, '--work-dir', work, '--cfg-options', *opts))
    checkpoint = work / f'epoch_{EPOCHS}.pth'
    log = run(tool('test.py', CONFIG, checkpoint, '--work-dir',
                   tmp_path / 't', '--cfg-options', *opts))
    text = log.split('Test metrics of ', 1)[1].split(':\n', 1)[1]
    metrics = json.JSONDecoder().raw_decode(text)[0]
    assert metrics['accuracy/top1'] > FLOOR, metrics


@pytest.mark.slow
def test_five_seeds_per_arm_compare(digits_cifar, tmp_path, capsys):
    """The fair comparison on digits: 5 seeds x (SE, plain) of the 8-layer
    net, compared by tools/analysis/compare_runs.py. Digits are easy: no
    significant difference is expected, so the test checks the report's
    consistency, not a winner."""
    dirs, labels = [], []
    for arm in ('plain', 'se'):
        for seed in range(5):
            work = tmp_path / f'{arm}_s{seed}'
            run(tool('train.py', CONFIG, '--work-dir', work, '--cfg-options',
                     *options(digits_cifar), *ARMS[arm],
                     f'randomness.seed={seed}'))
            dirs.append(str(work))
            labels.append(arm)
    compare = load_tool('analysis/compare_runs.py')
    rows, diffs = compare.main(dirs + ['--arm', *labels, '--plot',
                                       str(tmp_path / 'c.png')])
    print(capsys.readouterr().out)
    assert [n for n, _, _ in rows.values()] == [5, 5]
    d = diffs['se']
    assert d['low'] <= d['diff'] <= d['high'] and 0 <= d['p'] <= 1
    assert (d['p'] < 0.05) == (d['low'] > 0 or d['high'] < 0)
