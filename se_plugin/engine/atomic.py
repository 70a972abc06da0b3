"""Atomic file writes: a reader sees the old or the new file, never a part
(temporary file, fsync, rename, fsync of the folder)."""
import contextlib
import os
import os.path as osp


def temporary_name(path):
    """The temporary file :func:`atomic_path` writes ``path`` through:
    hidden, with a suffix no tool globs for (``*.pth``, ``*.py``), so a
    left-over one from a killed process is never taken for a result."""
    folder, name = osp.split(osp.abspath(path))
    return osp.join(folder, f'.{name}.{os.getpid()}.tmp')


def fsync_path(path):
    """Flush a written file (or a folder's entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp, path):
    """Rename the complete file ``tmp`` to ``path`` atomically."""
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_path(osp.dirname(osp.abspath(path)))


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path; on success it becomes ``path``, on an error it
    is removed and ``path`` is untouched."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        publish(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def atomic_write(path, data):
    """Write ``data`` (str or bytes) to ``path`` atomically."""
    mode = 'w' if isinstance(data, str) else 'wb'
    with atomic_path(path) as tmp, open(tmp, mode) as f:
        f.write(data)
