"""mmengine's CheckpointHook with atomic saves (removals after the write),
strict loads and a resumed step's lost validation run again
(docs/user_guides/checkpoints.md)."""
import contextlib
import os
import os.path as osp

from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner import (EpochBasedTrainLoop, IterBasedTrainLoop,
                             find_latest_checkpoint)

from ..registry import HOOKS
from .atomic import atomic_path, atomic_write, publish
from .errors import CheckpointError, OptionError
from .loading import state_mismatch
from .outputs import same_file

# Where mmengine's hook writes ``last_checkpoint`` before we publish it.
STAGING = '.last_checkpoint.staging'
#: Beside the checkpoints: the one whose step's validation completed.
VALIDATED = 'last_validated'


def was_validated(path):
    """Whether the validation at checkpoint ``path``'s step completed (the
    ``last_validated`` file beside it names it)."""
    try:
        with open(osp.join(osp.dirname(osp.abspath(path)), VALIDATED)) as f:
            named = f.read().strip()
    except OSError:
        return False
    return bool(named) and same_file(named, path)


def validation_due(loop, by_epoch):
    """Whether mmengine's train ``loop`` validates at the step it is at
    (its own rule), for checkpoints saved ``by_epoch`` in an epoch loop or
    by iteration in an iteration loop (others: False)."""
    if by_epoch and isinstance(loop, EpochBasedTrainLoop):
        step, end = loop.epoch, loop.max_epochs
    elif not by_epoch and isinstance(loop, IterBasedTrainLoop):
        step, end = loop.iter, loop.max_iters
    else:
        return False
    loop._decide_current_val_interval()  # as the loop does after each step
    return step >= max(loop.val_begin, 1) and (
        step % loop.val_interval == 0 or step == end)


class _DeferredRemovals:
    """A file backend whose ``remove``/``rmtree`` only note the path."""

    def __init__(self, backend):
        self.backend = backend
        self.paths = []

    def remove(self, path):
        self.paths.append(path)

    rmtree = remove

    def __getattr__(self, name):
        return getattr(self.backend, name)


class _AtomicSaves:
    """The runner as the hook sees it while saving: atomic
    ``save_checkpoint``, and a staging ``work_dir`` for ``last_checkpoint``."""

    def __init__(self, runner, staging):
        self._runner = runner
        self.work_dir = staging
        self.written = []

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        if not is_main_process():  # Runner.save_checkpoint is master_only
            return self._runner.save_checkpoint(out_dir, filename, *args,
                                                **kwargs)
        path = osp.join(out_dir, filename)
        if was_validated(path):  # its state is about to be replaced
            os.remove(osp.join(out_dir, VALIDATED))
        try:
            with atomic_path(path) as tmp:
                self._runner.save_checkpoint(out_dir, osp.basename(tmp),
                                             *args, **kwargs)
        except OSError as error:
            raise CheckpointError(
                f'could not write the checkpoint {path}: {error}; the '
                'previous checkpoints are kept') from error
        self.written.append(path)

    def __getattr__(self, name):
        return getattr(self._runner, name)


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and (
        value >= 1 or value == -1)


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """CheckpointHook with atomic saves and strict loading.

    Takes mmengine's CheckpointHook arguments (``interval`` and
    ``max_keep_ckpts``: an int >= 1 or -1), and:

    Args:
        strict_load (bool): Stop when a loaded checkpoint's weights do not
            fit the model (missing, unexpected or mis-shaped keys). False
            loads what fits, as mmengine does. Defaults to True.
    """

    def __init__(self, interval=-1, *args, strict_load=True, **kwargs):
        for key, value, ok, allowed in (
                ('interval', interval, _count, 'an int >= 1, or -1 (never, '
                 'but the last one with save_last=True)'),
                ('max_keep_ckpts', kwargs.get('max_keep_ckpts', -1), _count,
                 'an int >= 1, or -1 (keep all)'),
                ('strict_load', strict_load, lambda v: isinstance(v, bool),
                 'True or False')):
            if not ok(value):
                raise OptionError(
                    f'default_hooks.checkpoint.{key}={value!r} is not '
                    f'supported; allowed: {allowed}')
        super().__init__(interval, *args, **kwargs)
        self.strict_load = strict_load
        self._saving = None
        # (checkpoint path, step) of the newest save or the resumed one.
        self._unvalidated = None

    def before_train(self, runner):
        """Warn when saves cannot be atomic; on ``--resume``, run the
        resumed step's validation if it did not complete."""
        super().before_train(runner)
        if not self._local():
            runner.logger.warning(
                f'SafeCheckpointHook: {self.out_dir} is not on a local disk, '
                "where a rename is atomic; checkpoints are saved as mmengine's"
                ' CheckpointHook saves them (removal before the new write)')
        if getattr(runner, '_resume', False):
            self._validate_resumed(runner)

    def _validate_resumed(self, runner):
        path = runner._load_from or find_latest_checkpoint(runner.work_dir)
        loop = runner.train_loop
        if path is None or runner.val_loop is None:
            return
        step = loop.epoch if self.by_epoch else loop.iter
        self._unvalidated = (path, step)
        # One decision for all ranks (the file may be on rank 0's disk only).
        rerun = [validation_due(loop, self.by_epoch) and not
                 was_validated(path)]
        broadcast_object_list(rerun)
        if not rerun[0]:
            return
        runner.logger.info(
            f'{path}: the validation at {"epoch" if self.by_epoch else "iter"}'
            f' {step} did not complete before the run stopped; running it '
            'before training continues')
        runner.val_loop.run()

    def after_val_epoch(self, runner, metrics):
        """``save_best`` as mmengine's hook, then record that the newest
        checkpoint's step is validated."""
        super().after_val_epoch(runner, metrics)
        step = runner.epoch if self.by_epoch else runner.iter
        if (self._unvalidated is None or self._unvalidated[1] != step
                or not is_main_process() or not self._local()):
            return
        path = self._unvalidated[0]
        if same_file(osp.dirname(osp.abspath(path)), self.out_dir):
            atomic_write(osp.join(self.out_dir, VALIDATED), path)

    def _local(self):
        return isinstance(
            getattr(self.file_backend, 'backend', self.file_backend),
            LocalBackend)

    def _save_checkpoint_with_step(self, runner, step, meta):
        with self._safely(runner) as view:
            super()._save_checkpoint_with_step(view, step, meta)
        self._unvalidated = (self.last_ckpt, step)

    def _save_best_checkpoint(self, runner, metrics):
        with self._safely(runner) as view:
            super()._save_best_checkpoint(view, metrics)

    @contextlib.contextmanager
    def _safely(self, runner):
        # The outermost call (_save_best_checkpoint calls
        # _save_checkpoint_with_step) publishes and removes.
        if self._saving is not None or not self._local():
            yield runner
            return
        # Every rank defers removals; only the main process (ranks share the
        # work dir) stages, publishes and removes.
        main = is_main_process()
        removals = self.file_backend = _DeferredRemovals(self.file_backend)
        self._saving = _AtomicSaves(
            runner, osp.join(runner.work_dir, STAGING))
        try:
            if main:
                os.makedirs(self._saving.work_dir, exist_ok=True)
            yield self._saving
            self.file_backend = removals.backend
            if main:
                self._finish(runner, removals.paths)
        finally:
            self.file_backend = removals.backend
            if main:
                with contextlib.suppress(OSError):  # left when not empty
                    os.rmdir(self._saving.work_dir)
            self._saving = None

    def _finish(self, runner, outdated):
        """Publish ``last_checkpoint``, then remove what is outdated."""
        staged = osp.join(self._saving.work_dir, 'last_checkpoint')
        if osp.isfile(staged):
            publish(staged, osp.join(runner.work_dir, 'last_checkpoint'))
        for path in (p for p in outdated if p not in self._saving.written):
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):
                self.file_backend.rmtree(path)

    def after_load_checkpoint(self, runner, checkpoint):
        """Stop when the checkpoint's weights do not fit the model; on
        ``--resume`` with a longer run, re-plan the schedule's end
        (:func:`~se_plugin.engine.resume.replan_schedules`)."""
        if getattr(runner, '_resume', False):
            from .resume import replan_schedules  # resume imports this
            if note := replan_schedules(checkpoint, runner):
                runner.logger.info(note)
        if not self.strict_load:
            return
        model = runner.model
        # Where mmengine's load_state_dict loads: inside DDP and --tta.
        while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
            model = model.module
        mismatch = state_mismatch(model.state_dict(), checkpoint)
        if not mismatch:
            return
        if getattr(runner, '_resume', False):
            how = ('--resume needs the model the checkpoint was trained '
                   'with; to start a new training from its weights, train '
                   'without --resume and set load_from (and default_hooks.'
                   'checkpoint.strict_load=False for the keys that fit)')
        else:
            how = ('to load only what fits, set default_hooks.checkpoint.'
                   'strict_load=False (tools/test.py --allow-partial)')
        raise CheckpointError(
            f'the checkpoint does not fit the model {type(model).__name__}:\n'
            f'{mismatch}\n{how}')
