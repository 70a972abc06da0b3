"""The bad inputs and faults of ``test_bad_inputs.py``, one table per area.

Each module here defines ``CASES``, a list of :class:`Case`. A case builds
or runs something a user would (a model from a config dict, a dataset from
files it writes into ``tmp_path``, a tool on a command line) and says what
must come of it: the exception type and the words its message must contain,
a warning and its words, or, for faults whose outcome is more than one
message (a killed save, then ``--resume``), an action that asserts by
itself and returns nothing.
"""
import dataclasses
from typing import Any, Callable, Optional, Sequence, Tuple, Type


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input or fault and the outcome it must have.

    Args:
        id (str): Short name, the pytest id (``area-what``).
        action (Callable): Called with pytest's ``tmp_path``.
        raises (type, optional): The exception ``action`` must raise;
            None when it must not raise.
        words (Sequence[str]): Words the message (of the exception, or of
            the warning with ``warns``) must contain, case-sensitively.
        warns (type, optional): The warning category ``action`` must emit
            (through :mod:`warnings`), or ``'log'`` for a WARNING record
            in mmengine's current logger whose message holds ``words``.
    """
    id: str
    action: Callable[[Any], Any]
    raises: Optional[Type[BaseException]] = None
    words: Sequence[str] = ()
    warns: Any = None


def case(id: str, raises=None, words: Tuple[str, ...] = (), warns=None):
    """Mark a function ``fn(tmp_path)`` as a :class:`Case`.

    Example:
        >>> @case('models-ratio-bool', ValueError, ('ratio', 'True'))
        ... def _ratio_bool(tmp_path):
        ...     SELayer(8, ratio=True)
        >>> CASES = collect(globals())  # at the end of the module
    """

    def wrap(fn):
        fn.__bad_input_case__ = Case(id, fn, raises, tuple(words), warns)
        return fn

    return wrap


def collect(namespace: dict) -> list:
    """The :class:`Case` of every function decorated by :func:`case` in a
    module's namespace, in definition order."""
    return [
        value.__bad_input_case__ for value in namespace.values()
        if hasattr(value, '__bad_input_case__')
    ]
