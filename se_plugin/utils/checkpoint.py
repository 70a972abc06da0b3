"""Let ``torch.load(weights_only=True)`` read mmengine's checkpoints.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and only
rebuilds allow-listed objects. mmengine 0.10.7 calls ``torch.load`` without
the argument, so ``--resume`` and ``load_from`` fail on its own checkpoints:
their ``message_hub`` holds :class:`~mmengine.logging.HistoryBuffer` objects
with numpy arrays, and runtime info such as the ETA or the best score is a
numpy scalar. :func:`allow_mmengine_checkpoints` allow-lists exactly these
objects (found by saving checkpoints of mmpretrain and mmdet Runners with
optimizer, parameter scheduler and message hub state) and keeps
``weights_only`` on for everything else.
"""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from numpy.core.multiarray import _reconstruct, scalar

# Set by HistoryBuffer._set_default_statistics().
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_statistic(owner, name):
    """Stand in for ``getattr`` while unpickling.

    HistoryBuffer pickles its statistics (``HistoryBuffer.min``, ``.mean``
    ...) as ``getattr(HistoryBuffer, 'min')``, because pickle protocol 2
    cannot name a function nested in a class. Allow-listing ``getattr``
    itself would let a checkpoint reach any attribute of any object, so
    only these look-ups are answered.

    Args:
        owner: The object ``getattr`` is applied to in the checkpoint.
        name (str): The attribute name.

    Returns:
        Callable: The registered HistoryBuffer statistic.
    """
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
    HistoryBuffer,
    (_history_buffer_statistic, 'builtins.getattr'),
    np.ndarray,
    np.dtype,
    _reconstruct,
    scalar,
    *_numpy_dtype_classes(),
]


def allow_mmengine_checkpoints() -> None:
    """Allow-list what mmengine checkpoints contain for ``torch.load``.

    Registers :data:`MMENGINE_CHECKPOINT_GLOBALS` with
    :func:`torch.serialization.add_safe_globals`; ``weights_only`` stays on,
    so any other object in a checkpoint is still refused. Called when
    ``se_plugin`` is imported; calling it again is harmless. torch < 2.4
    has no allow-list and nothing to do: its ``torch.load`` defaults to
    ``weights_only=False`` (until 2.6), which loads these objects anyway.
    """
    if hasattr(torch.serialization, 'add_safe_globals'):
        torch.serialization.add_safe_globals(MMENGINE_CHECKPOINT_GLOBALS)
