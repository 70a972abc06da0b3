"""Interleaved timing, so that ratios between models share the machine's
state (clock, cache, other load) of each round."""
import ctypes
import ctypes.util
import statistics
import time
from typing import Callable, Dict, List

import torch


def _sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def time_interleaved(fns: Dict[str, Callable[[], object]], repeats: int = 10,
                     warmup: int = 2,
                     device: str = 'cpu') -> Dict[str, Dict[str, float]]:
    """Name -> ``median``, ``q1``, ``q3`` seconds and ``times`` of each
    callable, one call of each per round in a rotating order."""
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
    q1, _, q3 = (statistics.quantiles(times, n=4, method='inclusive')
                 if len(times) > 1 else list(times) * 3)
    return dict(
        median=statistics.median(times), q1=q1, q3=q3, times=list(times))


# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4


def keep_heap() -> None:
    """Make glibc's malloc keep freed memory (no mmap, no trim), so calls
    stop faulting in fresh pages and timings repeat; RuntimeError if not."""
    name = ctypes.util.find_library('c')
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError) as error:
        raise RuntimeError(
            f'keep_heap needs glibc (mallopt); the C library here is '
            f'{name!r}: {error}') from error
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    for param, value in ((_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, 2**31 - 1)):
        if mallopt(param, value) != 1:
            raise RuntimeError(f'mallopt({param}, {value}) failed')
