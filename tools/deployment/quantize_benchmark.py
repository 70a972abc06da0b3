"""int8 vs fp32 with ONNX Runtime: digits accuracy and CPU time, SE vs not.

1. Trains SE-ResNet-18 and its ResNet-18 baseline on the digits with
   ``tools/train.py`` (``configs/digits/``), unless checkpoints are given,
   and the same configs at depth 50 (``digits-r50``: bottleneck blocks,
   whose SE scales fold; their int8 SE file is made folded too).
2. Exports both to ONNX (the TorchScript exporter, opset 17, dynamic batch),
   quantizes them statically to int8 (QDQ, per-channel int8 weights, uint8
   activations, MinMax calibration on the digits training split) and
   measures top-1 on the validation split, fp32 and int8.
3. Times ONNX Runtime (CPU) for every batch in ``--batches`` and thread
   count in ``--threads``, all files of a pair interleaved in one run: the
   digits pair at 32x32, and the same pipeline for se_plugin's SE-ResNet-50
   / ResNet-50 and timm's seresnet50 / resnet50 (random weights, 224x224,
   calibrated on random images: their accuracy is not measured); also
   their SE file with its scales folded for that batch size
   (``int8-fold``, against the base's int8). Profiles the 224x224 files
   (batch 1, one thread): kernel time per op type, SE's and the base's,
   and what SE adds.

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
from se_plugin.deployment.quantize import (config_batches, paired_ratio,
                                           profile_ops, quantize_int8,
                                           time_files, top1)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DIGITS = dict(se='configs/digits/se_resnet18_digits.py',
              base='configs/digits/resnet18_digits.py')
R50 = dict(se='configs/se_resnet/se_resnet50_imagenet.py',
           base='configs/se_resnet/resnet50_imagenet.py')
#: The digits configs at depth 50 (bottleneck blocks).
DEPTH_50 = dict(backbone=dict(depth=50), head=dict(in_channels=2048))
PAIRS = ['digits', 'digits-r50', 'se_plugin-r50', 'timm-r50']


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
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 2],
                        help='ONNX Runtime intra-op threads (default: 1 2)')
    parser.add_argument('--pairs', nargs='+', default=PAIRS, choices=PAIRS,
                        help='SE/base pairs: the trained digits ResNet-18 '
                        'and ResNet-50 (32x32, accuracy too) and 224x224 '
                        'ResNet-50s')
    parser.add_argument('--profile-runs', type=int, default=5,
                        help='ONNX Runtime profiler calls per file at '
                        'batch 1, one thread (default: 5; 0: none)')
    return parser.parse_args(argv)


def data_cfg(data_root):
    return ['data_root=' + data_root] + [
        f'{split}_dataloader.dataset.data_root={data_root}'
        for split in ('train', 'val', 'test')
    ]


def train(config, work_dir, data_root, overrides):
    """tools/train.py on ``config`` with ``model`` ``overrides``; returns
    its last checkpoint."""
    options = [f'model.{part}.{key}={value}'
               for part, opts in overrides.items()
               for key, value in opts.items()]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + os.environ.get('PYTHONPATH', '').split(os.pathsep)))
    subprocess.run([
        sys.executable, osp.join(ROOT, 'tools', 'train.py'),
        osp.join(ROOT, config), '--work-dir', work_dir, '--cfg-options',
        *data_cfg(data_root), *options], check=True, env=env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def peer_models(name):
    """(se, base) of a 224x224 pair, random weights."""
    if name == 'timm-r50':
        import timm
        return dict(se=timm.create_model('seresnet50'),
                    base=timm.create_model('resnet50'))
    return {kind: build_model(osp.join(ROOT, config))
            for kind, config in R50.items()}


def export_pair(models, work_dir, prefix, size, calibration, folds=()):
    """fp32 and int8 files of an (se, base) pair, and ``{batch: SE's int8
    file with its scales folded}`` for each batch size in ``folds``."""
    files, folded = {}, {}
    for kind, model in models.items():
        fp32 = files[f'{kind}/fp32'] = osp.join(
            work_dir, f'{prefix}_{kind}_fp32.onnx')
        export_onnx(model.eval(), fp32, (1, 3, size, size))
        int8 = files[f'{kind}/int8'] = osp.join(
            work_dir, f'{prefix}_{kind}_int8.onnx')
        quantize_int8(fp32, int8, calibration())
    for batch in folds:
        folded[batch] = osp.join(work_dir,
                                 f'{prefix}_se_int8-fold{batch}.onnx')
        quantize_int8(files['se/fp32'], folded[batch], calibration(),
                      fold_se=batch)
    return files, folded


def at_batch(files, folded, batch):
    """The files to run at ``batch`` (a folded file takes its own batch
    only), and the (SE file's precision, base file's) pairs to compare."""
    pairs = [('fp32', 'fp32'), ('int8', 'int8')]
    if batch not in folded:
        return files, pairs
    return ({**files, 'se/int8-fold': folded[batch]},
            pairs + [('int8-fold', 'int8')])


def time_pair(files, folded, size, args):
    rows = {}
    for batch, threads in ((b, t) for b in args.batches
                           for t in args.threads):
        run, pairs = at_batch(files, folded, batch)
        times = time_files(run, (batch, 3, size, size), args.repeats,
                           args.warmup, threads)
        for precision, base in pairs:
            ratios = paired_ratio(times, f'se/{precision}', f'base/{base}')
            rows[f'batch{batch}/{threads}t/{precision}'] = dict(
                se_ms=times[f'se/{precision}']['median'] * 1e3,
                base_ms=times[f'base/{base}']['median'] * 1e3,
                ratio=statistics.median(ratios),
                ratio_iqr=statistics.quantiles(ratios, n=4)[::2]
                if len(ratios) > 1 else [ratios[0]] * 2)
    return rows


#: Operator types (ONNX Runtime's kernel names) that only SE adds to a
#: ResNet: squeeze, gate and scale (its two FCs are Conv / QLinearConv,
#: counted with the other convolutions), folded: the gate's ops on the
#: C-vector. The head's pool, flatten and output dequantization count too.
SE_OPS = ('GlobalAveragePool', 'QLinearGlobalAveragePool', 'ReduceMean',
          'Sigmoid', 'QLinearSigmoid', 'Mul', 'QLinearMul', 'Reshape',
          'DequantizeLinear')


def profile_pair(files, folded, size, args):
    """Kernel time per op type (ms per call) of the SE and the base files
    at batch 1, one thread, what SE adds per op type (SE minus base: the
    residual Add, Relu and layout changes a fused base does not run show
    here too), and SE's own operators' share of the SE file's time."""
    out = {}
    files, pairs = at_batch(files, folded, 1)
    for precision, base in pairs:
        ms = profile_ops(dict(se=files[f'se/{precision}'],
                              base=files[f'base/{base}']),
                         (1, 3, size, size), args.profile_runs)
        total = sum(ms['se'].values())
        extra = {op: ms['se'].get(op, 0.0) - ms['base'].get(op, 0.0)
                 for op in {*ms['se'], *ms['base']}}
        out[precision] = dict(
            se_ms=ms['se'], base_ms=ms['base'],
            extra_ms=dict(sorted(extra.items(), key=lambda kv: -kv[1])),
            ops={op: 100.0 * t / total for op, t in ms['se'].items()},
            se_share=100.0 * sum(t for op, t in ms['se'].items()
                                 if op in SE_OPS) / total)
    return out


def digits_pair(args, name):
    """A trained digits pair (``digits``: ResNet-18, ``digits-r50``: the
    same configs at depth 50, whose SE scales fold): accuracy fp32 vs int8
    (and folded), and times."""
    deep = name == 'digits-r50'
    overrides = DEPTH_50 if deep else {}
    checkpoints = dict(se=None, base=None) if deep else dict(
        se=args.se_checkpoint, base=args.base_checkpoint)
    models, accuracy = {}, {}
    for kind, config in DIGITS.items():
        if checkpoints[kind] is None:
            checkpoints[kind] = train(
                config, osp.join(args.work_dir, f'train_{name}_{kind}'),
                args.data_root, overrides)
        models[kind] = build_model(osp.join(ROOT, config), checkpoints[kind],
                                   **overrides)

    def batches(kind, split, size=100):
        return config_batches(osp.join(ROOT, DIGITS[kind]), split,
                              data_root=args.data_root, batch_size=size)

    # Both models share the data_preprocessor config (and the data).
    files, folded = export_pair(
        models, args.work_dir, name, 32,
        lambda: (x for x, _ in batches('se', 'train')),
        sorted({1, *args.batches}) if deep else ())
    for key, file in at_batch(files, folded, 1)[0].items():
        accuracy[key] = top1(file, batches(  # a folded file: batch 1
            key.split('/')[0], 'val', 1 if 'fold' in key else 100))
    return dict(accuracy=accuracy, time=time_pair(files, folded, 32, args))


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(0)
    os.makedirs(args.work_dir, exist_ok=True)
    import onnxruntime
    results = dict(machine=platform.processor() or platform.machine(),
                   cpus=os.cpu_count(), threads=args.threads,
                   onnxruntime=onnxruntime.__version__,
                   load_before=os.getloadavg(), pairs={})
    for name, depth in (('digits', 18), ('digits-r50', 50)):
        if name in args.pairs:
            results['pairs'][f'{name} ResNet-{depth} (32x32)'] = \
                digits_pair(args, name)
    for peer in (p for p in args.pairs if 'digits' not in p):
        rng = np.random.default_rng(0)
        files, folded = export_pair(
            peer_models(peer), args.work_dir, peer, 224,
            lambda: (rng.standard_normal((4, 3, 224, 224), np.float32)
                     for _ in range(2)), args.batches)
        results['pairs'][f'{peer} (224x224, random weights)'] = dict(
            time=time_pair(files, folded, 224, args),
            profile=profile_pair(files, folded, 224, args)
            if args.profile_runs else None)
    results['load_after'] = os.getloadavg()
    out = osp.join(args.work_dir, 'quantize_benchmark.json')
    with open(out, 'w') as f:
        json.dump(results, f, indent=1)
    print(to_markdown(results))
    print(f'written to {out}')
    return results


def to_markdown(results):
    keys = ('se/fp32', 'se/int8', 'se/int8-fold', 'base/fp32', 'base/int8')
    lines = ['| pair | SE fp32 top-1 | SE int8 top-1 | SE int8 folded top-1 '
             '| base fp32 top-1 | base int8 top-1 |', '|---' * 6 + '|']
    for name, pair in results['pairs'].items():
        acc = pair.get('accuracy')
        if acc:
            lines.append(f'| {name} | ' + ' | '.join(
                f'{acc[k]:.2f}' if k in acc else '-' for k in keys) + ' |')
    lines += ['', '| pair | mode | SE ms | base ms | SE / base (IQR) |',
              '|---|---|---|---|---|']
    for name, pair in results['pairs'].items():
        for mode, row in pair['time'].items():
            q1, q3 = row['ratio_iqr']
            lines.append(f'| {name} | {mode} | {row["se_ms"]:.2f} | '
                         f'{row["base_ms"]:.2f} | {row["ratio"]:.3f} '
                         f'({q1:.3f}-{q3:.3f}) |')
    for name, pair in results['pairs'].items():
        for precision, prof in (pair.get('profile') or {}).items():
            lines += ['', f'{name} {precision}, batch 1, 1 thread: SE\'s own '
                      f'ops {prof["se_share"]:.1f}% of the SE file\'s kernel '
                      'time', '', '| op type | SE ms | base ms | SE - base '
                      'ms |', '|---|---|---|---|']
            lines += [f'| {op} | {prof["se_ms"].get(op, 0):.2f} | '
                      f'{prof["base_ms"].get(op, 0):.2f} | {extra:+.2f} |'
                      for op, extra in prof['extra_ms'].items()]
    lines.append('\nload average before / after: ' + ' / '.join(
        ', '.join(f'{v:.2f}' for v in results[k])
        for k in ('load_before', 'load_after')))
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
