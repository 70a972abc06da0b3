"""int8 vs fp32 with ONNX Runtime: digits accuracy and CPU time, SE vs not.

1. Trains SE-ResNet-18 and its ResNet-18 baseline on the digits with
   ``tools/train.py`` (``configs/digits/``), unless checkpoints are given.
2. Exports both to ONNX (the TorchScript exporter, opset 17, dynamic batch),
   quantizes them statically to int8 (QDQ, per-channel int8 weights, uint8
   activations, MinMax calibration on the digits training split) and
   measures top-1 on the validation split, fp32 and int8.
3. Times ONNX Runtime (CPU, ``--threads``) at batch 1 and 32, all files of
   a pair interleaved in one run: the digits pair at 32x32, and the same
   pipeline for se_plugin's SE-ResNet-50 / ResNet-50 and timm's seresnet50 /
   resnet50 (random weights, 224x224, calibrated on random images: their
   accuracy is not measured).

Prepare the data first (``tools/dataset_converters/prepare_digits.py``)::

    python tools/deployment/quantize_benchmark.py --data-root data/digits \\
        --work-dir work_dirs/quantize_benchmark
"""
import argparse
import json
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys

import numpy as np
import torch

from se_plugin.deployment import build_model, export_onnx
from se_plugin.deployment.quantize import (paired_ratio, quantize_int8,
                                           time_files, top1)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DIGITS = dict(se='configs/digits/se_resnet18_digits.py',
              base='configs/digits/resnet18_digits.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='data/digits')
    parser.add_argument('--work-dir',
                        default='work_dirs/quantize_benchmark')
    parser.add_argument('--se-checkpoint', help='skip training SE-ResNet-18')
    parser.add_argument('--base-checkpoint', help='skip training ResNet-18')
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 32])
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1,
                        help='ONNX Runtime intra-op threads (default: 1)')
    parser.add_argument('--peers', nargs='*',
                        default=['se_plugin-r50', 'timm-r50'],
                        choices=['se_plugin-r50', 'timm-r50'],
                        help='224x224 pairs timed beside the digits pair')
    return parser.parse_args(argv)


def data_cfg(data_root):
    return ['data_root=' + data_root] + [
        f'{split}_dataloader.dataset.data_root={data_root}'
        for split in ('train', 'val', 'test')
    ]


def train(config, work_dir, data_root):
    """tools/train.py on ``config``; returns its last checkpoint."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + os.environ.get('PYTHONPATH', '').split(os.pathsep)))
    subprocess.run([
        sys.executable, osp.join(ROOT, 'tools', 'train.py'),
        osp.join(ROOT, config), '--work-dir', work_dir, '--cfg-options',
        *data_cfg(data_root)], check=True, env=env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def digits_batches(model, config, data_root, split, batch_size=100):
    """The ``split`` of the digits as normalised float32 batches with
    labels, read by mmpretrain's dataset and normalised by the model's own
    data_preprocessor (the exported graph starts after it)."""
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(osp.join(ROOT, config))
    dataset_cfg = cfg[f'{split}_dataloader'].dataset
    dataset_cfg.update(data_root=data_root, pipeline=cfg.test_pipeline)
    dataset = DATASETS.build(dataset_cfg)
    for start in range(0, len(dataset), batch_size):
        items = pseudo_collate([
            dataset[i]
            for i in range(start, min(start + batch_size, len(dataset)))
        ])
        with torch.no_grad():
            data = model.data_preprocessor(items, False)
        labels = np.array([s.gt_label.item() for s in data['data_samples']])
        yield data['inputs'].numpy(), labels


def peer_models(name):
    if name == 'timm-r50':
        import timm
        return dict(se=timm.create_model('seresnet50'),
                    base=timm.create_model('resnet50'))
    from mmpretrain.models import ImageClassifier
    return {
        kind: ImageClassifier(
            backbone=dict(type='se_plugin.SEResNet', depth=50, **extra),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=1000,
                      in_channels=2048))
        for kind, extra in (('se', {}), ('base', dict(se_cfg=None)))
    }


def export_pair(models, work_dir, prefix, size, calibration):
    """fp32 and int8 files of an (se, base) pair."""
    files = {}
    for kind, model in models.items():
        fp32 = osp.join(work_dir, f'{prefix}_{kind}_fp32.onnx')
        int8 = osp.join(work_dir, f'{prefix}_{kind}_int8.onnx')
        export_onnx(model.eval(), fp32, (1, 3, size, size))
        quantize_int8(fp32, int8, calibration())
        files[f'{kind}/fp32'], files[f'{kind}/int8'] = fp32, int8
    return files


def time_pair(files, size, args):
    rows = {}
    for batch in args.batches:
        times = time_files(files, (batch, 3, size, size), args.repeats,
                           args.warmup, args.threads)
        for precision in ('fp32', 'int8'):
            ratios = paired_ratio(times, f'se/{precision}',
                                  f'base/{precision}')
            rows[f'batch{batch}/{precision}'] = dict(
                se_ms=times[f'se/{precision}']['median'] * 1e3,
                base_ms=times[f'base/{precision}']['median'] * 1e3,
                ratio=statistics.median(ratios),
                ratio_iqr=statistics.quantiles(ratios, n=4)[::2]
                if len(ratios) > 1 else [ratios[0]] * 2)
    return rows


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(0)
    os.makedirs(args.work_dir, exist_ok=True)
    results = dict(machine=platform.processor() or platform.machine(),
                   cpus=os.cpu_count(), threads=args.threads, pairs={})
    # The digits pair: trained, accuracy fp32 vs int8.
    checkpoints = dict(se=args.se_checkpoint, base=args.base_checkpoint)
    models, accuracy = {}, {}
    for kind, config in DIGITS.items():
        if checkpoints[kind] is None:
            checkpoints[kind] = train(
                config, osp.join(args.work_dir, f'train_{kind}'),
                args.data_root)
        models[kind] = build_model(osp.join(ROOT, config), checkpoints[kind])
    # Both models share the data_preprocessor config (and the data).
    calib = lambda: (x for x, _ in digits_batches(  # noqa: E731
        models['se'], DIGITS['se'], args.data_root, 'train'))
    files = export_pair(models, args.work_dir, 'digits', 32, calib)
    for kind in models:
        for precision in ('fp32', 'int8'):
            accuracy[f'{kind}/{precision}'] = top1(
                files[f'{kind}/{precision}'],
                digits_batches(models[kind], DIGITS[kind], args.data_root,
                               'val'), args.threads)
    results['pairs']['digits ResNet-18 (32x32)'] = dict(
        accuracy=accuracy, time=time_pair(files, 32, args))
    for peer in args.peers:
        rng = np.random.default_rng(0)
        files = export_pair(
            peer_models(peer), args.work_dir, peer, 224,
            lambda: (rng.standard_normal((4, 3, 224, 224), np.float32)
                     for _ in range(2)))
        results['pairs'][f'{peer} (224x224, random weights)'] = dict(
            time=time_pair(files, 224, args))
    out = osp.join(args.work_dir, 'quantize_benchmark.json')
    with open(out, 'w') as f:
        json.dump(results, f, indent=1)
    print(to_markdown(results))
    print(f'written to {out}')
    return results


def to_markdown(results):
    lines = ['| pair | SE fp32 top-1 | SE int8 top-1 | base fp32 top-1 | '
             'base int8 top-1 |', '|---|---|---|---|---|']
    for name, pair in results['pairs'].items():
        acc = pair.get('accuracy')
        if acc:
            lines.append(f'| {name} | ' + ' | '.join(
                f'{acc[k]:.2f}' for k in ('se/fp32', 'se/int8', 'base/fp32',
                                          'base/int8')) + ' |')
    lines += ['', '| pair | mode | SE ms | base ms | SE / base (IQR) |',
              '|---|---|---|---|---|']
    for name, pair in results['pairs'].items():
        for mode, row in pair['time'].items():
            q1, q3 = row['ratio_iqr']
            lines.append(f'| {name} | {mode} | {row["se_ms"]:.2f} | '
                         f'{row["base_ms"]:.2f} | {row["ratio"]:.3f} '
                         f'({q1:.3f}-{q3:.3f}) |')
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
