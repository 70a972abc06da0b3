"""Bad command lines and configs of tools/train.py, tools/test.py and
tools/model_converters/to_se_plugin.py.

A tool's known error is one message on stderr and a non-zero exit, never a
traceback: :func:`run_tool` runs its ``main`` in this process and turns the
exit into :class:`ToolExit`, whose text is what the user saw.
"""
import contextlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import torch
import torchvision

from bad_inputs import case, collect

REPO = Path(__file__).resolve().parents[2]
DIGITS = str(REPO / 'configs' / 'digits' / 'se_resnet18_digits.py')


def load_tool(relative):
    """Import a script under tools/ as a module (``test.py`` is no name to
    import: it is the standard library's ``test`` package)."""
    path = REPO / 'tools' / relative
    name = 'se_plugin_tool_' + path.stem
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


class ToolExit(Exception):
    """A tool stopped with a non-zero status; the text is its stderr."""


def run_tool(relative, argv):
    """Run ``tools/<relative>``'s ``main(argv)``; see :func:`run_main`."""
    return run_main(load_tool(relative).main, argv)


def run_main(main, argv):
    """Run a tool's ``main(argv)``; return what it returns.

    Raises:
        ToolExit: The tool exited non-zero, with the status and the stderr
            text. A traceback or torch's ``weights_only`` advice in it fails
            the check right here.
    """
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            return main([str(a) for a in argv])
    except SystemExit as exit_:
        # sys.exit('message') prints it to stderr and exits with 1.
        code = exit_.code
        text = stderr.getvalue() + (code if isinstance(code, str) else '')
        status = 1 if isinstance(code, str) else code
        if not status:
            return None
        assert 'Traceback' not in text and 'weights_only' not in text, text
        raise ToolExit(f'exit status {status}: {text}') from None


def train_config(argv):
    """What tools/train.py would build the runner from."""
    train = load_tool('train.py')
    args = train.parse_args([str(a) for a in argv])
    return train.merge_train_args(train.load_config(args), args)


@contextlib.contextmanager
def lock_holder(work_dir):
    """A child Python process holding ``work_dir``'s training lock; yields
    it (killed with SIGKILL on exit if still alive)."""
    child = subprocess.Popen(
        [sys.executable, '-c',
         'import sys, time; from se_plugin.engine.lock import lock_work_dir;'
         ' h = lock_work_dir(sys.argv[1]); print("locked", flush=True);'
         ' time.sleep(600)', str(work_dir)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == 'locked'
        yield child
    finally:
        child.kill()
        child.wait()


def data_options(root):
    """``--cfg-options`` items that read the digits data under ``root``."""
    return [f'{loader}.dataset.data_root={root}' for loader in
            ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def fake_checkpoint(tmp_path, cfg, epoch):
    """A checkpoint as the Runner saves it, as far as --resume reads it:
    meta (epoch, iter, the config's text) and an optimizer state."""
    from se_plugin.apis.build import build_model
    path = tmp_path / f'epoch_{epoch}.pth'
    torch.save(dict(meta=dict(epoch=epoch, iter=epoch * 10,
                              cfg=cfg.pretty_text),
                    state_dict=build_model(DIGITS).state_dict(),
                    optimizer={}), path)
    return path


def _resume_with(tmp_path, saved, now, *options):
    """tools/train.py --resume of a fake epoch-1 checkpoint of the digits
    config run with ``max_epochs=saved``, now ``now`` and ``options``."""
    base = data_options(tmp_path / 'no_data')  # refused before reading it
    path = fake_checkpoint(tmp_path, train_config(
        [DIGITS, '--work-dir', tmp_path / 'w', '--cfg-options', *base,
         f'train_cfg.max_epochs={saved}']), 1)
    run_tool('train.py', [DIGITS, '--work-dir', tmp_path / 'w', '--resume',
                          path, '--cfg-options', *base,
                          f'train_cfg.max_epochs={now}', *options])


@case('tools-resume-longer-needs-safe-hook', ToolExit,
      ('train_cfg.max_epochs: checkpoint 1, now 2',
       "a longer train_cfg.max_epochs is applied only with "
       "default_hooks.checkpoint.type='se_plugin.SafeCheckpointHook'"))
def _resume_longer_plain_hook(tmp_path):
    with warnings.catch_warnings():  # the plain hook's own warning
        warnings.simplefilter('ignore', UserWarning)
        _resume_with(tmp_path, 1, 2, 'default_hooks.checkpoint.type='
                     'CheckpointHook')


@case('tools-resume-shorter-refused', ToolExit,
      ('train_cfg.max_epochs: checkpoint 2, now 1', 'load_from='))
def _resume_shorter(tmp_path):
    _resume_with(tmp_path, 2, 1)


@case('tools-resume-longer-other-scheduler-change-refused', ToolExit,
      ('param_scheduler.T_max: checkpoint 6, now 3', 'load_from='))
def _resume_longer_other_change(tmp_path):
    # T_max=6 did not run to the old end (1): only its own value may stay.
    _resume_with(tmp_path, 1, 2, 'param_scheduler.T_max=3')


@case('tools-resume-longer-with-its-new-t-max-accepted')
def _resume_longer_new_t_max(tmp_path):
    # T_max ran to the old end (1): the config may give the re-planned 2.
    base = [*data_options(tmp_path / 'no_data'), 'param_scheduler.T_max=1']
    path = fake_checkpoint(tmp_path, train_config(
        [DIGITS, '--work-dir', tmp_path / 'w', '--cfg-options', *base,
         'train_cfg.max_epochs=1']), 1)
    cfg = train_config([DIGITS, '--work-dir', tmp_path / 'w', '--resume',
                        path, '--cfg-options', *base,
                        'train_cfg.max_epochs=2', 'param_scheduler.T_max=2'])
    assert (cfg.resume, cfg.train_cfg.max_epochs) == (True, 2)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- work dirs ---------------------------------------------------------------


@case('tools-train-work-dir-in-use', ToolExit,
      ('exit status 1', 'is in use by pid', 'give another --work-dir'))
def _work_dir_in_use(tmp_path):
    with lock_holder(tmp_path / 'run') as child:
        try:
            run_tool('train.py', [DIGITS, '--work-dir', tmp_path / 'run'])
        except ToolExit as error:
            assert f'pid {child.pid} on host' in str(error)
            raise


# --- configs and --cfg-options ---------------------------------------------


@case('tools-config-syntax-error', ToolExit,
      ('bad.py, line 3: syntax error', 'exit status 1'))
def _config_syntax_error(tmp_path):
    config = write(tmp_path / 'bad.py', 'a = 1\n\nb = dict(\nc = 3\n')
    run_tool('train.py', [config])


@case('tools-config-syntax-error-in-base', ToolExit,
      ('base.py, line 1: syntax error', "'(' was never closed"))
def _config_syntax_error_in_base(tmp_path):
    write(tmp_path / 'base.py', 'x = (\n')
    leaf = write(tmp_path / 'leaf.py', "_base_ = ['base.py']\ny = 2\n")
    run_tool('train.py', [leaf])


@case('tools-config-missing', ToolExit, ('no_such.py', 'no such config'))
def _config_missing(tmp_path):
    run_tool('test.py', [tmp_path / 'no_such.py', tmp_path / 'x.pth'])


@case('tools-cfg-options-no-equals', ToolExit,
      ("item 'foo' is not KEY=VALUE", 'train_cfg.max_epochs=1',
       'exit status 2'))
def _cfg_options_no_equals(tmp_path):
    run_tool('train.py', [DIGITS, '--cfg-options', 'foo'])


@case('tools-cfg-options-empty-key', ToolExit,
      ("item '=1' is not KEY=VALUE", ))
def _cfg_options_empty_key(tmp_path):
    run_tool('test.py', [DIGITS, 'x.pth', '--cfg-options', '=1'])


@case('tools-cfg-options-loop-typo', warns=UserWarning,
      words=("'train_cfg' has no 'val_begn'", 'added as a new key'))
def _cfg_options_loop_typo(tmp_path):
    train_config([DIGITS, '--cfg-options', 'train_cfg.val_begn=2'])


@case('tools-cfg-options-new-top-key', warns=UserWarning,
      words=('--cfg-options no_such_key',
             "the config has no top-level key 'no_such_key'",
             'added as a new key'))
def _cfg_options_new_top_key(tmp_path):
    cfg = train_config([DIGITS, '--cfg-options', 'no_such_key=1'])
    assert cfg.no_such_key == 1  # new keys are sometimes meant


@case('tools-cfg-options-new-nested-key', warns=UserWarning,
      words=("'train_cfg' has no 'max_epoch'", 'max_epochs, val_interval'))
def _cfg_options_new_nested_key(tmp_path):
    train_config([DIGITS, '--cfg-options', 'train_cfg.max_epoch=1'])


@case('tools-cfg-options-key-under-a-value', ToolExit,
      ("train_cfg.max_epochs.x: 'train_cfg.max_epochs' is a int (6)",
       'has no keys'))
def _cfg_options_key_under_a_value(tmp_path):
    run_tool('train.py', [DIGITS, '--cfg-options', 'train_cfg.max_epochs.x=1'])


# --- which checkpoint hook saves -------------------------------------------


def _config_with_hook(tmp_path, hook):
    return write(
        tmp_path / 'hook.py', f"_base_ = ['{DIGITS}']\n"
        f'default_hooks = dict(checkpoint=dict(_delete_=True, {hook}))\n')


@case('tools-plain-checkpoint-hook-kept', warns=UserWarning,
      words=("default_hooks.checkpoint.type='CheckpointHook'",
             'may write checkpoints in place', 'loads are not strict'))
def _plain_checkpoint_hook_kept(tmp_path):
    """The config chooses the hook (the shipped ones choose se_plugin's);
    the tool keeps the config's choice and says what it means."""
    cfg = train_config([
        _config_with_hook(tmp_path, "type='CheckpointHook', interval=2")])
    assert cfg.default_hooks.checkpoint == dict(type='CheckpointHook',
                                                 interval=2)


@case('tools-other-checkpoint-hook-warns', warns=UserWarning,
      words=("default_hooks.checkpoint.type='MyHook'",
             'may write checkpoints in place'))
def _other_checkpoint_hook_warns(tmp_path):
    cfg = train_config([_config_with_hook(tmp_path, "type='MyHook'")])
    assert cfg.default_hooks.checkpoint.type == 'MyHook'


# --- tools/model_converters/to_se_plugin.py --------------------------------


def convert(src, dst, *more):
    """to_se_plugin.py on torchvision's ResNet-18 weights."""
    return run_tool('model_converters/to_se_plugin.py',
                    ['torchvision', 'resnet18', src, dst, *more])


def _converter_source(tmp_path):
    src = tmp_path / 'resnet18.pth'
    torch.save(torchvision.models.resnet18().state_dict(), src)
    return src


@case('tools-convert-dst-is-src', ToolExit,
      ('is one of the inputs', 'never writes over its inputs'))
def _convert_dst_is_src(tmp_path):
    src = write(tmp_path / 'w.pth', 'not read')
    try:
        convert(src, src)
    finally:
        assert src.read_text() == 'not read'


@case('tools-convert-dst-links-to-src', ToolExit,
      ("link.pth' is one of the inputs", 'never writes over'))
def _convert_dst_links_to_src(tmp_path):
    src = write(tmp_path / 'w.pth', 'not read')
    os.symlink(src, tmp_path / 'link.pth')
    convert(src, tmp_path / 'link.pth', '--force')


@case('tools-convert-config-exists', ToolExit,
      ("out.py' exists", 'pass --overwrite'))
def _convert_config_exists(tmp_path):
    mine = write(tmp_path / 'out.py', '# my config\n')
    try:
        convert(_converter_source(tmp_path), tmp_path / 'out.pth')
    finally:
        assert mine.read_text() == '# my config\n'
        assert not (tmp_path / 'out.pth').exists()


@case('tools-convert-weights-exist', ToolExit,
      ("out.pth' exists", 'pass --overwrite'))
def _convert_weights_exist(tmp_path):
    write(tmp_path / 'out.pth', 'mine')
    convert(tmp_path / 'w.pth', tmp_path / 'out.pth')


@case('tools-convert-force-replaces')
def _convert_force_replaces(tmp_path):
    src = _converter_source(tmp_path)
    write(tmp_path / 'out.py', '# old\n')
    convert(src, tmp_path / 'out.pth', '--force')
    weights = torch.load(tmp_path / 'out.pth')['state_dict']
    assert weights['head.fc.weight'].shape == (1000, 512)
    assert 'se_plugin.SEResNet' in (tmp_path / 'out.py').read_text()
    # Nothing but the two outputs and the source: no temporary files.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'out.pth', 'out.py', 'resnet18.pth'
    ]


@case('tools-convert-src-empty', ToolExit,
      ('empty.pth: the file is empty', ))
def _convert_src_empty(tmp_path):
    write(tmp_path / 'empty.pth', '')
    convert(tmp_path / 'empty.pth', tmp_path / 'out.pth')


# --- the audit's command lines: one line, never a traceback ----------------


@case('tools-config-not-a-config-file', ToolExit,
      ('cfg.txt: not a config file', '.py, .json, .yaml, .yml'))
def _config_not_a_config_file(tmp_path):
    run_tool('train.py', [write(tmp_path / 'cfg.txt', "_base_ = []\n")])


@case('tools-work-dir-is-a-file', ToolExit,
      ('work dir', 'taken: is a file, not a folder', '--work-dir'))
def _work_dir_is_a_file(tmp_path):
    taken = write(tmp_path / 'taken', 'my notes')
    try:
        run_tool('train.py', [DIGITS, '--work-dir', taken])
    finally:
        assert taken.read_text() == 'my notes'


def _train_cfg_case(id, option, words):
    """tools/train.py with ``option``, refused before anything is built."""

    def action(tmp_path):
        run_tool('train.py', [DIGITS, '--work-dir', tmp_path, '--cfg-options',
                              option])

    globals()[f'_{id}'] = case(f'tools-{id}', ToolExit, words)(action)


# mmengine: 'end should be larger than begin' from a scheduler.
_train_cfg_case('max-epochs-zero', 'train_cfg.max_epochs=0',
                ('train_cfg.max_epochs=0', 'allowed: an int >= 1'))
# A typo mmengine's DictAction keeps as a string.
_train_cfg_case('max-epochs-not-a-number', 'train_cfg.max_epochs=1)',
                ("train_cfg.max_epochs='1)'", 'the config has 6, a number'))
# The Runner would fail with a raw OptionError traceback.
_train_cfg_case('model-option-one-line', 'model.backbone.se_cfg.ratio=True',
                ('SEResNet.se_cfg.ratio=True',
                 'allowed: a finite number > 0', 'exit status 1'))
_train_cfg_case('checkpoint-interval-zero',
                'default_hooks.checkpoint.interval=0',
                ('default_hooks.checkpoint.interval=0', 'an int >= 1, or -1'))


@case('tools-auto-scale-lr-none', ToolExit,
      ('--auto-scale-lr needs auto_scale_lr.base_batch_size',
       'auto_scale_lr=None'))
def _auto_scale_lr_none(tmp_path):
    # Was a TypeError of tools/train.py itself.
    run_tool('train.py', [DIGITS, '--auto-scale-lr', '--cfg-options',
                          'auto_scale_lr=None'])


@case('tools-data-error-one-line', ToolExit,
      ("Annotation file '", "nowhere/meta/train.txt' does not exist",
       '"Prepare the digits demo data"'))
def _data_error_one_line(tmp_path):
    # Raised when the Runner builds the data loader: no traceback either.
    run_tool('train.py', [
        DIGITS, '--work-dir', tmp_path, '--cfg-options',
        f'train_dataloader.dataset.data_root={tmp_path / "nowhere"}'
    ])


@case('tools-worker-error-one-line', ToolExit,
      ("image 'x.png' (meta/val.txt, line 2) is empty",
       '(DataLoader worker process 0)'))
def _worker_error_one_line(tmp_path):
    from torch._utils import ExceptionWrapper

    from se_plugin.datasets import BadImageError
    from se_plugin.engine.errors import report_user_errors

    @report_user_errors
    def main(argv):
        # What torch's DataLoader raises in the main process for an error
        # in a worker: the message holds the worker's traceback.
        try:
            raise BadImageError(
                "image 'x.png' (meta/val.txt, line 2) is empty (0 bytes)")
        except BadImageError:
            ExceptionWrapper(where='in DataLoader worker process 0').reraise()

    run_main(main, [])


def convert_named(source, arch, tmp_path):
    """to_se_plugin.py on a small checkpoint, for a source or arch."""
    torch.save(dict(w=torch.zeros(1)), tmp_path / 'w.pth')
    run_tool('model_converters/to_se_plugin.py',
             [source, arch, tmp_path / 'w.pth', tmp_path / 'out.pth'])


@case('tools-convert-unknown-arch', ToolExit,
      ("arch='resnet19' is not supported for source='torchvision'",
       "allowed: ('resnet18'"))
def _convert_unknown_arch(tmp_path):
    convert_named('torchvision', 'resnet19', tmp_path)


@case('tools-convert-unknown-source', ToolExit,
      ("source='tf' is not supported", "'timm', 'torchvision'"))
def _convert_unknown_source(tmp_path):
    convert_named('tf', 'resnet18', tmp_path)


@case('tools-convert-weights-of-another-arch', ToolExit,
      ("the checkpoint does not fit arch='resnet34'", 'missing keys'))
def _convert_weights_of_another_arch(tmp_path):
    src = _converter_source(tmp_path)
    try:
        run_tool('model_converters/to_se_plugin.py',
                 ['torchvision', 'resnet34', src, tmp_path / 'out.pth'])
    finally:
        assert sorted(p.name for p in tmp_path.iterdir()) == ['resnet18.pth']



@case('tools-setup-env-unknown-argument', ToolExit,
      ("unknown argument '--full'", '--demo'))
def _setup_env_unknown_argument(tmp_path):
    # A copy with its own root: whatever happens touches only tmp_path.
    (tmp_path / 'tools').mkdir()
    for name in ('tools/setup_env.sh', 'constraints.txt'):
        shutil.copy(REPO / name, tmp_path / name)
    result = subprocess.run(
        ['bash', str(tmp_path / 'tools' / 'setup_env.sh'), '--full'],
        env=dict(os.environ, PYTHON=str(tmp_path / 'no_python')),
        capture_output=True, text=True, timeout=60)
    if result.returncode:
        raise ToolExit(f'exit status {result.returncode}: {result.stderr}')


# --- issue 21: config errors found at start-up, val/test sets in test mode --

# Each was a raw TypeError/ValueError from the optimizer, the seed or
# os.path once the runner was built.
_train_cfg_case('cfg-options-lr-a-string', 'optim_wrapper.optimizer.lr=abc',
                ("optim_wrapper.optimizer.lr='abc'", 'the config has 0.05',
                 'allowed: a number or None'))
_train_cfg_case('cfg-options-seed-a-string', 'randomness.seed=abc',
                ("randomness.seed='abc'", 'allowed: a number or None'))
_train_cfg_case('cfg-options-data-root-a-list', 'data_root=[1,2]',
                ('data_root=[1, 2]', "the config has 'data/digits'",
                 'allowed: a string or None'))
# mmengine divides by it after the first whole epoch.
_train_cfg_case('val-interval-zero', 'train_cfg.val_interval=0',
                ('train_cfg.val_interval=0', 'allowed: an int >= 1'))
_train_cfg_case('val-test-mode-false',
                'val_dataloader.dataset.test_mode=False',
                ('val_dataloader.dataset.test_mode=False',
                 'always in test mode'))
_train_cfg_case('val-bad-images-skip',
                'val_dataloader.dataset.bad_images=skip',
                ("val_dataloader.dataset.bad_images='skip'",
                 'must not lose images', "allowed: 'error'"))


@case('tools-test-bad-images-skip', ToolExit,
      ("test_dataloader.dataset.bad_images='skip'", 'must not lose images'))
def _test_bad_images_skip(tmp_path):
    run_tool('test.py', [DIGITS, tmp_path / 'x.pth', '--cfg-options',
                         'test_dataloader.dataset.bad_images=skip'])


@case('tools-val-and-test-sets-in-test-mode')
def _val_test_mode(tmp_path):
    cfg = train_config([DIGITS, '--work-dir', tmp_path])
    assert cfg.val_dataloader.dataset.test_mode is True
    assert cfg.test_dataloader.dataset.test_mode is True
    assert cfg.train_dataloader.dataset.get('test_mode') is not True


@case('tools-cfg-options-class-arguments-do-not-warn')
def _cfg_options_class_arguments(tmp_path):
    # Valid arguments the config leaves out: below a dict with 'type', or
    # of the loop mmengine builds from a type-less train_cfg.
    options = ['model.backbone.se_cfg.ratio=8',
               'train_dataloader.dataset.indices=2', 'train_cfg.val_begin=2']
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        cfg = train_config([DIGITS, '--work-dir', tmp_path,
                            '--cfg-options', *options])
    assert not [w for w in caught if 'cfg-options' in str(w.message)]
    assert cfg.model.backbone.se_cfg.ratio == 8


@case('tools-config-circular-base', ToolExit,
      ('a.py: circular _base_', 'a.py -> ', 'b.py -> ', 'own base'))
def _config_circular_base(tmp_path):
    write(tmp_path / 'b.py', "_base_ = ['a.py']\n")
    run_tool('train.py', [write(tmp_path / 'a.py', "_base_ = ['b.py']\n")])


@case('tools-config-yaml-syntax-error', ToolExit,
      ('bad.yaml, line 2: YAML syntax error', "expected ',' or ']'"))
def _config_yaml_syntax_error(tmp_path):
    run_tool('train.py', [write(tmp_path / 'bad.yaml', 'a: [1, 2\nb: 3\n')])


@case('tools-config-latin-1', ToolExit,
      ('latin.py (or one of its bases) is not UTF-8', 'save it as UTF-8'))
def _config_latin_1(tmp_path):
    path = tmp_path / 'latin.py'
    path.write_bytes('# caf\xe9\na = 1\n'.encode('latin-1'))
    run_tool('train.py', [path])


# --- the Python API's argument types (was: TypeError deep inside) ----------


@case('tools-api-get-model-name-an-int', ValueError,
      ('get_model(name=3)', 'allowed: a string'))
def _api_name_int(tmp_path):
    import se_plugin
    se_plugin.get_model(3)


@case('tools-api-list-models-pattern-an-int', TypeError,
      ('list_models(pattern=3)', 'allowed: a string or None'))
def _api_pattern_int(tmp_path):
    import se_plugin
    se_plugin.list_models(3)


@case('tools-api-get-model-head-an-int', ValueError,
      ("get_model('se_resnet18_digits', head=3)", 'dict of options'))
def _api_head_int(tmp_path):
    import se_plugin
    se_plugin.get_model('se_resnet18_digits', head=3)


@case('tools-api-get-model-pretrained-an-int', ValueError,
      ('pretrained=3', 'expected None or the path of a checkpoint'))
def _api_pretrained_int(tmp_path):
    import se_plugin
    se_plugin.get_model('se_resnet18_digits', pretrained=3)


# Was a CUDA-style index error at the first iteration (or when the class
# is first drawn): the dataset's classes are read without loading images.
_train_cfg_case('num-classes-below-the-classes', 'model.head.num_classes=5',
                ('model.head.num_classes=5 but train_dataloader.dataset has '
                 '10 classes', 'allowed: model.head.num_classes >= 10'))


@case('tools-detection-num-classes-below-the-classes', ToolExit,
      ('model.roi_head.bbox_head.num_classes=5 but', 'has 10 classes'))
def _detection_num_classes(tmp_path):
    run_tool('train.py', [
        REPO / 'configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py',
        '--work-dir', tmp_path, '--cfg-options',
        'model.roi_head.bbox_head.num_classes=5'])


CASES = collect(globals())
