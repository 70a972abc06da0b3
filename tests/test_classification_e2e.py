"""End to end: the real classification configs through tools/ on small data.

The configs are used as shipped and shrunk only through ``--cfg-options``:
data roots, image size (32 px crops), batch size, number of training
samples (``dataset.indices``), epochs, classes (10 for digits), logging,
and the seed/deterministic switches. The networks stay the configs' own
(SE-ResNet-50, SE-ResNet-152): a smaller depth would test another model.

- ImageNet layout: scikit-learn's digits written by ``prepare_digits``
  (``train/<class>/*.png`` + ``meta/{train,val}.txt``).
- Places365: ``write_places365`` (official lists and folders).

Data-loading workers matter for an exact resume: mmengine's
``worker_init_fn`` seeds each worker from (seed, rank, worker id), the same
in every epoch, and workers are re-created per epoch
(``persistent_workers`` is off in mmpretrain's base), so a resumed epoch
sees the same augmentations as the uninterrupted one. With
``num_workers=0`` the crops are drawn from the main process's RNG, whose
state is not in the checkpoint, so a resumed run would differ.
"""
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from test_datasets import write_places365

REPO = Path(__file__).resolve().parents[1]
# One thread per process: 2 cores, and the two ranks run side by side.
ENV = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
           PYTHONPATH=str(REPO), PYTHON=sys.executable)
NUM_VAL = 101  # odd: two ranks need one padded sample


def eval_options(scale, extra=()):
    """``--cfg-options`` of the val and test loaders: resize to ``scale``,
    32 px centre crops, no worker processes, and ``extra`` (key: value)."""
    keys = {'dataset.pipeline.1.scale': scale,
            'dataset.pipeline.2.crop_size': 32, 'num_workers': 0,
            **dict(extra)}
    return [f'{loader}.{key}={value}' for loader in
            ('val_dataloader', 'test_dataloader')
            for key, value in keys.items()]


def imagenet_options(root, epochs):
    """``--cfg-options`` that shrink configs/se_resnet50_imagenet.py."""
    options = [
        'model.head.num_classes=10', 'data_preprocessor.num_classes=10',
        'train_dataloader.dataset.pipeline.1.scale=32',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=1',
        'train_dataloader.dataset.indices=16',
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        'default_hooks.logger.interval=1', 'randomness.seed=0',
        'randomness.deterministic=True', 'env_cfg.dist_cfg.backend=gloo'
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options.append(f'{loader}.dataset.data_root={root}')
    return options + eval_options(36, {'batch_size': 16,
                                       'dataset.indices': NUM_VAL})


def places_options(root):
    """``--cfg-options`` that shrink the Places365 configs (365 classes)."""
    options = [
        'train_dataloader.dataset.pipeline.1.scale=(36,36)',
        'train_dataloader.dataset.pipeline.2.crop_size=32',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=2',
        'randomness.seed=0'
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options.append(f'{loader}.dataset.data_root={root}')
    return options + eval_options('(36,36)')


def tool(name, *args):
    return [sys.executable, str(REPO / 'tools' / name), *map(str, args)]


def run(cmd, **kwargs):
    result = subprocess.run(cmd, cwd=REPO, env=ENV, capture_output=True,
                            text=True, **kwargs)
    assert result.returncode == 0, (result.stdout[-3000:] +
                                    result.stderr[-5000:])
    return result.stdout + result.stderr


def weights(path):
    return torch.load(path, map_location='cpu')['state_dict']


def accuracy_of(predictions):
    """Top-1/top-5 (%) recomputed from dumped predictions."""
    scores = np.stack([p['pred_score'].numpy() for p in predictions])
    labels = np.array([int(p['gt_label'][0]) for p in predictions])
    top5 = np.argsort(-scores, axis=1)[:, :5]
    return (100 * np.mean(top5[:, 0] == labels),
            100 * np.mean((top5 == labels[:, None]).any(axis=1)))


def printed_metrics(log):
    """The metrics tools/test.py prints after 'Test metrics of <ckpt>:'."""
    text = log.split('Test metrics of ', 1)[1].split(':\n', 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


def check_test_outputs(metrics, predictions, size):
    """The metric covers every sample once and agrees with the dump."""
    assert len(predictions) == size
    assert [p['sample_idx'] for p in predictions] == list(range(size))
    top1, top5 = accuracy_of(predictions)
    assert metrics['accuracy/top1'] == pytest.approx(top1, abs=1e-4)
    assert metrics['accuracy/top5'] == pytest.approx(top5, abs=1e-4)
    assert top1 <= top5  # a top-1 hit is a top-5 hit


def test_imagenet_train_kill_resume(digits_root, tmp_path):
    """Train, and the same run killed with -9 after a checkpoint (the two
    side by side), resume it, compare the weights."""
    config = 'configs/se_resnet50_imagenet.py'
    options = ['--cfg-options', *imagenet_options(digits_root, epochs=2)]
    full, killed = tmp_path / 'full', tmp_path / 'killed'
    # The killed run, in its own process group so that -9 reaches workers.
    proc = subprocess.Popen(
        tool('train.py', config, '--work-dir', killed, *options), cwd=REPO,
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    # The uninterrupted run, on the other core (its log in a file: a full
    # pipe would stall it).
    full_log = tmp_path / 'full.log'
    with open(full_log, 'w') as out:
        uninterrupted = subprocess.Popen(
            tool('train.py', config, '--work-dir', full, *options),
            cwd=REPO, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    try:
        # mmengine writes last_checkpoint after the checkpoint file.
        while not (killed / 'last_checkpoint').exists():
            assert proc.poll() is None, 'training ended before a checkpoint'
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test started
        proc.wait()
        uninterrupted.wait()
    log = full_log.read_text()
    assert uninterrupted.returncode == 0, log[-6000:]
    # lr 0.6 x 8 / 1024 by auto_scale_lr (batch 8, one process).
    assert 'Scaling the original LR by 0.0078125' in log
    assert sorted(p.name for p in full.glob('*.pth')) == [
        'epoch_1.pth', 'epoch_2.pth'
    ]
    assert proc.returncode == -signal.SIGKILL
    assert not (killed / 'epoch_2.pth').exists()
    resumed_from = (killed / 'last_checkpoint').read_text().strip()

    log = run(tool('train.py', config, '--work-dir', killed, '--resume',
                   *options))
    assert f'Load checkpoint from {resumed_from}' in log
    assert 'resumed epoch: 1, iter: 2' in log
    final, reference = weights(killed / 'epoch_2.pth'), weights(
        full / 'epoch_2.pth')
    assert final.keys() == reference.keys()
    different = [k for k in final if not torch.equal(final[k], reference[k])]
    assert different == []  # bit-exact, BN statistics included
    # ... and training changed the weights.
    assert not torch.equal(weights(full / 'epoch_1.pth')['head.fc.weight'],
                           reference['head.fc.weight'])
    # tools/test.py on this config: test_imagenet_distributed_two_ranks
    # (dist_test.sh) and, in one process, test_places365_train_and_test.


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_imagenet_distributed_two_ranks(digits_root, tmp_path):
    """tools/dist_train.sh and dist_test.sh with 2 CPU processes (gloo)."""
    config = 'configs/se_resnet50_imagenet.py'
    options = imagenet_options(digits_root, epochs=1)
    options[options.index('train_dataloader.dataset.indices=16')] = (
        'train_dataloader.dataset.indices=32')
    work = tmp_path / 'dist'
    env = dict(ENV, PORT=str(free_port()))
    result = subprocess.run(
        ['bash', 'tools/dist_train.sh', config, '2', '--work-dir', work,
         '--cfg-options', *options], cwd=REPO, env=env, capture_output=True,
        text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]  # torchrun: every rank exited 0
    assert 'Distributed training: True' in log
    # 32 samples over 2 ranks x 8 per batch: 2 iterations per rank, and the
    # total batch 16 scales lr 0.6 by 16 / 1024.
    assert 'Epoch(train) [1][2/2]' in log
    assert 'Scaling the original LR by 0.015625' in log
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']

    # Distributed evaluation: both ranks' predictions gathered, the sampler's
    # padding dropped, every validation image exactly once.
    env['PORT'] = str(free_port())
    result = subprocess.run(
        ['bash', 'tools/dist_test.sh', config, work / 'epoch_1.pth', '2',
         '--work-dir', work, '--out', work / 'predictions.pkl',
         '--cfg-options', *options], cwd=REPO, env=env, capture_output=True,
        text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    with open(work / 'predictions.pkl', 'rb') as f:
        predictions = pickle.load(f)
    check_test_outputs(printed_metrics(log), predictions, NUM_VAL)


def test_places365_train_and_test(tmp_path):
    root = tmp_path / 'places365'
    write_places365(root, per_class=2, num_labelled=4, val_per_class=2)
    config = 'configs/places365/se_resnet152_places365-challenge.py'
    options = places_options(root)
    work = tmp_path / 'work'
    log = run(tool('train.py', config, '--work-dir', work, '--cfg-options',
                   *options))
    # The challenge list: 3 images for each of 4 classes, batch 4.
    assert 'Epoch(train) [1][3/3]' in log
    metrics = printed_metrics(
        run(tool('test.py', config, work / 'epoch_1.pth', '--work-dir', work,
                 '--out', work / 'predictions.pkl', '--cfg-options',
                 *options)))
    with open(work / 'predictions.pkl', 'rb') as f:
        predictions = pickle.load(f)
    # The 8 validation images: the printed top-1/top-5 are the dump's.
    check_test_outputs(metrics, predictions, 8)
