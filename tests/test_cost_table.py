"""The cost table: parameter goldens, what the FLOP counter counts, timing
ratios, Markdown and CSV output."""
import csv
import functools
import time

import goldens
import pytest
import torch
import torch.nn as nn

from se_plugin.analysis.cost import cost_rows, model_cost, time_models
from se_plugin.models import SELayer

RESNET50 = "_base_ = 'mmpretrain::_base_/models/resnet50.py'\n"
SE_RESNET50 = RESNET50 + (
    "model = dict(backbone=dict(_delete_=True, type='se_plugin.SEResNet', "
    "depth=50, style='caffe'))\n")
BASELINE50 = RESNET50 + (
    "model = dict(backbone=dict(_delete_=True, type='se_plugin.SEResNet', "
    "depth=50, style='caffe', se_cfg=None))\n")


@pytest.fixture(scope='module')
def table(load_tool, tmp_path_factory):
    """The CLI's rows and files for SE-ResNet-50 vs ResNet-50 at 64x64."""
    root = tmp_path_factory.mktemp('cost')
    (root / 'base.py').write_text(BASELINE50)
    (root / 'se.py').write_text(SE_RESNET50)
    rows = load_tool('analysis/cost_table.py').main([
        str(root / 'se.py'), '--baseline', str(root / 'base.py'), '--shape',
        '64', '64', '--out', str(root / 'table'), '--speed', '--repeats',
        '1', '--warmup', '0'
    ])
    return rows, root


def test_parameters_match_the_paper(table):
    rows, _ = table
    assert [r['model'] for r in rows] == ['base', 'se']  # baseline first
    base, se = goldens.RESNET50, goldens.SE_RESNET50  # the paper's 25.6/28.1M
    assert rows[0]['params'] == base
    assert rows[1]['params'] == se
    assert rows[1]['params_ratio'] == pytest.approx(se / base)


def expected_flops(model, shape):
    """mmengine's rules recomputed with hooks: conv and linear multiply-adds
    (no bias), 2 per element of BN, 1 per
    input element of adaptive pooling, nothing for element-wise
    operators (SE's FCs are the 1x1 convolutions it calls)."""
    total = []

    def hook(module, inputs, output):
        x = inputs[0]
        if isinstance(module, nn.Conv2d):
            k = module.weight[0].numel()  # Cin / groups * kh * kw
            total.append(output.numel() * k)
        elif isinstance(module, nn.Linear):
            total.append(output.numel() * module.in_features)
        elif isinstance(module, nn.BatchNorm2d):
            total.append(2 * x.numel())
        elif isinstance(module, nn.AdaptiveAvgPool2d):
            total.append(x.numel())

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model.eval()(torch.randn(1, *shape))
    for h in handles:
        h.remove()
    return sum(total)


def test_flops_are_what_the_note_says(table):
    from mmpretrain.apis import get_model
    rows, root = table
    for row, name in zip(rows, ('base', 'se')):
        model = get_model(str(root / f'{name}.py'))
        assert row['gflops'] * 1e9 == expected_flops(model, (3, 64, 64))
    se_fcs = sum(m.fc1.weight.numel() + m.fc2.weight.numel()
                 for m in model.modules() if isinstance(m, SELayer))
    # SE costs exactly its FC layers' multiply-adds (on a 1x1 input)...
    assert round((rows[1]['gflops'] - rows[0]['gflops']) * 1e9) == se_fcs
    # ...because its squeeze, gate and rescaling are not counted.
    assert {'mean', 'sigmoid'} <= set(rows[1]['uncounted'].split())
    assert 'mean' not in rows[0]['uncounted'].split()


def test_cli_times_against_the_baseline(table):
    rows, _ = table
    assert rows[0]['forward_ratio'] == rows[0][
        'forward_backward_ratio'] == 1.0
    assert rows[1]['forward_ratio'] == pytest.approx(
        rows[1]['forward_ms'] / rows[0]['forward_ms'])
    assert rows[1]['forward_backward_ms'] > rows[1]['forward_ms'] > 0


def test_files_hold_the_rows(table):
    rows, root = table
    with open(root / 'table.csv') as f:
        read = list(csv.DictReader(f))
    assert [int(r['params']) for r in read] == [r['params'] for r in rows]
    assert [float(r['flops_ratio']) for r in read] == pytest.approx(
        [r['flops_ratio'] for r in rows], rel=1e-12)
    md = (root / 'table.md').read_text().splitlines()
    assert md[0].startswith('| model | params | params_ratio | gflops |')
    base, se = goldens.RESNET50, goldens.SE_RESNET50
    assert md[2].startswith(f'| base | {base:,} | 1.0000 |')
    assert md[3].startswith(f'| se | {se:,} | {se / base:.4f} |')


class Sleeper(nn.Module):
    """Takes ``seconds`` per forward, so its time is known."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.w = nn.Parameter(torch.ones(1))

    def forward(self, x):
        time.sleep(self.seconds)
        return x * self.w


def test_timing_ratio_and_interleaving():
    models = dict(base=Sleeper(0.02), slow=Sleeper(0.04))
    times = time_models(models, (1, 2, 2), repeats=3, warmup=1)
    fwd_ratio = times['slow'][0] / times['base'][0]
    bwd_ratio = times['slow'][1] / times['base'][1]
    assert fwd_ratio == pytest.approx(2, rel=0.2)
    assert bwd_ratio == pytest.approx(2, rel=0.2)
    assert times['base'][0] >= 0.02


def test_speed_columns(monkeypatch):
    """Ratios divide each model's median by the baseline's, same run."""
    fake = dict(a=(0.010, 0.030), b=(0.015, 0.060))
    monkeypatch.setattr('se_plugin.analysis.cost.time_models',
                        lambda models, shape, **kw: fake)
    models = dict(a=nn.Conv2d(3, 4, 3), b=nn.Conv2d(3, 8, 3))
    rows = cost_rows(models, 'a', (3, 8, 8), speed={})
    assert rows[0]['forward_ratio'] == 1.0
    assert rows[1]['forward_ratio'] == pytest.approx(1.5)
    assert rows[1]['forward_backward_ratio'] == pytest.approx(2.0)
    assert rows[1]['forward_backward_ms'] == pytest.approx(60.0)
    assert rows[1]['params_ratio'] == 2.0  # 8 vs 4 filters of 3x3x3 + bias
    assert model_cost(models['b'], (3, 8, 8)).flops == 8 * 6 * 6 * 27


def test_bad_input():
    models = dict(a=nn.Conv2d(3, 4, 3))
    with pytest.raises(ValueError, match=r"baseline='z' is not one of the "
                       r"models \('a',\)"):
        cost_rows(models, 'z', (3, 8, 8))
    with pytest.raises(ValueError, match='repeats=0 must be >= 1'):
        time_models(models, (3, 8, 8), repeats=0)
    with pytest.raises(ValueError, match='batch_size=0 must be an int >= 1'):
        time_models(models, (3, 8, 8), batch_size=0)
