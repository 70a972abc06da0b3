"""Parameters, FLOPs and speed of models, as in the paper's Tables 2, 3, 7.

FLOPs are mmengine's count (:class:`mmengine.analysis.FlopAnalyzer`, the
counter behind ``get_model_complexity_info``): one per multiply-add of
convolutions and linear layers (biases not counted), two per element of an
affine batch norm in eval mode, one per input element of adaptive average
pooling. Element-wise operators are not counted: ReLU, sigmoid, the residual
sum, max pooling, and for SE the squeeze (``mean``) and the rescaling
multiply. So SE adds exactly the multiply-adds of its two FC layers, the
paper's ``(2 / r) * sum_s N_s * C_s ** 2`` (:func:`se_fc_flops`; 2,514,944
for SE-ResNet-50); the operators left out are reported per model
(:attr:`Cost.uncounted`). The counter traces the model, and SE calls its
``fc1``/``fc2`` modules, so its per-module table lists them with their
counts and none of them as "never called".
"""
import csv
import functools
import io
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count

from se_plugin.utils.timing import time_interleaved


class Cost(NamedTuple):
    """Static cost of one model.

    Args:
        params (int): Number of parameters.
        flops (int): mmengine's FLOP count for one input.
        uncounted (tuple[str]): Operators the counter skipped.
    """
    params: int
    flops: int
    uncounted: Tuple[str, ...]


def model_cost(model: nn.Module, input_shape: Sequence[int]) -> Cost:
    """Count the parameters and FLOPs of ``model`` for one input.

    Args:
        model (nn.Module): A model whose ``forward(x)`` takes an image batch
            (mmpretrain's classifiers do, in their ``'tensor'`` mode).
        input_shape (Sequence[int]): ``(C, H, W)`` of one image.
    """
    inputs = (torch.randn(1, *input_shape), )
    analyzer = FlopAnalyzer(model.eval(), inputs)
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    flops = analyzer.total()
    return Cost(parameter_count(model)[''], flops,
                tuple(sorted(analyzer.unsupported_ops())))


def se_fc_flops(model: nn.Module) -> int:
    """Multiply-adds of the SE layers' FCs per image: one per FC weight
    (biases are not counted), the paper's ``(2 / r) * sum_s N_s * C_s ** 2``
    for SE on every block. ``squeeze='none'`` layers, whose FCs run at every
    position, are not covered.

    Raises:
        ValueError: ``model`` has an SE layer with ``squeeze='none'``.
    """
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


def time_models(models: Dict[str, nn.Module],
                input_shape: Sequence[int],
                batch_size: int = 1,
                repeats: int = 10,
                warmup: int = 2) -> Dict[str, Tuple[float, float]]:
    """Median forward and forward+backward time of each model, in seconds.

    Every step of every model is timed interleaved
    (:func:`se_plugin.utils.timing.time_interleaved`: one call of each per
    round, the order rotating), so a change of machine load hits all of
    them alike; the first ``warmup`` rounds are discarded.

    Args:
        models (dict): Name -> model taking an image batch.
        input_shape (Sequence[int]): ``(C, H, W)`` of one image.
        batch_size (int): Images per batch. Defaults to 1 (the paper's CPU
            inference time is for one image).
        repeats (int): Timed rounds. Defaults to 10.
        warmup (int): Untimed rounds first. Defaults to 2.

    Returns:
        dict: Name -> (forward seconds, forward+backward seconds). Forward
        runs in eval mode without autograd, forward+backward in train mode.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f'batch_size={batch_size!r} must be an int >= 1')
    x = torch.randn(batch_size, *input_shape)
    fns = {f'{name}/{step}': functools.partial(fn, model, x)
           for name, model in models.items() for step, fn in STEPS.items()}
    times = time_interleaved(fns, repeats, warmup)
    return {
        name: tuple(times[f'{name}/{step}']['median'] for step in STEPS)
        for name in models
    }


def cost_rows(models: Dict[str, nn.Module],
              baseline: str,
              input_shape: Sequence[int],
              speed: Optional[dict] = None) -> List[dict]:
    """One row per model: cost and its ratio to the ``baseline`` model.

    Args:
        models (dict): Name -> model; must contain ``baseline``.
        baseline (str): Name of the reference model.
        input_shape (Sequence[int]): ``(C, H, W)`` of one image.
        speed (dict, optional): Keyword arguments of :func:`time_models`
            (``{}`` for its defaults); None skips timing.

    Returns:
        list[dict]: Rows with ``model``, ``params``, ``params_ratio``,
        ``gflops``, ``flops_ratio``, ``uncounted`` and, when timed,
        ``forward_ms``, ``forward_ratio``, ``forward_backward_ms``,
        ``forward_backward_ratio``.
    """
    if baseline not in models:
        raise ValueError(f'baseline={baseline!r} is not one of the models '
                         f'{tuple(models)}')
    costs = {name: model_cost(m, input_shape) for name, m in models.items()}
    times = time_models(models, input_shape, **speed) \
        if speed is not None else None
    rows = []
    for name, cost in costs.items():
        base = costs[baseline]
        row = dict(
            model=name,
            params=cost.params,
            params_ratio=cost.params / base.params,
            gflops=cost.flops / 1e9,
            flops_ratio=cost.flops / base.flops,
            uncounted=' '.join(op.replace('aten::', '')
                               for op in cost.uncounted))
        if times is not None:
            (fwd, fwd_bwd), (base_fwd, base_fwd_bwd) = times[name], \
                times[baseline]
            row.update(
                forward_ms=fwd * 1e3,
                forward_ratio=fwd / base_fwd,
                forward_backward_ms=fwd_bwd * 1e3,
                forward_backward_ratio=fwd_bwd / base_fwd_bwd)
        rows.append(row)
    return rows


_FORMATS = dict(
    params='{:,}',
    gflops='{:.3f}',
    forward_ms='{:.1f}',
    forward_backward_ms='{:.1f}')


def _fmt(key, value):
    if key.endswith('ratio'):
        return f'{value:.4f}'
    return _FORMATS.get(key, '{}').format(value)


def to_markdown(rows: List[dict]) -> str:
    """The rows as a Markdown table."""
    keys = list(rows[0])
    lines = ['| ' + ' | '.join(keys) + ' |', '|' + '---|' * len(keys)]
    lines += [
        '| ' + ' | '.join(_fmt(k, row[k]) for k in keys) + ' |'
        for row in rows
    ]
    return '\n'.join(lines) + '\n'


def to_csv(rows: List[dict]) -> str:
    """The rows as CSV with full-precision numbers."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
