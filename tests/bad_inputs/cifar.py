"""Bad options of the CIFAR networks and bad CIFAR files: refused before
anything big is built or read, naming the key or file, the value and what
is allowed."""
import pickle

import numpy as np

from bad_inputs import Case, case, collect
from bad_inputs.tools import ToolExit, run_tool
from se_plugin.datasets import CheckedCIFAR10
from se_plugin.datasets.cifar import write_cifar
from se_plugin.engine.errors import (DataError, DataNotFoundError,
                                     OptionError)
from se_plugin.models.backbones import CIFARResNet, ShakeResNet, WideResNet
from se_plugin.models.backbones.cifar_shake import Shake

#: (id, build, words its OptionError must contain).
OPTIONS = [
    ('depth-basic-111', lambda: CIFARResNet(depth=111),
     ('CIFARResNet.depth=111', '6n+2', 'basic blocks')),
    ('depth-bottleneck-26', lambda: CIFARResNet(depth=26, bottleneck=True),
     ('CIFARResNet.depth=26', '9n+2', 'bottleneck blocks')),
    ('depth-float', lambda: CIFARResNet(depth=110.0),
     ('CIFARResNet.depth=110.0', '6n+2')),
    ('depth-too-small', lambda: CIFARResNet(depth=2),
     ('CIFARResNet.depth=2', 'n >= 1')),
    ('depth-wrn-16-as-resnet', lambda: WideResNet(depth=20),
     ('WideResNet.depth=20', '6n+4')),
    ('depth-shake-resnext-26', lambda: ShakeResNet(depth=26, groups=4),
     ('ShakeResNet.depth=26', '9n+2')),
    ('widen-zero', lambda: WideResNet(widen_factor=0),
     ('WideResNet.widen_factor=0', 'an int >= 1')),
    ('widen-float', lambda: WideResNet(widen_factor=8.0),
     ('WideResNet.widen_factor=8.0', 'an int >= 1')),
    ('shortcut', lambda: CIFARResNet(shortcut='C'),
     ('CIFARResNet.shortcut', "('A', 'B')")),
    ('preact-int', lambda: CIFARResNet(preact=1),
     ('CIFARResNet.preact=1', '(False, True)')),
    ('shake-forward-mode', lambda: ShakeResNet(forward_mode='keep'),
     ('ShakeResNet.forward_mode', "('shake', 'even')")),
    ('shake-backward-mode', lambda: ShakeResNet(backward_mode='random'),
     ('ShakeResNet.backward_mode', "('shake', 'even', 'keep')")),
    ('shake-module-mode', lambda: Shake('Shake'),
     ('Shake.forward_mode', "'Shake'")),
    ('shake-groups-negative', lambda: ShakeResNet(groups=-1),
     ('ShakeResNet.groups=-1', 'an int >= 0')),
]


def _cifar(root, name='data_batch_1', entry=None):
    """A CIFAR-10 folder of one-image files, ``name`` replaced by
    ``entry`` (bytes are written as they are)."""
    folder = root / 'cifar-10-batches-py'
    folder.mkdir()
    good = {'data': np.zeros((1, 3072), np.uint8), 'labels': [0]}
    files = {f'data_batch_{i}': good for i in range(1, 6)}
    files.update(test_batch=good, **{'batches.meta': {
        'label_names': ['a', 'b']}})
    if entry is not None:
        files[name] = entry
    for file, value in files.items():
        (folder / file).write_bytes(value if isinstance(value, bytes)
                                    else pickle.dumps(value))
    return root


def _read(root, split='train'):
    CheckedCIFAR10(data_root=str(root), split=split, pipeline=[])


@case('cifar-file-missing', DataNotFoundError,
      ('data_batch_3', 'missing', 'never downloads'))
def _missing(tmp_path):
    _read(_cifar(tmp_path))
    (tmp_path / 'cifar-10-batches-py' / 'data_batch_3').unlink()
    _read(tmp_path)


@case('cifar-file-foreign', DataError,
      ('test_batch', 'not a CIFAR python batch', 'does not unpickle'))
def _foreign(tmp_path):
    _read(_cifar(tmp_path, 'test_batch', b'\x89PNG\r\n\x1a\n'), 'test')


@case('cifar-file-not-a-dict', DataError,
      ('data_batch_1', 'a pickled list, not a dict'))
def _list(tmp_path):
    _read(_cifar(tmp_path, entry=[1, 2]))


@case('cifar-file-data-shape', DataError,
      ('data_batch_1', "'data' must be a uint8 array of N x 3072",
       'uint8 (1, 1024)'))
def _shape(tmp_path):
    _read(_cifar(tmp_path, entry={'data': np.zeros((1, 1024), np.uint8),
                                  'labels': [0]}))


@case('cifar-file-label-range', DataError,
      ('data_batch_1', 'label 2 is not allowed', 'ints in 0..1'))
def _label(tmp_path):
    _read(_cifar(tmp_path, entry={'data': np.zeros((1, 3072), np.uint8),
                                  'labels': [2]}))


@case('cifar-file-label-count', DataError,
      ('data_batch_1', "needs 'labels'", '(1 images); got 2'))
def _count(tmp_path):
    _read(_cifar(tmp_path, entry={'data': np.zeros((1, 3072), np.uint8),
                                  'labels': [0, 1]}))


@case('cifar-meta-missing', DataNotFoundError,
      ('batches.meta', 'missing'))
def _meta(tmp_path):
    _cifar(tmp_path)
    (tmp_path / 'cifar-10-batches-py' / 'batches.meta').unlink()
    _read(tmp_path)


@case('cifar-download', DataError,
      ('CheckedCIFAR10.download=True', 'never downloads'))
def _download(tmp_path):
    CheckedCIFAR10(data_root=str(tmp_path), download=True)


@case('cifar-split', DataError,
      ("CheckedCIFAR10.split='val'", "('train', 'test')"))
def _split(tmp_path):
    CheckedCIFAR10(data_root=str(tmp_path), split='val')


@case('cifar-convert-overwrite', DataError,
      ('cifar-10-batches-py', 'exists; not overwritten'))
def _overwrite(tmp_path):
    _cifar(tmp_path)
    before = (tmp_path / 'cifar-10-batches-py' / 'test_batch').read_bytes()
    try:
        write_cifar(tmp_path / 'src', tmp_path)
    finally:
        after = tmp_path / 'cifar-10-batches-py' / 'test_batch'
        assert after.read_bytes() == before


@case('cifar-convert-classes-differ', DataError,
      ("class folders of 'train'", "['a', 'b']", "['a']"))
def _classes(tmp_path):
    for split, names in (('train', 'ab'), ('val', 'a')):
        for name in names:
            (tmp_path / 'src' / split / name).mkdir(parents=True)
    write_cifar(tmp_path / 'src', tmp_path / 'out')


def _image_folder(root):
    """Two classes, one 32x32 image each in train/ and val/."""
    from PIL import Image
    for split in ('train', 'val'):
        for name in ('a', 'b'):
            (root / split / name).mkdir(parents=True)
            Image.new('RGB', (32, 32)).save(root / split / name / '0.png')
    return root


def _convert(*argv):
    return run_tool('dataset_converters/to_cifar.py', argv)


@case('cifar-convert-tool-foreign-output', ToolExit,
      ("out '", "cifar-10-batches-py' holds 7 file(s) this tool did not "
       'write', 'give an empty or new out', 'exit status 1'))
def _convert_tool_foreign(tmp_path):
    # A folder as CIFAR's own download leaves it: kept even with
    # --overwrite.
    _cifar(tmp_path)
    folder = tmp_path / 'cifar-10-batches-py'
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    try:
        _convert(_image_folder(tmp_path / 'src'), tmp_path, '--overwrite')
    finally:
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@case('cifar-convert-tool-earlier-output', ToolExit,
      ("cifar-10-batches-py' holds an earlier output",
       'pass --overwrite to replace it'))
def _convert_tool_earlier(tmp_path):
    src = _image_folder(tmp_path / 'src')
    _convert(src, tmp_path / 'out')
    files = sorted((tmp_path / 'out').rglob('*'))
    before = [(p, p.stat().st_mtime_ns) for p in files]
    try:
        _convert(src, tmp_path / 'out')
    finally:
        assert [(p, p.stat().st_mtime_ns) for p in files] == before


@case('cifar-convert-tool-overwrite-replaces')
def _convert_tool_overwrite(tmp_path):
    src = _image_folder(tmp_path / 'src')
    _convert(src, tmp_path / 'out', '--layout', 'cifar100')
    folder = tmp_path / 'out' / 'cifar-100-python'
    (folder / 'test').write_bytes(b'stale')
    _convert(src, tmp_path / 'out', '--layout', 'cifar100', '--overwrite')
    assert (folder / 'test').read_bytes() != b'stale'
    assert sorted(p.name for p in folder.iterdir()) == [
        '.se_plugin_written.json', 'meta', 'test', 'train']


@case('cifar-convert-tool-output-in-input', ToolExit,
      ("out '", 'overlaps the input', 'src/train'))
def _convert_tool_in_input(tmp_path):
    src = _image_folder(tmp_path / 'src')
    _convert(src, src / 'train')


def _option_case(build):
    return lambda tmp_path: build()


CASES = collect(globals()) + [
    Case(f'cifar-{id}', _option_case(build), OptionError, words)
    for id, build, words in OPTIONS
]
