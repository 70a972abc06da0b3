"""The demo's data and tools: prepare_digits writes a stratified,
deterministic ImageNet-layout copy of scikit-learn's digits; tools/train.py
trains on it and tools/test.py reads the accuracy back from the checkpoint."""
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from se_plugin.datasets.digits import prepare_digits

ROOT = Path(__file__).parents[1]
CONFIG = ROOT / 'configs' / 'digits' / 'se_resnet18_digits.py'
# load_digits(): 1,797 images, 174 to 183 per class.
NUM_IMAGES = 1797
# train_test_split(test_size=0.2) rounds the test part up: 360 of 1,797.
NUM_VAL = math.ceil(0.2 * NUM_IMAGES)
# One thread: the 1/4-width network gains nothing from a second one, and
# two threads on shared cores spin-wait (several times slower).
ENV = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


def read_list(root, split):
    lines = (root / 'meta' / f'{split}.txt').read_text().splitlines()
    return [line.split(' ') for line in lines]


def test_layout_counts_and_line_format(digits_root):
    classes = (digits_root / 'meta' / 'classes.txt').read_text().split()
    assert classes == [str(c) for c in range(10)]
    entries = {split: read_list(digits_root, split) for split in ('train',
                                                                    'val')}
    assert {s: len(e) for s, e in entries.items()} == {
        'train': NUM_IMAGES - NUM_VAL,
        'val': NUM_VAL
    }
    names = set()
    for split, split_entries in entries.items():
        for name, label in split_entries:
            assert re.fullmatch(r'\d/\d{4}\.png', name), name
            assert name.split('/')[0] == label
            names.add(name.split('/')[1])
            with Image.open(digits_root / split / name) as image:
                assert (image.mode, image.size) == ('RGB', (32, 32))
    # Every original image exactly once, named by its index.
    assert names == {f'{i:04d}.png' for i in range(NUM_IMAGES)}


def test_split_is_stratified(digits_root):
    per_class = {
        split: Counter(label for _, label in read_list(digits_root, split))
        for split in ('train', 'val')
    }
    for label, val_count in per_class['val'].items():
        total = val_count + per_class['train'][label]
        assert abs(val_count - 0.2 * total) <= 1, (label, val_count, total)


def test_same_seed_same_files_other_seed_other_split(digits_root, tmp_path):
    counts = prepare_digits(tmp_path / 'again', seed=0)
    assert counts == {
        'train': NUM_IMAGES - NUM_VAL, 'val': NUM_VAL, 'classes': 10}
    for name in ('train.txt', 'val.txt', 'classes.txt'):
        assert (tmp_path / 'again' / 'meta' / name).read_bytes() == (
            digits_root / 'meta' / name).read_bytes()
    first = read_list(digits_root, 'val')[0][0]
    assert (tmp_path / 'again' / 'val' / first).read_bytes() == (
        digits_root / 'val' / first).read_bytes()

    prepare_digits(tmp_path / 'other', seed=1, val_ratio=0.5, image_size=16)
    other_val = read_list(tmp_path / 'other', 'val')
    assert len(other_val) in (898, 899)
    assert other_val != read_list(digits_root, 'val')
    with Image.open(tmp_path / 'other' / 'val' / other_val[0][0]) as image:
        assert image.size == (16, 16)


@pytest.mark.parametrize('options,message', [
    (dict(val_ratio=0), 'val_ratio=0 '),
    (dict(val_ratio=1.5), 'val_ratio=1.5 '),
    (dict(image_size=4), 'image_size=4 '),
    (dict(image_size=32.0), 'image_size=32.0 '),
])
def test_bad_arguments_are_refused(options, message, tmp_path):
    with pytest.raises(ValueError, match=re.escape(message)):
        prepare_digits(tmp_path, **options)
    assert not (tmp_path / 'meta').exists()


def run_tool(tool, *args, cwd):
    result = subprocess.run([sys.executable, str(ROOT / 'tools' / tool),
                             *map(str, args)],
                            cwd=cwd,
                            env=ENV,
                            capture_output=True,
                            text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return result.stdout


def test_train_then_test_reads_back_the_accuracy(digits_root, tmp_path):
    """Two epochs of the demo config at 1/4 width, then tools/test.py on
    the last checkpoint: the accuracy must be far above chance (10%)."""
    data = [
        f'{split}_dataloader.dataset.data_root={digits_root}'
        for split in ('train', 'val', 'test')
    ]
    run_tool(
        'train.py', CONFIG, '--work-dir', tmp_path / 'work', '--cfg-options',
        *data, 'train_cfg.max_epochs=2', 'param_scheduler.T_max=2',
        'model.backbone.stem_channels=16', 'model.backbone.base_channels=16',
        'model.head.in_channels=128', cwd=tmp_path)
    checkpoint = tmp_path / 'work' / 'epoch_2.pth'
    assert checkpoint.is_file()

    stdout = run_tool(
        'test.py', CONFIG, checkpoint, '--out', tmp_path / 'metrics.json',
        '--cfg-options', *data, 'model.backbone.stem_channels=16',
        'model.backbone.base_channels=16', 'model.head.in_channels=128',
        cwd=tmp_path)
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    assert set(metrics) == {'accuracy/top1'}
    assert 50 < metrics['accuracy/top1'] <= 100
    assert f'"accuracy/top1": {metrics["accuracy/top1"]}' in stdout
