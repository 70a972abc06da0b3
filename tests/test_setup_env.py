"""tools/setup_env.sh's choice of mmcv: the demo's .venv-demo/ holds
mmcv-lite, the full .venv/ mmcv with ops, and a venv never ends with both
distributions of the one `mmcv` module, or with one's files removed under
its metadata, whatever it held before.

The script's own functions (sourced) run against a scratch venv with two
small wheels made here that lay out files as the real ones do (mmcv-lite:
the Python files; mmcv: the same files plus the compiled `mmcv._ext`), so
nothing is downloaded and torch is not needed."""
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SETUP_ENV = ROOT / 'tools' / 'setup_env.sh'
VERSION = '2.1.0'
# The files both distributions install, and the compiled one only mmcv has.
SHARED = {
    'mmcv/__init__.py': f"__version__ = '{VERSION}'\n",
    'mmcv/ops/__init__.py': 'from mmcv._ext import RoIAlign, nms\n',
}
COMPILED = {'mmcv/_ext.py': 'RoIAlign = nms = object()\n'}
# No pip configuration of this machine (local indexes, find-links), no index.
PIP_ENV = dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX='1')
PIP_ENV.pop('PIP_FIND_LINKS', None)
PIP_ENV.pop('SE_PLUGIN_WHEELS', None)


def make_wheel(folder, dist, files):
    """A py3-none-any wheel of ``dist`` holding ``files`` (path: text)."""
    stem = f"{dist.replace('-', '_')}-{VERSION}"
    info = f'{stem}.dist-info'
    files = dict(files)
    files[f'{info}/METADATA'] = (
        f'Metadata-Version: 2.1\nName: {dist}\nVersion: {VERSION}\n')
    files[f'{info}/WHEEL'] = ('Wheel-Version: 1.0\nGenerator: test\n'
                              'Root-Is-Purelib: true\nTag: py3-none-any\n')
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(
            hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()
        record.append(f'{name},sha256={digest},{len(text.encode())}')
    files[f'{info}/RECORD'] = '\n'.join(record + [f'{info}/RECORD,,']) + '\n'
    path = folder / f'{stem}-py3-none-any.whl'
    with zipfile.ZipFile(path, 'w') as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope='module')
def wheels(tmp_path_factory):
    folder = tmp_path_factory.mktemp('wheels')
    return {
        'mmcv-lite': make_wheel(folder, 'mmcv-lite', SHARED),
        'mmcv': make_wheel(folder, 'mmcv', {
            **SHARED,
            **COMPILED
        }),
    }


@pytest.fixture(scope='module')
def empty_venv(tmp_path_factory):
    """A venv with pip alone (from the standard library's ensurepip)."""
    path = tmp_path_factory.mktemp('empty') / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(path)],
                   check=True,
                   timeout=300)
    return path


@pytest.fixture
def venv(empty_venv, tmp_path):
    """A copy of the empty venv for one test (a copy is faster than
    ensurepip)."""
    return Path(shutil.copytree(empty_venv, tmp_path / 'venv', symlinks=True))


def setup_env(venv, mode, commands):
    """Source tools/setup_env.sh (``mode``: '' or '--demo'), point it at
    ``venv`` and run ``commands``; returns the finished process."""
    script = (f'source {SETUP_ENV} {mode}\n'
              f'PY={venv}/bin/python STAMP={venv}/stamp\n{commands}\n')
    return subprocess.run(['bash', '-c', script],
                          env=PIP_ENV,
                          capture_output=True,
                          text=True,
                          timeout=300)


def pip(venv, *args):
    subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', *args],
                   env=PIP_ENV,
                   check=True,
                   capture_output=True,
                   timeout=120)


def mmcv_state(venv):
    """(the installed distributions of mmcv, the mmcv .py files on disk,
    each distribution's listed .py files that are missing)."""
    probe = """
import importlib.metadata as md, pathlib, sys
site = pathlib.Path(sys.argv[1])
dists = sorted(d.metadata['Name'] for d in md.distributions()
               if d.metadata['Name'] in ('mmcv', 'mmcv-lite'))
on_disk = sorted(str(p.relative_to(site)) for p in (site / 'mmcv').rglob('*.py'))
missing = {d: sorted(str(f) for f in md.distribution(d).files
                     if f.suffix == '.py' and not f.locate().exists())
           for d in dists}
print(repr((dists, on_disk, missing)))
"""
    site = next((venv / 'lib').glob('python3.*')) / 'site-packages'
    out = subprocess.run(
        [str(venv / 'bin' / 'python'), '-c', probe, str(site)],
        check=True,
        capture_output=True,
        text=True).stdout
    return eval(out)


def expected_state(dist):
    files = SHARED if dist == 'mmcv-lite' else {**SHARED, **COMPILED}
    return [dist], sorted(files), {dist: []}


@pytest.mark.parametrize('mode,venv_name,dist', [('', '.venv', 'mmcv'),
                                                 ('--demo', '.venv-demo',
                                                  'mmcv-lite')])
def test_each_command_has_its_own_venv_and_mmcv(mode, venv_name, dist):
    """demo.sh's --demo and run_tests.sh's full stack never share a venv."""
    result = subprocess.run(
        ['bash', '-c', f'source {SETUP_ENV} {mode}; echo "$VENV $MMCV_DIST"'],
        capture_output=True,
        text=True,
        check=True)
    assert result.stdout.split() == [str(ROOT / venv_name), dist]


@pytest.mark.parametrize('before,mode,after', [('mmcv-lite', '', 'mmcv'),
                                               ('mmcv', '--demo',
                                                'mmcv-lite')])
def test_switching_replaces_the_whole_distribution(before, mode, after,
                                                   venv, wheels):
    pip(venv, 'install', '--no-deps', str(wheels[before]))
    result = setup_env(venv, mode, f'select_mmcv {wheels[after]}')
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'uninstalling {before}' in result.stdout
    # mmcv -> mmcv-lite: the compiled file went with mmcv.
    assert mmcv_state(venv) == expected_state(after)
    assert setup_env(venv, mode, 'mmcv_ok').returncode == 0


def test_a_half_replaced_mmcv_is_refused_then_repaired(venv, wheels):
    """pip's plain install of mmcv over mmcv-lite leaves both; uninstalling
    one of them then leaves the other without its files."""
    pip(venv, 'install', '--no-deps', str(wheels['mmcv-lite']))
    pip(venv, 'install', '--no-deps', str(wheels['mmcv']))
    both = setup_env(venv, '', 'mmcv_ok')
    assert both.returncode != 0
    assert 'mmcv-lite is installed too' in both.stderr

    pip(venv, 'uninstall', '-y', 'mmcv-lite')
    assert mmcv_state(venv)[2] == {'mmcv': sorted(SHARED)}
    gutted = setup_env(venv, '', 'mmcv_ok')
    assert gutted.returncode != 0
    assert 'mmcv lacks' in gutted.stderr

    pip(venv, 'install', '--no-deps', str(wheels['mmcv-lite']))
    repaired = setup_env(venv, '', f'select_mmcv {wheels["mmcv"]}')
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert mmcv_state(venv) == expected_state('mmcv')


def test_a_failed_switch_leaves_no_stamp(venv, wheels, tmp_path):
    """A run stopped half-way (here: the wheel is missing) is redone in
    full next time: the up-to-date stamp is gone before anything changes."""
    pip(venv, 'install', '--no-deps', str(wheels['mmcv']))
    (venv / 'stamp').write_text('key\n')
    missing = tmp_path / 'mmcv_lite-2.1.0-py3-none-any.whl'
    result = setup_env(venv, '--demo', f'select_mmcv {missing}')
    assert result.returncode != 0
    assert not (venv / 'stamp').exists()
    assert mmcv_state(venv)[0] == []
