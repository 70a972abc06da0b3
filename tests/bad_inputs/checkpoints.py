"""Faults while saving, resuming and loading checkpoints.

The training runs are the digits demo shrunk to 1/4 width on 16 images
(2 iterations an epoch) through tools/train.py. ``reference()`` trains it
once, uninterrupted, for :data:`EPOCHS` epochs; a run that is killed or
fails and is then resumed must end with bit-identical weights. Runs that
must be killed with SIGKILL at a fixed point run in a child process that
blocks inside mmengine's file backend (:data:`CHILD`); the others run here,
with the same number of threads, so the float sums agree.
"""
import argparse
import atexit
import errno
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import torch
import torchvision
from mmengine.config import Config
from mmengine.fileio import LocalBackend
from mmengine.logging import MMLogger

from bad_inputs import case, collect
from bad_inputs.tools import (DIGITS, REPO, ToolExit, run_tool, train_config,
                               write)
from se_plugin.datasets.digits import prepare_digits
from se_plugin.engine import CheckpointError, SafeCheckpointHook
from se_plugin.engine.errors import OptionError
from se_plugin.engine.loading import find_resumable, read_checkpoint

EPOCHS = 3
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


@functools.lru_cache(maxsize=None)
def digits_root():
    """The demo's data, written once for all cases."""
    root = Path(tempfile.mkdtemp(prefix='se_plugin_digits_'))
    atexit.register(shutil.rmtree, root, True)
    prepare_digits(root)
    return root


def tiny_options(epochs=EPOCHS):
    root = digits_root()
    return [
        *(f'{loader}.dataset.data_root={root}' for loader in LOADERS),
        'train_dataloader.dataset.indices=16', 'train_dataloader.batch_size=8',
        # Workers are seeded per epoch; the main process's RNG is not in
        # the checkpoint (see tests/test_classification_e2e.py).
        'train_dataloader.num_workers=1',
        'val_dataloader.dataset.indices=20',
        'test_dataloader.dataset.indices=20',
        'model.backbone.stem_channels=16', 'model.backbone.base_channels=16',
        'model.head.in_channels=128', f'train_cfg.max_epochs={epochs}',
        'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1',
        # The lr of every iteration in the log (vis_data/scalars.json).
        'default_hooks.logger.interval=1', 'randomness.deterministic=True'
    ]


def train_argv(work_dir, *more, epochs=EPOCHS):
    """tools/train.py's arguments: the digits config (max_keep_ckpts=1)."""
    return [DIGITS, '--work-dir', work_dir, *more, '--cfg-options',
            *tiny_options(epochs)]


@functools.lru_cache(maxsize=None)
def reference(*options):
    """An uninterrupted run that keeps every checkpoint; ``options`` are
    more ``--cfg-options``."""
    work = Path(tempfile.mkdtemp(prefix='se_plugin_reference_'))
    atexit.register(shutil.rmtree, work, True)
    run_tool('train.py', [
        *train_argv(work), 'default_hooks.checkpoint.max_keep_ckpts=-1',
        *options
    ])
    return work


def weights(path):
    return read_checkpoint(path)['state_dict']


def assert_same_weights(path, expected):
    got, want = weights(path), weights(expected)
    assert got.keys() == want.keys()
    assert [k for k in want if not torch.equal(got[k], want[k])] == []


def logged(work, key):
    """``[(step, value)]`` of ``key`` in the scalars every run in ``work``
    logged (``vis_data/scalars.json``), in run order; a train row's step is
    its iteration, a validation row's its epoch."""
    rows = []
    for path in sorted(Path(work).glob('*/vis_data/scalars.json')):
        rows += [json.loads(line) for line in path.read_text().splitlines()]
    return [(row['step'], row[key]) for row in rows if key in row]


def assert_same_log(work, expected):
    """Every logged lr is the uninterrupted run's at that iteration, and
    every iteration was logged; each validation ran once, with its
    results."""
    assert set(logged(work, 'lr')) == set(logged(expected, 'lr'))
    key = 'accuracy/top1'
    assert logged(work, key) == logged(expected, key)


def assert_no_temporary_files(work):
    assert [p.name for p in Path(work).glob('.*tmp')] == []


# Runs tools/train.py and stops for good where the parent's SIGKILL finds
# it: 'write' halfway through epoch 2's checkpoint, 'remove' when the first
# outdated checkpoint is to be removed, 'val' in epoch 1's validation.
CHILD = '''
import runpy, sys, time
import torch
from mmengine.fileio import LocalBackend
from mmengine.runner import ValLoop
fault, marker, threads = sys.argv[1:4]
torch.set_num_threads(int(threads))
put, remove = LocalBackend.put, LocalBackend.remove

def stop():
    open(marker, 'w').close()
    time.sleep(3600)

def faulty_put(self, obj, path):
    if fault == 'write' and '.epoch_2.pth.' in str(path):
        with open(path, 'wb') as f:
            f.write(obj[:len(obj) // 2])
        stop()
    put(self, obj, path)

def faulty_remove(self, path):
    if fault == 'remove':
        stop()
    remove(self, path)

LocalBackend.put, LocalBackend.remove = faulty_put, faulty_remove
if fault == 'val':
    ValLoop.run_iter = lambda *args: stop()
sys.argv = ['tools/train.py', *sys.argv[4:]]
runpy.run_path('tools/train.py', run_name='__main__')
'''


def kill_during(fault, tmp_path, *options):
    """Train in a child until it blocks at ``fault``; SIGKILL it there.
    ``options`` are more ``--cfg-options``."""
    work, marker = tmp_path / 'work', tmp_path / 'blocked'
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with open(tmp_path / 'child.log', 'w') as log:
        child = subprocess.Popen(
            [sys.executable, '-c', CHILD, fault, marker,
             str(torch.get_num_threads()),
             *map(str, train_argv(work)), *options],
            cwd=REPO, env=env, stdout=log, stderr=log,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while not marker.exists():
            assert child.poll() is None, (tmp_path / 'child.log').read_text()
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the group started above
        child.wait()
    assert child.returncode == -signal.SIGKILL
    return work


def resume_and_compare(work):
    """``--resume`` ends where the uninterrupted run ended, bit for bit."""
    run_tool('train.py', train_argv(work, '--resume'))
    final = f'epoch_{EPOCHS}.pth'
    assert_same_weights(work / final, reference() / final)
    assert sorted(p.name for p in work.glob('*.pth')) == [final]
    assert_same_log(work, reference())


# --- saving ----------------------------------------------------------------


@case('checkpoints-sigkill-during-write')
def _sigkill_during_write(tmp_path):
    work = kill_during('write', tmp_path)
    # mmengine's hook would have removed epoch_1.pth before this write.
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']
    assert_same_weights(work / 'epoch_1.pth', reference() / 'epoch_1.pth')
    assert (work / 'last_checkpoint').read_text() == str(
        work / 'epoch_1.pth')
    resume_and_compare(work)


@case('checkpoints-sigkill-during-removal')
def _sigkill_during_removal(tmp_path):
    work = kill_during('remove', tmp_path)
    # epoch_2.pth and the pointer to it are complete before any removal.
    assert sorted(p.name for p in work.glob('*.pth')) == [
        'epoch_1.pth', 'epoch_2.pth'
    ]
    assert_same_weights(work / 'epoch_2.pth', reference() / 'epoch_2.pth')
    assert (work / 'last_checkpoint').read_text() == str(
        work / 'epoch_2.pth')
    assert_no_temporary_files(work)
    # epoch_1.pth stays: the resumed run's hook no longer tracks it.
    run_tool('train.py', train_argv(work, '--resume'))
    final = f'epoch_{EPOCHS}.pth'
    assert_same_weights(work / final, reference() / final)


def _disk_fault(code, epoch):
    """The disk fails ``code`` in the middle of epoch ``epoch``'s save."""

    def action(tmp_path):
        work = tmp_path / 'work'
        put = LocalBackend.put

        def failing_put(self, obj, path):
            if f'.epoch_{epoch}.pth.' in str(path):
                with open(path, 'wb') as f:
                    f.write(obj[:1000])
                raise OSError(code, os.strerror(code), str(path))
            put(self, obj, path)

        kept = [f'epoch_{e}.pth' for e in range(1, epoch)]
        expected = reference()  # not under the patch
        with mock.patch.object(LocalBackend, 'put', failing_put):
            try:
                run_tool('train.py', train_argv(work))
            finally:
                assert sorted(p.name for p in work.glob('*.pth')) == kept
                for name in kept:
                    assert_same_weights(work / name, expected / name)
                pointer = work / 'last_checkpoint'
                assert (pointer.read_text() if kept else pointer.exists()
                        ) == (str(work / kept[-1]) if kept else False)
                assert_no_temporary_files(work)

    return case(f'checkpoints-save-{errno.errorcode[code].lower()}',
                ToolExit, ('could not write the checkpoint',
                           f'work/epoch_{epoch}.pth', os.strerror(code),
                           'the previous checkpoints are kept'))(action)


# A full disk after a checkpoint; a file-size limit at the first one.
_save_enospc = _disk_fault(errno.ENOSPC, epoch=2)
_save_efbig = _disk_fault(errno.EFBIG, epoch=1)


@case('checkpoints-strict-load-not-bool', OptionError,
      ("default_hooks.checkpoint.strict_load='no'", 'True or False'))
def _strict_load_not_bool(tmp_path):
    SafeCheckpointHook(strict_load='no')


# --- resuming --------------------------------------------------------------


def _work_dir_with(tmp_path, *names, pointer=None):
    work = tmp_path / 'work'
    work.mkdir()
    for name in names:
        shutil.copy(reference() / name, work / name)
    if pointer:
        (work / 'last_checkpoint').write_text(str(work / pointer))
    return work


@case('checkpoints-resume-without-pointer')
def _resume_without_pointer(tmp_path):
    # mmengine: "Did not find last_checkpoint", a fresh start that
    # overwrites epoch_1.pth and removes it. (The run to the end is
    # checkpoints-sigkill-during-write's.)
    work = _work_dir_with(tmp_path, 'epoch_1.pth')
    cfg = train_config(train_argv(work, '--resume'))
    assert (cfg.resume, cfg.load_from) == (True, str(work / 'epoch_1.pth'))


@case('checkpoints-resume-stale-pointer')
def _resume_stale_pointer(tmp_path):
    work = _work_dir_with(
        tmp_path, 'epoch_1.pth', 'epoch_2.pth', pointer='epoch_1.pth')
    assert find_resumable(str(work)) == str(work / 'epoch_2.pth')


@case('checkpoints-resume-newest-unreadable', warns='log',
      words=('--resume skips', 'epoch_3.pth: truncated'))
def _resume_newest_unreadable(tmp_path):
    work = _work_dir_with(tmp_path, 'epoch_1.pth', 'epoch_2.pth')
    data = (reference() / 'epoch_3.pth').read_bytes()
    (work / 'epoch_3.pth').write_bytes(data[:len(data) // 2])
    found = find_resumable(str(work), MMLogger.get_current_instance())
    assert found == str(work / 'epoch_2.pth')


@case('checkpoints-resume-iteration-checkpoints')
def _resume_iteration_checkpoints(tmp_path):
    # by_epoch=False names checkpoints iter_N.pth; the newest is the one at
    # the highest iteration that loads, whatever the names and mtimes say.
    work = tmp_path / 'work'
    for name, it in (('iter_6.pth', 6), ('epoch_2.pth', 4),
                     ('iter_5.pth', 5)):
        torch.save(dict(meta=dict(epoch=0, iter=it), optimizer={},
                        state_dict={}), write(work / name, ''))
    write(work / 'iter_7.pth', 'cut')
    os.utime(work / 'epoch_2.pth', (2e9, 2e9))
    assert find_resumable(str(work)) == str(work / 'iter_6.pth')


@case('checkpoints-resume-nothing', ToolExit,
      ('--resume: no complete checkpoint', 'in the work dir',
       'epoch_1.pth can be resumed', 'without --resume'))
def _resume_nothing(tmp_path):
    work = tmp_path / 'work'
    write(work / 'epoch_1.pth', '')
    run_tool('train.py', train_argv(work, '--resume'))


@case('checkpoints-resume-no-work-dir', ToolExit,
      ('--resume: the work dir', 'missing', 'does not exist'))
def _resume_no_work_dir(tmp_path):
    run_tool('train.py', train_argv(tmp_path / 'missing', '--resume'))


@case('checkpoints-resume-weights-only', ToolExit,
      ('weights.pth: cannot be resumed', 'meta.epoch, meta.iter, optimizer',
       '--cfg-options load_from='))
def _resume_weights_only(tmp_path):
    path = tmp_path / 'weights.pth'
    torch.save(dict(state_dict=weights(reference() / 'epoch_1.pth')), path)
    run_tool('train.py', train_argv(tmp_path / 'work', '--resume', path))


@case('checkpoints-resume-changed-model', ToolExit,
      ('does not fit the model', 'mis-shaped keys',
       'needs the model the checkpoint was trained with', 'load_from'))
def _resume_changed_model(tmp_path):
    work = _work_dir_with(tmp_path, 'epoch_1.pth')
    run_tool('train.py', [
        *train_argv(work, '--resume'), 'model.backbone.base_channels=32',
        'model.head.in_channels=256'
    ])


@case('checkpoints-load-from-mismatch', ToolExit,
      ('does not fit the model', '2 mis-shaped keys',
       'head.fc.weight (1000, 128) in the checkpoint, (10, 128) in the model',
       'strict_load=False'))
def _load_from_mismatch(tmp_path):
    path = _with_head(tmp_path, 1000)
    run_tool('train.py', [*train_argv(tmp_path / 'work'), f'load_from={path}'])


@case('checkpoints-load-from-text-file', ToolExit,
      ('notes.pth: not a torch checkpoint', 'exit status 1'))
def _load_from_text_file(tmp_path):
    # Was: IndexError "pop from empty list" from torch's unpickler.
    (tmp_path / 'notes.pth').write_text('epoch 3: top-1 97 %\n')
    run_tool('train.py', [*train_argv(tmp_path / 'work'),
                          f'load_from={tmp_path / "notes.pth"}'])


# --- loading for tools/test.py ---------------------------------------------


def test_argv(checkpoint, *more):
    return [DIGITS, checkpoint, *more, '--cfg-options',
            *tiny_options()]


def _with_head(tmp_path, classes):
    state = weights(reference() / 'epoch_1.pth')
    state['head.fc.weight'] = torch.zeros(classes, 128)
    state['head.fc.bias'] = torch.zeros(classes)
    path = tmp_path / f'head{classes}.pth'
    torch.save(dict(state_dict=state), path)
    return path


def _without_se(tmp_path):
    state = {k: v for k, v in weights(reference() / 'epoch_1.pth').items()
             if '.se.' not in k}
    path = tmp_path / 'plain_resnet.pth'
    torch.save(dict(state_dict=state), path)
    return path


@functools.lru_cache(maxsize=None)
def _model():
    """The tiny digits model, for the cases that only need the hook."""
    from mmpretrain.registry import MODELS
    args = ['--cfg-options', *tiny_options()]
    return MODELS.build(train_config([DIGITS, *args]).model)


def _hook_loads(path):
    """What SafeCheckpointHook does once the Runner has read ``path``."""
    hook = SafeCheckpointHook()
    hook.after_load_checkpoint(SimpleNamespace(model=_model()),
                               read_checkpoint(path))


def _test_case(id, words, make, through_tool=False):
    """A checkpoint that tools/test.py must refuse; ``through_tool`` runs
    the tool (a few seconds), else what it runs on the file (read, then
    the hook's check)."""
    def action(tmp_path):
        if through_tool:
            run_tool('test.py', test_argv(make(tmp_path)))
        else:
            _hook_loads(make(tmp_path))

    error = ToolExit if through_tool else CheckpointError
    globals()[f'_{id}'] = case(f'checkpoints-test-{id}', error,
                               words)(action)


def _file(name, data):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(data() if callable(data) else data)
        return path
    return make


def _saved(name, obj):
    def make(tmp_path):
        torch.save(obj(), tmp_path / name)
        return tmp_path / name
    return make


_test_case('1000-class-head', (
    'does not fit the model ImageClassifier', 'mis-shaped keys',
    'head.fc.bias (1000,) in the checkpoint, (10,) in the model',
    '--allow-partial'), lambda tmp_path: _with_head(tmp_path, 1000), True)
_test_case('plain-resnet-into-se', (
    '32 missing keys: backbone.layer1.0.se.', 'and 27 more'), _without_se)
_test_case('other-architecture', (
    'missing keys: backbone.', 'unexpected keys: bn1.bias'),
    _saved('tv.pth', lambda: torchvision.models.resnet18().state_dict()))
_test_case('no-weights', ('it holds no weights', 'epoch, notes'),
           _saved('meta.pth', lambda: dict(epoch=1, notes='x')))
_test_case('empty', ('empty.pth: the file is empty (0 bytes)', ),
           _file('empty.pth', b''), True)
_test_case('truncated', ('cut.pth: truncated', ),
           _file('cut.pth', lambda: (reference() / 'epoch_1.pth')
                 .read_bytes()[:100000]))
_test_case('text', ('notes.pth: not a torch checkpoint', ),
           _file('notes.pth', b'epoch 3: top-1 97 %\n'), True)
_test_case('random-bytes', ('random.pth: not a torch checkpoint', ),
           _file('random.pth', lambda: os.urandom(4096)))
_test_case('unsafe-pickle', (
    'unsafe.pth: holds objects that may not be loaded safely',
    'argparse.Namespace'), _saved('unsafe.pth', lambda: dict(
        state_dict={}, args=argparse.Namespace(lr=1))), True)
_test_case('tensor-not-dict', ('holds a Tensor, not the dict', ),
           _saved('tensor.pth', lambda: torch.zeros(3)))
_test_case('missing-file', ('nothing.pth: no such file', ),
           lambda tmp_path: tmp_path / 'nothing.pth')


@case('checkpoints-test-allow-partial')
def _test_allow_partial(tmp_path):
    metrics = run_tool('test.py', test_argv(_without_se(tmp_path),
                                            '--allow-partial'))
    # 20 validation images: a multiple of 5 %.
    assert metrics['accuracy/top1'] % 5 == 0


@functools.lru_cache(maxsize=None)
def _detector():
    """The toy detection config's checkpoint hook and model."""
    from mmdet.registry import MODELS

    from se_plugin.registry import HOOKS
    cfg = Config.fromfile(
        REPO / 'configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py')
    cfg.model.backbone.init_cfg = None  # no ImageNet checkpoint here
    return HOOKS.build(cfg.default_hooks.checkpoint), MODELS.build(cfg.model)


@case('checkpoints-detection-load-mismatch', CheckpointError,
      ('does not fit the model FasterRCNN', 'missing keys: backbone.',
       'unexpected keys: head.fc.bias'))
def _detection_load_mismatch(tmp_path):
    hook, model = _detector()
    hook.after_load_checkpoint(
        SimpleNamespace(model=model),
        read_checkpoint(reference() / 'epoch_1.pth'))


@case('checkpoints-test-detector-into-classifier', CheckpointError,
      ('does not fit the model ImageClassifier',
       '2 missing keys: head.fc.bias, head.fc.weight',
       'unexpected keys: backbone.layer1.0.bn3.bias', 'mis-shaped keys'))
def _detector_into_classifier(tmp_path):
    # tools/test.py with a detector's checkpoint and a classifier config.
    SafeCheckpointHook().after_load_checkpoint(
        SimpleNamespace(model=_model()),
        dict(state_dict=_detector()[1].state_dict()))

#: Hook options mmengine takes without a word: (id, options, words).
HOOK_OPTIONS = [
    # mmengine: never saves (but the last with save_last).
    ('interval-zero', dict(interval=0),
     ('default_hooks.checkpoint.interval=0', 'an int >= 1, or -1 (never')),
    ('interval-negative', dict(interval=-5),
     ('default_hooks.checkpoint.interval=-5', 'an int >= 1, or -1')),
    ('interval-bool', dict(interval=True),
     ('default_hooks.checkpoint.interval=True', 'an int >= 1')),
    # mmengine: keeps every checkpoint.
    ('max-keep-ckpts-zero', dict(interval=1, max_keep_ckpts=0),
     ('default_hooks.checkpoint.max_keep_ckpts=0',
      'an int >= 1, or -1 (keep all)')),
    ('max-keep-ckpts-float', dict(interval=1, max_keep_ckpts=2.0),
     ('default_hooks.checkpoint.max_keep_ckpts=2.0', 'an int >= 1')),
]
for _id, _options, _words in HOOK_OPTIONS:
    globals()[f'_hook_{_id}'] = case(
        f'checkpoints-hook-{_id}', OptionError,
        _words)(lambda tmp_path, o=_options: SafeCheckpointHook(**o))


@case('checkpoints-hook-minus-one-allowed')
def _hook_minus_one_allowed(tmp_path):
    hook = SafeCheckpointHook(interval=-1, max_keep_ckpts=-1)
    assert (hook.interval, hook.max_keep_ckpts) == (-1, -1)


@case('checkpoints-resume-a-folder', ToolExit,
      ('other: is a folder, not a checkpoint file',
       '--resume without a value picks the newest'))
def _resume_a_folder(tmp_path):
    (tmp_path / 'other').mkdir()
    run_tool('train.py', train_argv(tmp_path / 'work', '--resume',
                                    tmp_path / 'other'))


@case('checkpoints-resume-missing-file', ToolExit,
      ('gone.pth: no such file', ))
def _resume_missing_file(tmp_path):
    run_tool('train.py', train_argv(tmp_path / 'work', '--resume',
                                    tmp_path / 'gone.pth'))


CASES = collect(globals())
