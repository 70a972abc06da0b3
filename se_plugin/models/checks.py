"""One way to check options: a class's ``options`` table of ``key -> rule``,
checked by :class:`Checked` before any constructor runs (see
docs/architecture.md)."""
import functools
import inspect
import math
from typing import Sequence

from ..engine.errors import OptionError, fail

P = inspect.Parameter


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _get(x, opts):
    """A bound given as a number, another option's key or ``f(opts)``."""
    return opts[x] if isinstance(x, str) else x(opts) if callable(x) else x


def Rule(ok, allowed):
    """A rule from ``ok(value, opts)`` and ``allowed`` (text or f(opts))."""

    def rule(name, value, opts):
        if not ok(value, opts):
            fail(name, value,
                 allowed(opts) if callable(allowed) else allowed)

    return rule


def Int(low=None, high=None, none=False):
    """An int (not a bool) in ``low..high``; None too if ``none``."""

    def ok(v, o):
        lo, hi = _get(low, o), _get(high, o)
        return v is None and none or is_int(v) and (lo is None or v >= lo) \
            and (hi is None or v <= hi)

    def allowed(o):
        lo, hi = _get(low, o), _get(high, o)
        span = '' if lo is None else f' >= {lo}' if hi is None else \
            f' in {lo}..{hi}'
        return f'an int{span}' + (' or None' if none else '')

    return Rule(ok, allowed)


def Num(low=-math.inf, high=math.inf, low_open=False, high_open=False):
    """A finite int or float (not a bool) in the interval."""

    def ok(v, o):
        return isinstance(v, (int, float)) and not isinstance(v, bool) and \
            math.isfinite(v) and (v > low if low_open else v >= low) and \
            (v < high if high_open else v <= high)

    if high == math.inf:
        text = f"a finite number {'>' if low_open else '>='} {low}"
    else:
        text = (f"a number in {'(' if low_open else '['}{low}, {high}"
                f"{')' if high_open else ']'}")
    return Rule(ok, text)


def Choice(*values):
    """One of ``values`` (or of ``values[0](opts)``), of the same type."""
    get = values[0] if len(values) == 1 and callable(values[0]) else \
        (lambda o: values)
    return Rule(
        lambda v, o: any(type(v) is type(a) and v == a for a in get(o)),
        lambda o: tuple(get(o)))


def Cfg(none=False, typed=True):
    """A config dict (with a ``type`` if ``typed``); None too if ``none``."""
    text = ("a dict with a 'type' key" if typed else 'a dict') + (
        ' or None' if none else '')
    return Rule(lambda v, o: v is None and none or isinstance(v, dict) and
                (not typed or 'type' in v), text)


def _seq(v):
    return isinstance(v, Sequence) and not isinstance(v, str)


def Ints(length, item=lambda i: is_int(i) and i >= 1,
         what='a sequence of {} ints >= 1', none=False):
    """``length`` items, ints >= 1 by default (strides, dilations)."""
    return Rule(
        lambda v, o: v is None and none or _seq(v) and len(v) == _get(
            length, o) and all(map(item, v)),
        lambda o: what.format(_get(length, o)))


def Bools(length):
    """None or ``length`` bools (one per stage)."""
    return Ints(length, lambda b: isinstance(b, bool),
                'a tuple of {} bools (one per stage)', none=True)


def Indices(num, negative=False, none=False):
    """Distinct indices of ``num`` stages (a repeat would return one output
    fewer); negative ones count from the end if ``negative``."""

    def ok(v, o):
        n = _get(num, o)
        return v is None and none or _seq(v) and bool(v) and all(
            is_int(i) and (-n if negative else 0) <= i < n
            for i in v) and len({i % n for i in v}) == len(v)

    return Rule(ok, lambda o: (
        'a non-empty sequence of distinct ints in '
        f'[{-_get(num, o) if negative else 0}, {_get(num, o) - 1}] '
        f'({_get(num, o)} stages)'))


BOOL = Choice(False, True)
CFG = Cfg()
INIT_CFG = Rule(
    lambda v, o: v is None or isinstance(v, dict) or isinstance(v, list) and
    all(isinstance(d, dict) for d in v), 'None, a dict or a list of dicts')


def check_keys(name: str, value: dict, allowed: Sequence[str]) -> None:
    if unknown := [k for k in value if k not in allowed]:
        raise OptionError(f'{name} has unknown keys {unknown}; allowed: '
                          f'{tuple(allowed)}')


def check_options(name: str, table: dict, opts: dict) -> None:
    """Check ``opts`` against ``table``, in the table's order."""
    for key, rule in table.items():
        if key in opts:
            rule(f'{name}.{key}', opts[key], opts)


@functools.lru_cache(None)
def signature(cls) -> inspect.Signature:
    """The options a call of ``cls`` takes: its ``__init__``'s and, through
    ``**kwargs``, its parents' (e.g. mmpretrain's ResNet's)."""
    params, carry = {}, True  # carry: positional arguments reach klass
    for klass in cls.__mro__:
        init = vars(klass).get('__init__')
        if init is None:
            continue
        kinds = set()
        for p in list(inspect.signature(init).parameters.values())[1:]:
            kinds.add(p.kind)
            if p.kind < P.VAR_POSITIONAL and p.name not in params:
                params[p.name] = p if carry else p.replace(kind=P.KEYWORD_ONLY)
            elif p.kind == P.KEYWORD_ONLY:
                params.setdefault(p.name, p)
        carry = carry and (P.VAR_POSITIONAL in kinds
                           or not kinds - {P.VAR_KEYWORD})
        if P.VAR_KEYWORD not in kinds:
            break
    ordered = sorted(params.values(), key=lambda p: p.kind)
    return inspect.Signature([P('self', P.POSITIONAL_OR_KEYWORD)] + ordered)


def check_call(cls, name: str, args: tuple, kwargs: dict, table=None):
    """Bind ``cls(*args, **kwargs)`` as Python would (defaults filled in) and
    check it against ``table``, by default ``cls``'s ``options`` merged over
    its parents'."""
    sig = signature(cls)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        allowed = tuple(sig.parameters)[1:]
        raise OptionError(f'{name}: {e}; allowed: {allowed}') from None
    bound.apply_defaults()
    if table is None:
        table = {}
        for base in reversed(cls.__mro__):
            table.update(vars(base).get('options', {}))
    check_options(name, table, bound.arguments)


class Checked:
    """Checks the merged ``options`` (these common ones first) once, before
    the outermost constructor runs."""
    options = dict(
        conv_cfg=Cfg(none=True), norm_cfg=CFG, act_cfg=CFG, init_cfg=INIT_CFG,
        style=Choice('pytorch', 'caffe'), with_cp=BOOL, norm_eval=BOOL,
        drop_path_rate=Num(0, 1, high_open=True))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = vars(cls).get('__init__')
        if init is None:
            return

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            klass = type(self)
            if klass.__init__ is __init__:  # the outermost constructor
                check_call(klass, klass.__name__, (self, *args), kwargs)
            init(self, *args, **kwargs)

        cls.__init__ = __init__
