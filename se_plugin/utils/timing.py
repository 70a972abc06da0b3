"""Interleaved timing, so that ratios between models share the machine's
state (clock, cache, other load) of each round."""
import statistics
import time
from typing import Callable, Dict, List

import torch


def _sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def time_interleaved(fns: Dict[str, Callable[[], object]],
                     repeats: int = 10,
                     warmup: int = 2,
                     device: str = 'cpu') -> Dict[str, Dict[str, float]]:
    """Time each callable ``repeats`` times, one call of each per round.

    The order within a round rotates, so no callable always runs right
    after the same neighbour.

    Args:
        fns (dict): Name -> callable of no arguments.
        repeats (int): Timed rounds. Defaults to 10.
        warmup (int): Untimed rounds first. Defaults to 2.
        device (str): ``'cuda...'`` synchronises around each call.

    Returns:
        dict: Name -> ``median``, ``q1``, ``q3`` (seconds) and ``times``.
    """
    if repeats < 1:
        raise ValueError(f'repeats={repeats!r} must be >= 1')
    names = list(fns)
    times: Dict[str, List[float]] = {name: [] for name in names}
    for round_ in range(warmup + repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            _sync(device)
            start = time.perf_counter()
            fns[name]()
            _sync(device)
            if round_ >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: summarize(ts) for name, ts in times.items()}


def summarize(times: List[float]) -> Dict[str, float]:
    """Median and quartiles of a list of times."""
    if len(times) == 1:
        q1 = q3 = times[0]
    else:
        q1, _, q3 = statistics.quantiles(times, n=4, method='inclusive')
    return dict(
        median=statistics.median(times), q1=q1, q3=q3, times=list(times))
