"""Long runs and shared work dirs: one writer per work dir
(:mod:`se_plugin.engine.lock`)."""
import math
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


def test_resume_refuses_changed_lr_naming_both_values(tmp_path,
                                                      digits_root):
    from bad_inputs.tools import (DIGITS, ToolExit, data_options,
                                  fake_checkpoint, run_tool, train_config)
    cfg = train_config([DIGITS, '--work-dir', tmp_path / 'w',
                        '--cfg-options', *data_options(digits_root)])
    lr = cfg.optim_wrapper.optimizer.lr
    path = fake_checkpoint(tmp_path, cfg, 1)
    with pytest.raises(ToolExit, match=(
            rf'optim_wrapper.optimizer.lr: checkpoint {lr!r}, now 0.5')):
        run_tool('train.py', [DIGITS, '--work-dir', tmp_path / 'w',
                              '--resume', path, '--cfg-options',
                              'optim_wrapper.optimizer.lr=0.5',
                              *data_options(digits_root)])


def test_resume_of_finished_run_trains_nothing(tmp_path, capsys,
                                               digits_root):
    from bad_inputs.tools import (DIGITS, data_options, fake_checkpoint,
                                  load_tool, train_config)
    cfg = train_config([DIGITS, '--work-dir', tmp_path / 'w',
                        '--cfg-options', *data_options(digits_root)])
    epochs = cfg.train_cfg.max_epochs
    path = fake_checkpoint(tmp_path, cfg, epochs)
    # Its last validation completed (SafeCheckpointHook's record).
    (tmp_path / 'last_validated').write_text(str(path))
    load_tool('train.py').main(
        [DIGITS, '--work-dir', str(tmp_path / 'w'), '--resume', str(path),
         '--cfg-options', *data_options(digits_root)])  # exit status 0
    assert (f'the run is finished (epochs {epochs} of '
            f'train_cfg.max_epochs={epochs})') in capsys.readouterr().err
    assert not list((tmp_path / 'w').glob('*.pth'))


def test_interrupted_validation_runs_on_resume(tmp_path):
    """Killed during epoch 1's validation (its checkpoint is saved), then
    resumed: epoch 1 is validated before epoch 2 trains, so the logs and
    save_best's choice are the uninterrupted run's."""
    from bad_inputs.checkpoints import (EPOCHS, assert_same_log,
                                        assert_same_weights, kill_during,
                                        reference, train_argv)
    from bad_inputs.tools import run_tool
    best = 'default_hooks.checkpoint.save_best=auto'
    work = kill_during('val', tmp_path, best)
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']
    assert not (work / 'last_validated').exists()
    run_tool('train.py', [*train_argv(work, '--resume'), best])
    expected = reference(best)
    assert_same_log(work, expected)
    names = sorted(p.name for p in expected.glob('best_*.pth'))
    assert sorted(p.name for p in work.glob('best_*.pth')) == names
    assert_same_weights(work / names[0], expected / names[0])
    final = f'epoch_{EPOCHS}.pth'
    assert_same_weights(work / final, expected / final)


def _cosine(step, total, base=0.05):
    """CosineAnnealingLR's closed form (eta_min 0)."""
    return base * (1 + math.cos(math.pi * step / total)) / 2


def test_longer_run_replans_the_cosine_end(tmp_path):
    """A 1-epoch run (cosine over its 4 iterations) resumed with
    max_epochs=2: iterations 5-8 take the closed form of a cosine over 8
    iterations (the lr logged for iteration i is the value at step i-1)."""
    from bad_inputs.checkpoints import logged, train_argv
    from bad_inputs.tools import run_tool
    work = tmp_path / 'work'
    plan = ('train_dataloader.batch_size=4', 'param_scheduler.T_max=1',
            'param_scheduler.convert_to_iter_based=True')
    run_tool('train.py', [*train_argv(work, epochs=1), *plan])
    run_tool('train.py', [*train_argv(work, '--resume', epochs=2), *plan])
    steps, lrs = zip(*logged(work, 'lr'))
    assert steps == tuple(range(1, 9))
    expected = [_cosine(i, 4) for i in range(4)] + [
        _cosine(i, 8) for i in range(4, 8)]
    assert lrs == pytest.approx(expected, rel=1e-12)


def test_run_killed_in_its_last_validation_is_not_finished(tmp_path,
                                                          capsys):
    """--resume of a run killed during its last epoch's validation runs that
    validation and trains nothing; then the run is finished."""
    from bad_inputs.checkpoints import kill_during, logged, train_argv
    from bad_inputs.tools import load_tool, run_tool

    from se_plugin.engine.checkpoint_hook import was_validated
    one = 'train_cfg.max_epochs=1'
    work = kill_during('val', tmp_path, one)
    trained = logged(work, 'lr')
    assert [step for step, _ in trained] == [1, 2]
    assert logged(work, 'accuracy/top1') == []
    run_tool('train.py', [*train_argv(work, '--resume'), one])
    assert logged(work, 'lr') == trained  # nothing trained
    assert [step for step, _ in logged(work, 'accuracy/top1')] == [1]
    assert was_validated(work / 'epoch_1.pth')
    load_tool('train.py').main(
        [str(a) for a in train_argv(work, '--resume')] + [one])
    assert 'the run is finished (epochs 1 of train_cfg.max_epochs=1)' in \
        capsys.readouterr().err


def test_longer_run_refuses_a_one_cycle_schedule():
    """OneCycle plans its phases from total_steps when built, so moving its
    end cannot re-plan it: a longer resume is refused, naming it."""
    from types import SimpleNamespace

    import torch
    from mmengine.config import Config
    from mmengine.optim import OneCycleLR

    from se_plugin.engine.errors import ConfigError
    from se_plugin.engine.resume import replan_schedules
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = OneCycleLR(optimizer, eta_max=0.1, total_steps=4,
                           by_epoch=False)
    saved = Config(dict(train_cfg=dict(max_epochs=1)))
    checkpoint = dict(
        meta=dict(cfg=saved.pretty_text, epoch=1, iter=4),
        param_schedulers=[scheduler.state_dict()],
        optimizer=optimizer.state_dict())
    runner = SimpleNamespace(
        cfg=Config(dict(train_cfg=dict(max_epochs=2))),
        train_dataloader=[None] * 4, param_schedulers=[scheduler])
    with pytest.raises(ConfigError, match=r'param_scheduler\[0\] \(lr\) '
                       'plans its phases once'):
        replan_schedules(checkpoint, runner)
