"""SafeCheckpointHook is what every shipped config saves with, and atomic
writes leave the old file or the new one. The faults themselves (SIGKILL,
full disk, bad checkpoints) are cases of tests/bad_inputs/checkpoints.py."""
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import LocalBackend
from mmengine.logging import MessageHub, MMLogger

from bad_inputs.tools import DIGITS, REPO, train_config, write
from test_configs_leaves import local_bases
from se_plugin.engine import SafeCheckpointHook
from se_plugin.engine.atomic import atomic_write

CONFIG_ROOT = Path(__file__).parents[1] / 'configs'
SAFE = "type='se_plugin.SafeCheckpointHook'"


def sets_safe_hook(path):
    """The config, or a local base of it, names the safe hook."""
    return SAFE in path.read_text() or any(
        sets_safe_hook(b) for b in local_bases(path))


def test_every_shipped_config_saves_with_the_safe_hook():
    """Checked on the text (loading the 70 configs takes over a minute):
    every config reaches a file that sets it, and none names another.
    The model bases (``_base_/models/``) and schedule bases
    (``_base_/schedule_*.py``) are fragments, not runnable."""
    configs = sorted(p for p in CONFIG_ROOT.rglob('*.py')
                     if p.parent != CONFIG_ROOT / '_base_' / 'models' and not (
                         p.parent.name == '_base_'
                         and p.name.startswith('schedule_')))
    assert len(configs) > 50
    assert [p for p in configs if not sets_safe_hook(p)] == []
    assert [
        p for p in configs
        if 'CheckpointHook' in p.read_text().replace(SAFE, '')
    ] == []


@pytest.mark.parametrize('config', [
    'digits/se_resnet18_digits.py',
    'detection/digits/faster-rcnn_se-r50_fpn_digits.py'
])
def test_the_merged_config_has_it(config):
    cfg = Config.fromfile(CONFIG_ROOT / config)
    assert cfg.default_hooks.checkpoint.type == 'se_plugin.SafeCheckpointHook'


def test_known_keys_and_list_items_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter('error', UserWarning)
        cfg = train_config([
            DIGITS, '--cfg-options', 'train_cfg.max_epochs=2',
            'train_dataloader.dataset.pipeline.1.crop_size=28'
        ])
    assert cfg.train_dataloader.dataset.pipeline[1].crop_size == 28
    assert cfg.train_cfg.max_epochs == 2


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / 'a.pth'
    atomic_write(path, b'old')
    with pytest.raises(TypeError):  # fails halfway: the file is open
        atomic_write(path, object())
    assert path.read_bytes() == b'old'
    atomic_write(path, 'new text')
    assert path.read_text() == 'new text'
    assert [p.name for p in tmp_path.iterdir()] == ['a.pth']


@pytest.mark.slow
def test_tool_error_is_one_line_on_stderr(tmp_path):
    """What run_tool (tests/bad_inputs/tools.py) reads from SystemExit, seen
    from outside: status 1, one line on stderr, nothing on stdout. Slow for
    what it shows (a fresh interpreter imports torch and mmengine)."""
    src = write(tmp_path / 'w.pth', 'x')
    result = subprocess.run(
        [sys.executable, REPO / 'tools/model_converters/to_se_plugin.py',
         'torchvision', 'resnet18', src, src], capture_output=True,
        text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=300)
    assert (result.returncode, result.stdout) == (1, '')
    assert result.stderr == (f'error: dst {str(src)!r} is one of the '
                             f'inputs ({src}); the tool never writes over '
                             'its inputs, give another dst\n')


class _RecordingRunner:
    """What the hook uses of a Runner; it logs every write and removal
    with the checkpoints that exist at that moment."""

    def __init__(self, work_dir):
        self.work_dir = str(work_dir)
        self.message_hub = MessageHub.get_instance(f'safe-{work_dir}')
        self.logger = MMLogger.get_instance(f'safe-{work_dir}')
        self.epoch = self.iter = 0
        self.events = []

    def listing(self):
        return sorted(p.name for p in Path(self.work_dir).glob('*.pth'))

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        self.events.append(('write', self.listing()))
        torch.save(dict(epoch=self.epoch), Path(out_dir) / filename)


def test_removals_come_after_the_new_checkpoint(tmp_path, monkeypatch):
    runner = _RecordingRunner(tmp_path)
    remove = LocalBackend.remove

    def recorded_remove(backend, path):
        runner.events.append(('remove', Path(path).name, runner.listing()))
        remove(backend, path)

    monkeypatch.setattr(LocalBackend, 'remove', recorded_remove)
    hook = SafeCheckpointHook(
        interval=1, max_keep_ckpts=1, save_best='acc', rule='greater')
    hook.before_train(runner)
    for epoch, acc in ((1, 50), (2, 70)):
        runner.epoch, runner.iter = epoch - 1, 2 * epoch
        hook._save_checkpoint(runner)
        runner.epoch = epoch
        hook._save_best_checkpoint(runner, dict(acc=acc))
    best_1, best_2 = 'best_acc_epoch_1.pth', 'best_acc_epoch_2.pth'
    # mmengine saves epoch_N.pth, the new best, then epoch_N.pth again (to
    # store the best score); each removal waits until its successor is
    # complete, where mmengine removes first.
    assert runner.events[3:] == [
        ('write', [best_1, 'epoch_1.pth']),
        ('remove', 'epoch_1.pth', [best_1, 'epoch_1.pth', 'epoch_2.pth']),
        ('write', [best_1, 'epoch_2.pth']),
        ('write', [best_1, best_2, 'epoch_2.pth']),
        ('remove', best_1, [best_1, best_2, 'epoch_2.pth']),
    ]
    assert runner.listing() == [best_2, 'epoch_2.pth']
    assert (tmp_path / 'last_checkpoint').read_text() == str(
        tmp_path / 'epoch_2.pth')
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        best_2, 'epoch_2.pth', 'last_checkpoint'
    ]
