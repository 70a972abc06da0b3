"""Long runs and shared work dirs: one writer per work dir
(:mod:`se_plugin.engine.lock`)."""
import os
import signal

import pytest
from bad_inputs.tools import lock_holder

from se_plugin.engine.lock import WorkDirBusyError, lock_work_dir


def test_live_lock_refuses_second_writer(tmp_path):
    with lock_holder(tmp_path) as child:
        with pytest.raises(WorkDirBusyError, match=f'pid {child.pid} on'):
            lock_work_dir(str(tmp_path))


def test_lock_of_killed_process_is_taken_over(tmp_path):
    with lock_holder(tmp_path) as child:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        handle = lock_work_dir(str(tmp_path))
        try:
            text = (tmp_path / '.se_plugin.lock').read_text()
            assert text.startswith(f'pid {os.getpid()} on host ')
        finally:
            handle.close()
