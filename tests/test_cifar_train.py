"""The CIFAR pipeline end to end on real images: the digits written in
CIFAR's layout by tools/dataset_converters/to_cifar.py, read by
se_plugin.CheckedCIFAR10, trained and tested through tools/train.py and
tools/test.py with configs/cifar/se_resnet110_digits.py (SE-ResNet-110)
and the same config with ``model.backbone.se_cfg=None`` (ResNet-110, the
baseline), each above a stated accuracy floor after a short schedule.
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


def options(root, epochs, depth=None):
    """``--cfg-options`` over the digits config: ``epochs`` of the
    network (of ``depth``; None: the config's ResNet-110) on the digits in
    CIFAR's layout under ``root``, validated every epoch (the curves
    compare_runs.py plots)."""
    opts = [] if depth is None else [f'model.backbone.depth={depth}']
    opts += [f'train_cfg.max_epochs={epochs}',
             'train_cfg.val_interval=1',
             f'param_scheduler.1.T_max={epochs}',
             f'default_hooks.checkpoint.interval={epochs}']
    return opts + [f'{loader}.dataset.data_root={root}' for loader in
                   ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def printed_metrics(log):
    """The metrics dict tools/test.py prints after 'Test metrics of'."""
    text = log.split('Test metrics of ', 1)[1].split(':\n', 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


#: The default suite's schedule for the config's own ResNet-110 (the
#: network is not overridden): one epoch of every third training image
#: (479, every class: the converted files are sorted by class), batch 8,
#: so 60 iterations; Adam lr 1e-3 (the config's SGD stays near chance in
#: the ~60 iterations the suite can pay for 110 layers on one thread, as
#: did SGD with zero-initialised residual BN, clipping, a higher lr:
#: configs/cifar/README.md), the config's 5 iterations at lr / 10, cosine
#: to 0; no validation during training (tools/test.py measures).
QUICK = ['optim_wrapper.optimizer._delete_=True',
         'optim_wrapper.optimizer.type=Adam',
         'optim_wrapper.optimizer.lr=0.001',
         'train_dataloader.batch_size=8',
         f'train_dataloader.dataset.indices={list(range(0, 1437, 3))}'
         .replace(' ', ''),
         'train_cfg.val_begin=2',
         'param_scheduler.0.end=5']
#: Accuracy floor (%) on the 360 held-out digits, 3x chance (10 %): seeds
#: 0-3 of this run gave 39.7-49.7 (SE) and 38.3-48.6 (plain) on
#: 2026-12-07, shared 2-core CPU (table in configs/cifar/README.md); the
#: lowest, 38.3, less an 8-point margin.
FLOOR = 30.0


@pytest.fixture(scope='module')
def tested(digits_cifar, tmp_path_factory):
    """``{arm: metrics}``: each arm trained by tools/train.py and tested by
    tools/test.py, the arms in parallel."""

    def train_and_test(arm):
        root = tmp_path_factory.mktemp(arm)
        opts = options(digits_cifar, 1) + QUICK + ARMS[arm]
        run(tool('train.py', CONFIG, '--work-dir', root / 'work',
                 '--cfg-options', *opts))
        checkpoint = root / 'work' / 'epoch_1.pth'
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
