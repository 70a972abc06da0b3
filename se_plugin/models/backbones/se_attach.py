"""The kept import path of :func:`attach_se` (see ``attention/slot.py``)."""
from ..attention.slot import POSITIONS, attach_se, build_se  # noqa: F401
