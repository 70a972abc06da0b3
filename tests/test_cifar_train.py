"""The CIFAR pipeline end to end on real images: the digits written in
CIFAR's layout by tools/dataset_converters/to_cifar.py, read by
se_plugin.CheckedCIFAR10, trained and tested through tools/train.py and
tools/test.py with configs/cifar/se_resnet110_digits.py (SE) and the same
config with ``model.backbone.se_cfg=None`` (the baseline).
"""
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from bad_inputs.tools import load_tool
from test_classification_e2e import ENV, REPO, run, tool

CONFIG = REPO / 'configs' / 'cifar' / 'se_resnet110_digits.py'
#: The arms: SE (r=16, the config's) and the baseline without SE.
ARMS = {'se': [], 'plain': ['model.backbone.se_cfg=None']}


@pytest.fixture(scope='module')
def digits_cifar(digits_root, tmp_path_factory):
    out = tmp_path_factory.mktemp('digits_cifar')
    subprocess.run([sys.executable, str(REPO / 'tools' / 'dataset_converters'
                                        / 'to_cifar.py'), str(digits_root),
                    str(out)], check=True, cwd=REPO, env=ENV)
    return out


def options(root, epochs, depth):
    """``--cfg-options`` over the digits config: ``epochs`` of the
    network of ``depth`` on the digits in CIFAR's layout under ``root``,
    validated every epoch (the curves compare_runs.py plots)."""
    opts = [f'model.backbone.depth={depth}',
            f'train_cfg.max_epochs={epochs}',
            'train_cfg.val_interval=1',
            f'param_scheduler.1.T_max={epochs}',
            f'default_hooks.checkpoint.interval={epochs}']
    return opts + [f'{loader}.dataset.data_root={root}' for loader in
                   ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def printed_metrics(log):
    """The metrics dict tools/test.py prints after 'Test metrics of'."""
    text = log.split('Test metrics of ', 1)[1].split(':\n', 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


# The default suite's run. Depth: ResNet-110 (the config's) does not fit
# the suite's budget (~60 s for both arms on a 2-core machine): one batch
# of 32 takes 1.2 s (forward + backward, one thread, shared 2-core CPU,
# 2026-12-07), so the budget holds ~35 iterations, and in 40 iterations
# of 32 (lr 0.02 or 0.1, warm-up) or 100 of 8 (lr 0.02) it stayed at
# 7-19 % validation accuracy (its loss starts at 3-7 and first grows).
# The test runs the same config at depth 8 (6n+2, n=1: the same stem,
# blocks, option-A shortcuts, SE and head); the 110-layer network is
# covered by the parameter and ONNX tests. The two arms run side by side
# (one thread each, the machine's two cores).
DEPTH, EPOCHS = 8, 3
#: Accuracy floor (%), 3x chance (10 %): 4 seeds of this run gave 72.5-79.2
#: (plain) and 44.2-57.2 (SE, slower to start at this depth) on
#: 2026-12-07, shared 2-core CPU; the lowest, 44.2, less a 14-point margin.
FLOOR = 30.0


@pytest.fixture(scope='module')
def tested(digits_cifar, tmp_path_factory):
    """``{arm: metrics}``: each arm trained by tools/train.py and tested by
    tools/test.py, the arms in parallel."""

    def train_and_test(arm):
        root = tmp_path_factory.mktemp(arm)
        opts = options(digits_cifar, EPOCHS, DEPTH) + ARMS[arm]
        run(tool('train.py', CONFIG, '--work-dir', root / 'work',
                 '--cfg-options', *opts))
        checkpoint = root / 'work' / f'epoch_{EPOCHS}.pth'
        return printed_metrics(run(tool(
            'test.py', CONFIG, checkpoint, '--work-dir', root / 'test',
            '--cfg-options', *opts)))

    with ThreadPoolExecutor(len(ARMS)) as pool:
        return dict(zip(ARMS, pool.map(train_and_test, ARMS)))


@pytest.mark.parametrize('arm', list(ARMS))
def test_trains_and_tests_above_the_floor(arm, tested):
    assert tested[arm]['accuracy/top1'] > FLOOR, tested[arm]


#: The slow demonstration: CIFAR ResNet-20 (6n+2, n=3), 4 epochs of the
#: full digits training split, validated every epoch (the curves).
DEMO_DEPTH, DEMO_EPOCHS, DEMO_SEEDS = 20, 4, 5


@pytest.mark.slow
def test_five_seeds_per_arm_compare(digits_cifar, tmp_path, capsys):
    """The fair comparison on digits: 5 seeds x (plain, SE) of CIFAR
    ResNet-20, compared by tools/analysis/compare_runs.py (table and plot
    in docs/model_zoo/cifar.md). The test checks the report's consistency,
    not a winner: digits are easy, yet on 2026-12-07 SE was behind after
    these 4 epochs (a slower start; see the docs)."""
    dirs, labels = [], []
    for arm in ('plain', 'se'):
        for seed in range(DEMO_SEEDS):
            work = tmp_path / f'{arm}_s{seed}'
            run(tool('train.py', CONFIG, '--work-dir', work, '--cfg-options',
                     *options(digits_cifar, DEMO_EPOCHS, DEMO_DEPTH),
                     *ARMS[arm], f'randomness.seed={seed}'))
            dirs.append(str(work))
            labels.append(arm)
    compare = load_tool('analysis/compare_runs.py')
    rows, diffs = compare.main(dirs + ['--arm', *labels, '--plot',
                                       str(tmp_path / 'compare.png')])
    report = capsys.readouterr().out
    with capsys.disabled():  # shown with -s: the docs' table
        print(report)
    assert [n for n, _, _ in rows.values()] == [DEMO_SEEDS] * 2
    d = diffs['se']
    assert d['low'] <= d['diff'] <= d['high'] and 0 <= d['p'] <= 1
    assert (d['p'] < 0.05) == (d['low'] > 0 or d['high'] < 0)
