"""Let ``torch.load(weights_only=True)`` read mmengine's checkpoints by
allow-listing exactly their objects (docs/user_guides/checkpoints.md)."""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from numpy.core.multiarray import _reconstruct, scalar

# Set by HistoryBuffer._set_default_statistics().
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_statistic(owner, name):
    """``getattr`` while unpickling, answering only HistoryBuffer's statistics
    (allow-listing ``getattr`` itself would open any attribute)."""
    if owner is not HistoryBuffer or name not in HISTORY_BUFFER_STATISTICS:
        raise pickle.UnpicklingError(
            f'weights_only load: getattr({owner!r}, {name!r}) is not '
            'allowed; se_plugin only allows the HistoryBuffer statistics '
            f'{HISTORY_BUFFER_STATISTICS}')
    return getattr(owner, name)


def _numpy_dtype_classes():
    # numpy>=1.25 gives each dtype its own class (numpy.dtypes.Float64DType),
    # and unpickling a dtype sets its state on an instance of that class.
    return [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG']


MMENGINE_CHECKPOINT_GLOBALS = [
    HistoryBuffer, (_history_buffer_statistic, 'builtins.getattr'),
    np.ndarray, np.dtype, _reconstruct, scalar, *_numpy_dtype_classes()]


def allow_mmengine_checkpoints() -> None:
    """Allow-list :data:`MMENGINE_CHECKPOINT_GLOBALS` for ``torch.load``
    (``weights_only`` stays on); idempotent, a no-op before torch 2.4."""
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(MMENGINE_CHECKPOINT_GLOBALS)
