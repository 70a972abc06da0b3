"""tools/analysis/compare_runs.py on fabricated work dirs whose statistics
are computed by hand here."""
import functools
import json
import math

import pytest
from bad_inputs.tools import load_tool


@functools.lru_cache()
def tool():
    return load_tool('analysis/compare_runs.py')


def fake_run(root, name, config, curve):
    """A work dir as tools/train.py leaves it: the dumped config and
    ``<timestamp>/vis_data/scalars.json`` with train and val records."""
    work = root / name
    (work / '20261206_000000' / 'vis_data').mkdir(parents=True)
    (work / config).write_text('# dumped config\n')
    lines = []
    for step, value in curve:
        lines.append(json.dumps({'loss': 1.0, 'lr': 0.1, 'step': step}))
        lines.append(json.dumps({'accuracy/top1': value, 'step': step}))
    (work / '20261206_000000' / 'vis_data' / 'scalars.json').write_text(
        '\n'.join(lines) + '\n')
    return work


# Final accuracies: baseline 90, 92, 94 (mean 92, s^2 = 4);
# SE 93, 95, 97, 99 (mean 96, s^2 = (9+1+1+9)/3 = 20/3).
BASE = [90.0, 92.0, 94.0]
SE = [93.0, 95.0, 97.0, 99.0]


@pytest.fixture
def runs(tmp_path):
    dirs = [fake_run(tmp_path, f'base{i}', 'resnet20_digits.py',
                     [(1, 50.0), (2, v)]) for i, v in enumerate(BASE)]
    dirs += [fake_run(tmp_path, f'se{i}', 'se_resnet20_digits.py',
                      [(1, 60.0), (2, v)]) for i, v in enumerate(SE)]
    return dirs


def test_means_stds_and_welch_by_hand(runs, capsys):
    rows, diffs = tool().main([str(d) for d in runs])
    assert rows['resnet20_digits.py'] == (3, 92.0, 2.0)
    n, mean, std = rows['se_resnet20_digits.py']
    assert (n, mean) == (4, 96.0)
    assert std == pytest.approx(math.sqrt(20 / 3))
    d = diffs['se_resnet20_digits.py']
    # Welch: se^2 = 4/3 + (20/3)/4 = 3; t = 4 / sqrt(3) = 2.3094;
    # df = 3^2 / ((4/3)^2/2 + (5/3)^2/3) = 9 / (8/9 + 25/27) = 243/49.
    assert d['diff'] == 4.0
    assert d['t'] == pytest.approx(4 / math.sqrt(3))
    assert d['df'] == pytest.approx(243 / 49)
    # t(0.975, 4.959) from the tables (2.5706 at df 5, 2.7764 at df 4),
    # interpolated in 1/df: 2.5706 + 0.033 * 0.2058 = 2.5774; half width
    # 2.5774 * sqrt(3) = 4.464.
    assert d['low'] == pytest.approx(4 - 4.464, abs=3e-3)
    assert d['high'] == pytest.approx(4 + 4.464, abs=3e-3)
    # Two-sided p of t = 2.309 at ~5 df: between 0.05 and 0.10 (tables:
    # 2.015 is p=0.10, 2.571 is p=0.05), about 0.069.
    assert 0.05 < d['p'] < 0.10
    assert d['p'] == pytest.approx(0.069, abs=0.003)
    printed = capsys.readouterr().out
    assert '92.000 +- 2.000' in printed and 'p=0.06' in printed


def test_arm_labels_and_plot(runs, tmp_path):
    out = tmp_path / 'curves.png'
    labels = ['plain'] * 3 + ['se'] * 4
    rows, diffs = tool().main([str(d) for d in runs] + [
        '--arm', *labels, '--plot', str(out), '--baseline', 'se'])
    assert list(rows) == ['plain', 'se'] and list(diffs) == ['plain']
    assert diffs['plain']['diff'] == -4.0
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with pytest.raises(SystemExit, match='exists; pass --overwrite'):
        tool().main([str(d) for d in runs] + ['--plot', str(out)])


def test_one_run_per_arm_is_refused(runs):
    with pytest.raises(SystemExit, match="arm 'x' has 1 run"):
        tool().main([str(runs[0]), str(runs[1]), '--arm', 'x', 'y'])


def test_unknown_metric_names_the_logged_keys(runs):
    with pytest.raises(SystemExit, match=r"no 'top1'; logged keys: "
                       r"\['accuracy/top1', 'loss', 'lr'\]"):
        tool().main([str(d) for d in runs] + ['--metric', 'top1'])


def test_not_a_run(tmp_path):
    with pytest.raises(SystemExit, match='no \\*/vis_data/scalars.json'):
        tool().main([str(tmp_path), str(tmp_path)])
