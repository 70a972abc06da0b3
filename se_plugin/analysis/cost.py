"""Parameters, FLOPs (mmengine's counter) and speed of models, as in the
paper's Tables 2, 3, 7; what is counted: docs/user_guides/se_options.md."""
import csv
import functools
import io
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count

from se_plugin.utils.timing import time_interleaved


class Cost(NamedTuple):
    """Parameters, mmengine's FLOPs for one input, operators it skipped."""
    params: int
    flops: int
    uncounted: Tuple[str, ...]


def model_cost(model: nn.Module, input_shape: Sequence[int]) -> Cost:
    """The :class:`Cost` of ``model(x)`` for one ``(C, H, W)`` image."""
    analyzer = FlopAnalyzer(model.eval(), (torch.randn(1, *input_shape), ))
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return Cost(parameter_count(model)[''], analyzer.total(),
                tuple(sorted(analyzer.unsupported_ops())))


def se_fc_flops(model: nn.Module) -> int:
    """Multiply-adds of the SE layers' FCs per image (one per weight), the
    paper's ``(2 / r) * sum_s N_s * C_s ** 2``; pooled SE only."""
    from se_plugin.models import SELayer
    total = 0
    for name, module in model.named_modules():
        if isinstance(module, SELayer):
            if module.squeeze == 'none':
                raise ValueError(
                    f"{name}: squeeze='none' costs its FCs at every "
                    'position; se_fc_flops counts pooled SE only')
            total += module.fc1.weight.numel() + module.fc2.weight.numel()
    return total


def _forward(model, x):
    model.eval()
    with torch.no_grad():
        model(x)


def _forward_backward(model, x):
    model.train()
    model.zero_grad(set_to_none=True)
    model(x).sum().backward()


STEPS = dict(forward=_forward, forward_backward=_forward_backward)


def time_models(models: Dict[str, nn.Module], input_shape: Sequence[int],
                batch_size: int = 1, repeats: int = 10,
                warmup: int = 2) -> Dict[str, Tuple[float, float]]:
    """Name -> median (forward, forward+backward) seconds: forward in eval
    mode without autograd, the other in train mode, all timed interleaved."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f'batch_size={batch_size!r} must be an int >= 1')
    x = torch.randn(batch_size, *input_shape)
    fns = {f'{name}/{step}': functools.partial(fn, model, x)
           for name, model in models.items() for step, fn in STEPS.items()}
    times = time_interleaved(fns, repeats, warmup)
    return {name: tuple(times[f'{name}/{step}']['median'] for step in STEPS)
            for name in models}


def cost_rows(models: Dict[str, nn.Module], baseline: str,
              input_shape: Sequence[int],
              speed: Optional[dict] = None) -> List[dict]:
    """One row per model: its cost and ratios to ``baseline``'s; timed with
    ``speed`` (:func:`time_models`'s keyword arguments) unless it is None."""
    if baseline not in models:
        raise ValueError(f'baseline={baseline!r} is not one of the models '
                         f'{tuple(models)}')
    costs = {name: model_cost(m, input_shape) for name, m in models.items()}
    times = time_models(models, input_shape, **speed) \
        if speed is not None else None
    rows, base = [], costs[baseline]
    for name, cost in costs.items():
        row = dict(model=name, params=cost.params,
                   params_ratio=cost.params / base.params,
                   gflops=cost.flops / 1e9,
                   flops_ratio=cost.flops / base.flops,
                   uncounted=' '.join(op.replace('aten::', '')
                                      for op in cost.uncounted))
        if times is not None:
            (fwd, fwd_bwd), (base_fwd, base_fwd_bwd) = times[name], \
                times[baseline]
            row.update(forward_ms=fwd * 1e3, forward_ratio=fwd / base_fwd,
                       forward_backward_ms=fwd_bwd * 1e3,
                       forward_backward_ratio=fwd_bwd / base_fwd_bwd)
        rows.append(row)
    return rows


_FORMATS = dict(params='{:,}', gflops='{:.3f}', forward_ms='{:.1f}',
                forward_backward_ms='{:.1f}')


def _fmt(key, value):
    return ('{:.4f}' if key.endswith('ratio') else _FORMATS.get(
        key, '{}')).format(value)


def to_markdown(rows: List[dict]) -> str:
    """The rows as a Markdown table."""
    keys = list(rows[0])
    lines = ['| ' + ' | '.join(keys) + ' |', '|' + '---|' * len(keys)]
    lines += ['| ' + ' | '.join(_fmt(k, row[k]) for k in keys) + ' |'
              for row in rows]
    return '\n'.join(lines) + '\n'


def to_csv(rows: List[dict]) -> str:
    """The rows as CSV with full-precision numbers."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
