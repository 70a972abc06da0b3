"""mmengine checkpoints load with ``weights_only=True`` once se_plugin is
imported: a real Runner saves, resumes and loads; nothing else is let in."""
import argparse
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner

from se_plugin.utils.checkpoint import MMENGINE_CHECKPOINT_GLOBALS

if not hasattr(torch.serialization, 'add_safe_globals'):
    pytest.skip(
        f'torch {torch.__version__} has no weights_only allow-list (new in '
        '2.4); its torch.load loads mmengine checkpoints as they are',
        allow_module_level=True)
from torch.serialization import get_unsafe_globals_in_checkpoint  # noqa: E402

CONFIG = Path(__file__).parents[1] / 'configs' / 'digits' / (
    'se_resnet18_digits.py')
ITERS_PER_EPOCH = 2


def tiny_digits_cfg(root, work_dir, max_epochs, **options):
    """The demo config at 1/4 width on 16 images: 2 iterations an epoch."""
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': str(root),
        'val_dataloader.dataset.data_root': str(root),
        'train_dataloader.dataset.indices': 8 * ITERS_PER_EPOCH,
        'train_dataloader.batch_size': 8,
        'val_dataloader.dataset.indices': 20,
        'model.backbone.stem_channels': 16,
        'model.backbone.base_channels': 16,
        'model.head.in_channels': 128,
        'train_cfg.max_epochs': max_epochs,
        'train_cfg.val_interval': 1,
        'param_scheduler.T_max': 2,
        # save_best puts the best score into the message hub as well.
        'default_hooks.checkpoint': dict(
            interval=1, max_keep_ckpts=-1, save_best='accuracy/top1'),
        'default_hooks.logger.interval': 1,
        'work_dir': str(work_dir),
        'experiment_name': Path(work_dir).name,
        **options,
    })
    cfg.test_dataloader = cfg.test_evaluator = cfg.test_cfg = None
    return cfg


@pytest.fixture(scope='module')
def first_run(digits_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('first_run')
    runner = Runner.from_cfg(tiny_digits_cfg(digits_root, work_dir, 1))
    runner.train()
    loss_history = runner.message_hub.get_scalar('train/loss').data[0]
    return work_dir / 'epoch_1.pth', loss_history.copy()


# Runs in a fresh interpreter, so that nothing has allow-listed anything
# before the first torch.load.
FRESH_PYTHON = """
import json, sys, torch
from torch.serialization import get_unsafe_globals_in_checkpoint
path = sys.argv[1]
report = dict(unsafe=sorted(get_unsafe_globals_in_checkpoint(path)))
try:
    report['plain_load'] = sorted(torch.load(path))
except Exception as error:
    report['plain_load'] = f'{type(error).__name__}: {error}'
import se_plugin
report['se_plugin_load'] = sorted(torch.load(path))
print(json.dumps(report))
"""


@pytest.fixture(scope='module')
def fresh_load(first_run):
    result = subprocess.run([sys.executable, '-c', FRESH_PYTHON,
                             str(first_run[0])],
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_plain_torch_load_refuses_the_checkpoint(fresh_load):
    """Without se_plugin, torch>=2.6 refuses mmengine's own checkpoint."""
    assert fresh_load['plain_load'].startswith(
        'UnpicklingError: Weights only load failed')
    assert 'HistoryBuffer' in fresh_load['plain_load']


def test_import_se_plugin_lets_torch_load_read_it(fresh_load):
    assert fresh_load['se_plugin_load'] == [
        'message_hub', 'meta', 'optimizer', 'param_schedulers', 'state_dict'
    ]


def test_allow_list_covers_what_the_checkpoint_holds(fresh_load):
    allowed = {
        item[1] if isinstance(item, tuple) else
        f'{item.__module__}.{item.__qualname__}'
        for item in MMENGINE_CHECKPOINT_GLOBALS
    }
    needed = set(fresh_load['unsafe'])
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in needed
    assert 'numpy.core.multiarray._reconstruct' in needed
    assert needed <= allowed


def test_resume_continues_where_the_checkpoint_stopped(
        first_run, digits_root, tmp_path):
    checkpoint, first_losses = first_run
    cfg = tiny_digits_cfg(
        digits_root, tmp_path / 'resumed', 2, resume=True,
        load_from=str(checkpoint))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert (runner.epoch, runner.iter) == (2, 2 * ITERS_PER_EPOCH)
    # The loss history of epoch 1 came back from the checkpoint's message
    # hub, and epoch 2 appended to it.
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    assert len(losses) == 2 * ITERS_PER_EPOCH
    assert losses[:ITERS_PER_EPOCH].tolist() == first_losses.tolist()
    assert not (tmp_path / 'resumed' / 'epoch_1.pth').exists()
    resumed = torch.load(tmp_path / 'resumed' / 'epoch_2.pth')
    assert resumed['meta']['epoch'] == 2
    assert resumed['meta']['iter'] == 2 * ITERS_PER_EPOCH


def test_load_from_restores_the_weights(first_run, digits_root, tmp_path):
    checkpoint, _ = first_run
    cfg = tiny_digits_cfg(
        digits_root, tmp_path / 'loaded', 1, load_from=str(checkpoint))
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    saved = torch.load(checkpoint)['state_dict']
    state = runner.model.state_dict()
    assert sorted(state) == sorted(saved)
    for key, value in saved.items():
        assert torch.equal(state[key], value), key


class _Reduces:
    """Pickles as ``func(*args)``."""

    def __init__(self, func, *args):
        self.reduced = (func, args)

    def __reduce__(self):
        return self.reduced


@pytest.mark.parametrize('owner,name', [(HistoryBuffer, '__init__'),
                                        (torch.Tensor, 'add_')])
def test_getattr_is_answered_only_for_history_buffer_statistics(
        owner, name, tmp_path):
    torch.save({'x': _Reduces(getattr, owner, name)}, tmp_path / 'bad.pth')
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer stat'):
        torch.load(tmp_path / 'bad.pth')


def test_other_objects_are_still_refused(tmp_path):
    torch.save({'args': argparse.Namespace(lr=0.1)}, tmp_path / 'other.pth')
    with pytest.raises(pickle.UnpicklingError, match='argparse.Namespace'):
        torch.load(tmp_path / 'other.pth')
