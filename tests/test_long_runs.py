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


def _data(root):
    return [f'{loader}.dataset.data_root={root}' for loader in
            ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def _fake_checkpoint(tmp_path, cfg, epoch):
    """A checkpoint as the Runner saves it, as far as --resume reads it:
    meta (epoch, iter, the config's text) and an optimizer state."""
    import torch
    from bad_inputs.tools import DIGITS

    from se_plugin.apis.build import build_model
    path = tmp_path / f'epoch_{epoch}.pth'
    torch.save(dict(meta=dict(epoch=epoch, iter=epoch * 10,
                              cfg=cfg.pretty_text),
                    state_dict=build_model(DIGITS).state_dict(),
                    optimizer={}), path)
    return path


def test_resume_refuses_changed_lr_naming_both_values(tmp_path,
                                                      digits_root):
    from bad_inputs.tools import DIGITS, ToolExit, run_tool, train_config
    cfg = train_config([DIGITS, '--work-dir', tmp_path / 'w',
                        '--cfg-options', *_data(digits_root)])
    lr = cfg.optim_wrapper.optimizer.lr
    path = _fake_checkpoint(tmp_path, cfg, 1)
    with pytest.raises(ToolExit, match=(
            rf'optim_wrapper.optimizer.lr: checkpoint {lr!r}, now 0.5')):
        run_tool('train.py', [DIGITS, '--work-dir', tmp_path / 'w',
                              '--resume', path, '--cfg-options',
                              'optim_wrapper.optimizer.lr=0.5',
                              *_data(digits_root)])


def test_resume_of_finished_run_trains_nothing(tmp_path, capsys,
                                               digits_root):
    from bad_inputs.tools import DIGITS, load_tool, train_config
    cfg = train_config([DIGITS, '--work-dir', tmp_path / 'w',
                        '--cfg-options', *_data(digits_root)])
    epochs = cfg.train_cfg.max_epochs
    path = _fake_checkpoint(tmp_path, cfg, epochs)
    load_tool('train.py').main(
        [DIGITS, '--work-dir', str(tmp_path / 'w'), '--resume', str(path),
         '--cfg-options', *_data(digits_root)])  # returns: exit status 0
    assert (f'the run is finished (epochs {epochs} of '
            f'train_cfg.max_epochs={epochs})') in capsys.readouterr().err
    assert not list((tmp_path / 'w').glob('*.pth'))
