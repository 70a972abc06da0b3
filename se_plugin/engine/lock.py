"""One writer per work dir: an ``fcntl.flock`` on ``.se_plugin.lock``,
dropped by the kernel when its holder dies (docs: checkpoints.md)."""

import fcntl
import os
import os.path as osp
import socket

from .errors import UserInputError

LOCK_NAME = '.se_plugin.lock'


class WorkDirBusyError(UserInputError, RuntimeError):
    """Another live process trains in the same work dir."""


def lock_work_dir(work_dir):
    """Take the work dir's lock (held while the returned file is open) or
    raise :class:`WorkDirBusyError` naming the holder."""
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    handle = open(path, 'a+')
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or 'an unknown process'
        handle.close()
        raise WorkDirBusyError(
            f'work dir {work_dir!r} is in use by {holder} (lock {path}); '
            'wait for it to end or give another --work-dir') from None
    handle.seek(0)
    handle.truncate()
    handle.write(f'pid {os.getpid()} on host {socket.gethostname()}\n')
    handle.flush()
    return handle


def is_rank_zero():
    """Rank 0 of a distributed launch (RANK), or a single process."""
    return int(os.environ.get('RANK', '0')) == 0
