"""Another project inherits our configs: ``_base_ = 'se_plugin::configs/..'``.

Run from a temporary directory in a fresh interpreter, as a user's project
would, with mmengine's Config and mmpretrain's registries only: the
installed start-up hook (``se_plugin_hook.pth``) registers ``se_plugin::``
and mmengine's registry imports se_plugin for ``se_plugin.SEResNet``. A
checkout that is only on ``PYTHONPATH`` has no hook; there
``import se_plugin`` before ``Config.fromfile`` does the same (our
tools/train.py and tools/test.py do it). ``test_inherit_from_a_wheel``
installs a built wheel into a folder and repeats it there.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_datasets import write_places365
from test_toolbox_tools import HOOK_INSTALLED, hook_dir  # noqa: F401

REPO = Path(__file__).resolve().parents[1]

USER_CONFIG = """
_base_ = 'se_plugin::configs/places365/se_resnet152_places365-challenge.py'
model = dict(
    backbone=dict(depth=18), head=dict(num_classes=10, in_channels=512))
train_dataloader = dict(dataset=dict(data_root={root!r}))
"""

CHECK = """
import sys
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS, MODELS
cfg = Config.fromfile('user_config.py')
init_default_scope(cfg.default_scope)
model = MODELS.build(cfg.model)
dataset = DATASETS.build(cfg.train_dataloader.dataset)
print(sys.modules['se_plugin'].__file__)
print(type(model.backbone).__name__, model.backbone.depth,
      model.head.num_classes, type(dataset).__name__, len(dataset),
      dataset[0]['inputs'].shape[-1])
"""


def run_user_project(tmp_path, prelude, env=None):
    places = tmp_path / 'places365'
    write_places365(places, per_class=1, num_labelled=2)
    project = tmp_path / 'project'
    project.mkdir()
    (project / 'user_config.py').write_text(
        USER_CONFIG.format(root=str(places)))
    result = subprocess.run([sys.executable, '-c', prelude + CHECK],
                            cwd=project, env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split('\n')


def add_site(folder):
    """What start-up does with site-packages: run its .pth files."""
    return f'import site; site.addsitedir({str(folder)!r})\n'


# The user's overrides on top of the inherited recipe; the dataset and its
# pipeline still build in mmpretrain's scope (224 crops).
SUMMARY = 'SEResNet 18 10 Places365 4 224'


def test_inherit_through_the_startup_hook(tmp_path, hook_dir):
    prelude = '' if HOOK_INSTALLED else add_site(hook_dir)
    location, summary = run_user_project(tmp_path, prelude)[-3:-1]
    assert location == str(REPO / 'se_plugin' / '__init__.py')
    assert summary == SUMMARY


@pytest.mark.slow
def test_inherit_from_a_wheel(tmp_path):
    """A regular (non-editable) install: configs are copied into the wheel."""
    source = tmp_path / 'source'
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
        '.git', '.venv*', 'work_dirs', 'data', 'build', '*.egg-info'))
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                    '--no-build-isolation', '-q', '-w', str(tmp_path / 'dist'),
                    str(source)], check=True)
    site = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
                    '--target', str(site), *map(str, (tmp_path / 'dist').glob(
                        '*.whl'))], check=True)
    shutil.rmtree(source)
    env = dict(os.environ, PYTHONPATH=str(site))
    # The wheel's root, i.e. site-packages once installed, holds the hook.
    assert (site / 'se_plugin_hook.pth').is_file()
    assert (site / '_se_plugin_hook.py').is_file()
    location, summary = run_user_project(tmp_path, add_site(site),
                                         env)[-3:-1]
    assert location == str(site / 'se_plugin' / '__init__.py')
    shipped = site / 'se_plugin' / '.mim' / 'configs' / 'configs'
    assert shipped.is_dir() and not shipped.is_symlink()
    assert summary == SUMMARY


# Two user configs, one on a moved config's old path and one on its new
# path; both parsed as a fresh interpreter would, with nothing else
# imported: the old path must read the same file, with a FutureWarning.
MOVED_CHECK = """
import sys, warnings
from mmengine.config import Config
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    old = Config.fromfile('old.py')
new = Config.fromfile('new.py')
print(old.to_dict() == new.to_dict(), old.model.backbone.depth,
      old.model.backbone.get('se_cfg', 'default'))
print([str(w.message) for w in caught if w.category is FutureWarning])
"""


@pytest.mark.parametrize('old, depth, se_cfg', [
    ('configs/resnet101_imagenet.py', 101, None),
    ('configs/ablations/se_resnet50_ratio16_imagenet.py', 50, 'default'),
])
def test_moved_configs_keep_their_old_path(tmp_path, hook_dir, old, depth,
                                           se_cfg):
    """A project that inherits a config at its old path keeps working: the
    path resolver (``_se_plugin_hook.moved_config``) reads the new file."""
    from _se_plugin_hook import MOVED_CONFIGS
    new = MOVED_CONFIGS[old]
    (tmp_path / 'old.py').write_text(f"_base_ = 'se_plugin::{old}'\n")
    (tmp_path / 'new.py').write_text(f"_base_ = 'se_plugin::{new}'\n")
    prelude = '' if HOOK_INSTALLED else add_site(hook_dir)
    result = subprocess.run([sys.executable, '-c', prelude + MOVED_CHECK],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    same, warned = result.stdout.split('\n')[-3:-1]
    assert same == f'True {depth} {se_cfg}'
    assert warned == repr([f'se_plugin::{old} moved to se_plugin::{new}; '
                           'the old path is read as the new one'])


def test_moved_configs_table():
    """Every old path is gone (the table never hides a file) and every new
    path exists; the root configs that moved are exactly the ones that left
    configs/ but se_resnet50_imagenet.py, which stays."""
    from _se_plugin_hook import MOVED_CONFIGS
    assert not [old for old in MOVED_CONFIGS if (REPO / old).exists()]
    assert all((REPO / new).is_file() for new in MOVED_CONFIGS.values())
    root = [p for p in MOVED_CONFIGS if p.count('/') == 1]
    # change detector: how many root configs moved (our layout, no source).
    assert len(root) == 31
    assert all(MOVED_CONFIGS[p].split('/')[-1] == p.split('/')[-1]
               for p in root)
    assert [p.name for p in (REPO / 'configs').glob('*.py')] == [
        'se_resnet50_imagenet.py']
