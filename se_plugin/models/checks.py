"""Checks of model options, run by the constructors before anything is built.

Every check raises an :class:`OptionError` whose message names the option
(``Class.key``), the value and what is allowed, e.g. ``SEResNet.num_stages=5
is not supported; allowed: an int in 1..4``. Python's ``bool`` is an ``int``,
so ``True`` would pass as ``1``; here it is no number, and numbers must be
finite. The inherited mmpretrain/mmdet options are checked here too, before
the parent's bare ``assert`` (or a silent fallback) is reached.
"""
import inspect
import math
from typing import Any, Callable, Optional, Sequence

from ..engine.errors import OptionError


def fail(name: str, value: Any, allowed: str):
    """Raise an :class:`OptionError` for ``name=value``."""
    raise OptionError(
        f'{name}={value!r} is not supported; allowed: {allowed}')


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _bounds(low, high) -> str:
    if high is None:
        return f' >= {low}' if low is not None else ''
    return f' in {low}..{high}'


def check_int(name: str,
              value,
              low: Optional[int] = None,
              high: Optional[int] = None,
              none: bool = False) -> None:
    """An int (not a bool) in ``low..high``; None too if ``none``."""
    if value is None and none:
        return
    if (not is_int(value) or (low is not None and value < low)
            or (high is not None and value > high)):
        fail(name, value,
             f'an int{_bounds(low, high)}' + (' or None' if none else ''))


def check_number(name: str,
                 value,
                 low: float = -math.inf,
                 high: float = math.inf,
                 low_open: bool = False,
                 high_open: bool = False) -> None:
    """A finite int or float (not a bool) within the given interval."""
    ok = is_number(value) and (value > low if low_open else value >= low) \
        and (value < high if high_open else value <= high)
    if not ok:
        if high == math.inf:
            text = f"a finite number {'>' if low_open else '>='} {low}"
        else:
            text = (f"a number in {'(' if low_open else '['}{low}, {high}"
                    f"{')' if high_open else ']'}")
        fail(name, value, text)


def check_bool(name: str, value) -> None:
    if not isinstance(value, bool):
        fail(name, value, '(False, True)')


def check_choice(name: str, value, allowed) -> None:
    """One of ``allowed``, of the same type: ``True`` is not ``1`` and
    ``50.0`` is not ``50``."""
    if not any(type(value) is type(a) and value == a for a in allowed):
        fail(name, value, tuple(allowed))


def check_cfg(name: str, value, none: bool = False,
              typed: bool = True) -> None:
    """A config dict (with a ``type`` key if ``typed``); None too if
    ``none``."""
    if value is None and none:
        return
    if not isinstance(value, dict) or (typed and 'type' not in value):
        what = "a dict with a 'type' key" if typed else 'a dict'
        fail(name, value, what + (' or None' if none else ''))


def check_init_cfg(name: str, value) -> None:
    """mmengine's ``init_cfg``: None, a dict or a list of dicts."""
    if value is None or isinstance(value, dict):
        return
    if not isinstance(value, list) or not all(
            isinstance(v, dict) for v in value):
        fail(name, value, 'None, a dict or a list of dicts')


def _is_sequence(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def check_ints(name: str, value, length: int, low: int = 1) -> None:
    """A sequence of ``length`` ints, each ``>= low`` (strides,
    dilations)."""
    if (not _is_sequence(value) or len(value) != length
            or not all(is_int(v) and v >= low for v in value)):
        fail(name, value, f'a sequence of {length} ints >= {low}')


def check_bools(name: str, value, length: int) -> None:
    """A sequence of ``length`` bools (one per stage)."""
    if (not _is_sequence(value) or len(value) != length
            or not all(isinstance(v, bool) for v in value)):
        fail(name, value, f'a tuple of {length} bools (one per stage)')


def check_indices(name: str, value, num: int,
                  negative: bool = False) -> tuple:
    """Distinct stage indices out of ``num`` stages, negative ones counting
    from the end if ``negative``; returns them as non-negative ints.

    A duplicate would return one output fewer than asked for, so it is an
    error.
    """
    low = -num if negative else 0
    if (not _is_sequence(value) or not value
            or not all(is_int(i) and low <= i < num for i in value)
            or len({i % num for i in value}) != len(value)):
        fail(name, value, f'a non-empty sequence of distinct ints in '
             f'[{low}, {num - 1}] ({num} stages)')
    return tuple(i % num for i in value)


def check_keys(name: str, value: dict, allowed: Sequence[str]) -> None:
    """No keys in the dict ``value`` outside ``allowed``."""
    unknown = [k for k in value if k not in allowed]
    if unknown:
        raise OptionError(f'{name} has unknown keys {unknown}; allowed: '
                          f'{tuple(allowed)}')


def bind(name: str, fn: Callable, *args, **kwargs) -> dict:
    """The arguments a call ``fn(*args, **kwargs)`` would get, defaults
    filled in; an unknown or missing one is an :class:`OptionError`."""
    signature = inspect.signature(fn)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        allowed = tuple(p for p in signature.parameters if p != 'self')
        raise OptionError(f'{name}: {e}; allowed: {allowed}') from None
    bound.apply_defaults()
    return dict(bound.arguments)
