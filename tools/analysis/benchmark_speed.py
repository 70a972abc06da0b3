"""What SE costs in time: SE-ResNet-50 / ResNet-50 for three implementations.

se_plugin, mmpretrain and timm are measured in one process, interleaved
(one call of each model per round, the order rotating), after warm-up. Each
round gives one SE/baseline ratio per implementation; the median and
quartiles of those paired ratios are reported, and written to JSON.

Examples::

    # CPU, fp32: inference at batch 1 and 32, a training step at batch 32
    python tools/analysis/benchmark_speed.py --out work_dirs/speed_cpu.json
    # the same with freed memory reused (repeatable timings at batch 32)
    python tools/analysis/benchmark_speed.py --keep-heap
    # GPU: AMP and channels_last, training step at batch 256
    python tools/analysis/benchmark_speed.py --device cuda --amp \\
        --channels-last --modes infer-256 train-256
"""
import argparse
import json
import os
import platform
import statistics

import torch
import torch.nn as nn

from se_plugin.models import SEResNet
from se_plugin.utils.timing import keep_heap, time_interleaved


class Classifier(nn.Module):
    """Backbone + global average pooling + fc, like timm's models."""

    def __init__(self, backbone, num_classes=1000):
        super().__init__()
        self.backbone = backbone
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x):
        return self.fc(self.backbone(x)[-1].mean((2, 3)))


def unfused(model):
    """The same model with SE scaling and the residual sum as two passes.

    Wrapping each SE module hides it from the blocks' one-pass path, so
    this measures the plain form ``relu(identity + se(branch))``.
    """
    for module in model.modules():
        if getattr(module, 'se', None) is not None:
            module.se = nn.Sequential(module.se)
    return model


def build_models(names):
    import timm
    from mmpretrain.models import ResNet
    from mmpretrain.models import SEResNet as MMPretrainSEResNet
    factories = {
        'se_plugin/se': lambda: Classifier(SEResNet(depth=50)),
        'se_plugin/se-unfused':
        lambda: unfused(Classifier(SEResNet(depth=50))),
        'se_plugin/se-cpu-kernel':
        lambda: Classifier(SEResNet(depth=50, se_cfg=dict(cpu_kernel=True))),
        'se_plugin/base': lambda: Classifier(SEResNet(depth=50, se_cfg=None)),
        'mmpretrain/se': lambda: Classifier(MMPretrainSEResNet(depth=50)),
        'mmpretrain/base': lambda: Classifier(ResNet(depth=50)),
        'timm/se': lambda: timm.create_model('seresnet50'),
        'timm/base': lambda: timm.create_model('resnet50'),
    }
    unknown = set(names) - set(factories)
    if unknown:
        raise ValueError(f'--models {sorted(unknown)} unknown; allowed: '
                         f'{sorted(factories)}')
    return {name: factories[name]() for name in names}


def make_step(model, mode, batch, args):
    device = torch.device(args.device)
    fmt = (torch.channels_last if args.channels_last else
           torch.contiguous_format)
    model = model.to(device, memory_format=fmt)
    x = torch.randn(batch, 3, args.size, args.size, device=device)
    x = x.contiguous(memory_format=fmt)
    amp = torch.autocast(device.type, enabled=args.amp)
    if args.compile:
        model = torch.compile(model)
    if mode == 'infer':
        model.eval()

        def step():
            with torch.no_grad(), amp:
                model(x)

        return step
    model.train()
    target = torch.randint(0, 1000, (batch, ), device=device)
    optim = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scaler = torch.amp.GradScaler(device.type, enabled=args.amp)

    def step():
        optim.zero_grad(set_to_none=True)
        with amp:
            loss = nn.functional.cross_entropy(model(x), target)
        scaler.scale(loss).backward()
        scaler.step(optim)
        scaler.update()

    return step


def paired_ratios(times, se, base):
    ratios = [a / b for a, b in zip(times[se]['times'], times[base]['times'])]
    q1, _, q3 = statistics.quantiles(ratios, n=4, method='inclusive') \
        if len(ratios) > 1 else (ratios[0], None, ratios[0])
    return dict(median=statistics.median(ratios), q1=q1, q3=q3)


def parse_mode(text):
    kind, _, batch = text.partition('-')
    if kind not in ('infer', 'train') or not batch.isdigit():
        raise argparse.ArgumentTypeError(
            f"mode {text!r} must be 'infer-<batch>' or 'train-<batch>'")
    return kind, int(batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--modes', nargs='+', type=parse_mode,
        default=[('infer', 1), ('infer', 32), ('train', 32)])
    parser.add_argument(
        '--models', nargs='+',
        default=['se_plugin/se', 'se_plugin/se-unfused',
                 'se_plugin/se-cpu-kernel', 'se_plugin/base',
                 'mmpretrain/se', 'mmpretrain/base', 'timm/se', 'timm/base'])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--amp', action='store_true')
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument('--compile', action='store_true')
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--keep-heap', action='store_true',
        help='keep freed memory in the process (glibc: no mmap, no trim), '
        'so that large activations do not fault in fresh pages on every '
        'call: repeatable CPU timings (see se_plugin.utils.timing.keep_heap)')
    parser.add_argument('--out', default='work_dirs/benchmark_speed.json')
    args = parser.parse_args()
    if args.keep_heap:
        keep_heap()

    torch.manual_seed(0)
    results = dict(
        device=(torch.cuda.get_device_name() if args.device.startswith(
            'cuda') else platform.processor() or platform.machine()),
        threads=torch.get_num_threads(), torch=torch.__version__,
        args={k: v for k, v in vars(args).items() if k != 'modes'},
        modes={})
    for kind, batch in args.modes:
        models = build_models(args.models)
        steps = {name: make_step(model, kind, batch, args)
                 for name, model in models.items()}
        times = time_interleaved(
            steps, args.repeats, args.warmup, device=args.device)
        impls = sorted({name.split('/')[0] for name in steps})
        ratios = {}
        for impl in impls:
            for variant in ('se', 'se-unfused', 'se-cpu-kernel'):
                se, base = f'{impl}/{variant}', f'{impl}/base'
                if se in times and base in times:
                    ratios[se] = paired_ratios(times, se, base)
        mode = f'{kind}-{batch}'
        results['modes'][mode] = dict(times=times, ratios=ratios)
        print(f'\n## {mode} ({results["device"]}, {results["threads"]} '
              f'threads, amp={args.amp}, channels_last={args.channels_last}, '
              f'size={args.size}, keep_heap={args.keep_heap})')
        print('| model | median ms | IQR ms |')
        print('|---|---|---|')
        for name, t in times.items():
            print(f'| {name} | {t["median"] * 1e3:.1f} | '
                  f'{t["q1"] * 1e3:.1f}-{t["q3"] * 1e3:.1f} |')
        print('\n| SE / baseline | median ratio | IQR |')
        print('|---|---|---|')
        for name, r in ratios.items():
            print(f'| {name} | {r["median"]:.3f} | '
                  f'{r["q1"]:.3f}-{r["q3"]:.3f} |')
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(results, f, indent=1)
    print(f'\nwritten to {args.out}')


if __name__ == '__main__':
    main()
