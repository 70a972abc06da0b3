"""The placement figure's script reads where SE runs from the real blocks
(tools/analysis/plot_placements.py); the orders here are the paper's
placements (TPAMI Tables 14, 15) and mmcv's / Attach's documented
positions, written by hand."""
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = SimpleNamespace(**runpy.run_path(
    str(ROOT / 'tools' / 'analysis' / 'plot_placements.py')))
CONFIGS = {(panel, label): config for panel, label, config in SCRIPT.VARIANTS}


def placed(panel, label):
    """(what runs right before SE, right after it, SE's consumer)."""
    events = SCRIPT.trace(CONFIGS[panel, label])
    names = SCRIPT.order(events)
    i = names.index('se')
    assert names.count('se') == 1
    after = names[i + 1] if i + 1 < len(names) else None
    before = names[i - 1] if i else None
    return before, after, SCRIPT.se_consumer(events)


@pytest.mark.parametrize('panel, label, expected', [
    # residual branch after its last BN, before the sum
    ('bottleneck', "se_placement='standard'", ('bn3', 'add', 'add')),
    ('basic', "se_placement='standard'", ('bn2', 'add', 'add')),
    # on the unit's input, feeding the residual branch only
    ('bottleneck', "se_placement='pre'", ('downsample', 'conv1', 'conv1')),
    ('basic', "se_placement='pre'", (None, 'conv1', 'conv1')),
    # after the sum and its ReLU
    ('bottleneck', "se_placement='post'", ('relu', None, 'output')),
    ('basic', "se_placement='post'", ('relu', None, 'output')),
    # on the identity branch (after the downsample), into the sum
    ('bottleneck', "se_placement='identity'", ('downsample', 'conv1',
                                               'add')),
    ('basic', "se_placement='identity'", (None, 'conv1', 'add')),
    # after the 3x3 conv's BN and ReLU
    ('bottleneck', "se_placement='3x3'", ('relu', 'conv3', 'conv3')),
    # mmcv's plugin positions: after each conv's BN (and ReLU for 1, 2)
    ('bottleneck', 'mmcv plugin after_conv1', ('relu', 'conv2', 'conv2')),
    ('bottleneck', 'mmcv plugin after_conv2', ('relu', 'conv3', 'conv3')),
    ('bottleneck', 'mmcv plugin after_conv3', ('bn3', 'downsample', 'add')),
    # Attach: a module's output, its input, or the owner block's output
    ('bottleneck', "Attach after='bn3'", ('bn3', 'downsample', 'add')),
    ('bottleneck', "Attach before='conv2'", ('relu', 'conv2', 'conv2')),
    ('bottleneck', 'Attach at only', ('relu', None, 'output')),
    ('basic', "Attach after='bn2'", ('bn2', 'add', 'add')),
    ('basic', "Attach before='conv2'", ('relu', 'conv2', 'conv2')),
    ('basic', 'Attach at only', ('relu', None, 'output')),
])
def test_traced_placement(panel, label, expected):
    assert placed(panel, label) == expected


def test_every_variant_is_tested_and_drawn():
    """The figure shows the five placements, three plugin positions and
    Attach's three forms on a bottleneck (basic: no 3x3, no plugins)."""
    labels = [(p, label) for p, label, _ in SCRIPT.VARIANTS]
    assert len(labels) == 5 + 3 + 3 + 4 + 3
    from se_plugin.models.blocks.residual import PLACEMENTS
    for placement in PLACEMENTS:
        assert ('bottleneck', f'se_placement={placement!r}') in labels


def test_figure_is_written(tmp_path):
    out = tmp_path / 'placements.png'
    SCRIPT.main(['--out', str(out)])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
