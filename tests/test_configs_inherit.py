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
