"""mmpretrain's and mmdet's own tools on configs that inherit ours.

Each tool runs in a fresh interpreter as a user starts it: nothing imports
se_plugin first, no ``custom_imports``; the start-up hook that the install
puts in site-packages (``se_plugin_hook.pth``) lets mmengine read
``_base_ = 'se_plugin::configs/...'``, and mmengine's registry imports
``se_plugin.registry`` for ``type='se_plugin.SEResNet'``. Where this
checkout is only on ``PYTHONPATH`` (not installed in this interpreter), the
same ``.pth`` file is added from a temporary folder with
:func:`site.addsitedir`, which is what start-up does with site-packages.
"""
import json
import os
import re
import shutil
import site
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from goldens import BASIC_WIDTHS, per_block, se_params
from test_detection_train import SHRINK, logged, options

from se_plugin.datasets.digits_coco import make_digits_coco
from se_plugin.utils.compat import missing_mmcv_ops

REPO = Path(__file__).resolve().parents[1]
HOOK = 'se_plugin_hook.pth'
HOOK_INSTALLED = any((Path(d) / HOOK).is_file()
                     for d in site.getsitepackages())
TOOLS = {
    name: Path(find_spec(name).origin).parent / '.mim' / 'tools'
    for name in ('mmpretrain', 'mmdet')
}
# A user's project: our digits recipe, shortened through the config.
DIGITS_USER_CONFIG = """
_base_ = 'se_plugin::configs/digits/se_resnet18_digits.py'
data_root = {root!r}
train_dataloader = dict(dataset=dict(data_root=data_root, indices=64))
val_dataloader = dict(dataset=dict(data_root=data_root, indices=100))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
param_scheduler = dict(T_max=1)
default_hooks = dict(checkpoint=dict(interval=1))
"""
DETECTION_USER_CONFIG = """
_base_ = ('se_plugin::configs/detection/digits/'
          'faster-rcnn_se-r50_fpn_digits.py')
"""
# One iteration on 4 canvases, then validation on 4.
DETECTION_SHORT = {
    'train_dataloader.dataset.indices': 4,
    'train_cfg.max_epochs': 1,
    'train_cfg.val_interval': 1,
    'param_scheduler.0.end': 1,
    'default_hooks.checkpoint.interval': 1,
    # After one iteration few scores pass mmdet's 0.05: keep every box.
    'model.test_cfg.rcnn.score_thr': 0.0,
    'randomness.seed': 0,
}
# Runs a tool as `python tool.py ...` does, after site.addsitedir(<dir>).
LAUNCH = ('import runpy, site, sys; site.addsitedir(sys.argv[1]); '
          'tool = sys.argv[2]; sys.argv = sys.argv[2:]; '
          "runpy.run_path(tool, run_name='__main__')")


@pytest.fixture(scope='module')
def hook_dir(tmp_path_factory):
    """A folder holding only the hook's .pth file (used if not installed)."""
    folder = tmp_path_factory.mktemp('hook_site')
    shutil.copy(REPO / HOOK, folder / HOOK)
    return folder


def python(hook_dir, *args, cwd):
    """``python *args`` in a fresh interpreter with the start-up hook.

    Returns:
        subprocess.CompletedProcess: with stdout and stderr merged.
    """
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(REPO), env.get('PYTHONPATH')]))
    if not HOOK_INSTALLED:
        args = ('-c', LAUNCH, str(hook_dir), *args)
    return subprocess.run([sys.executable, *map(str, args)],
                          cwd=cwd,
                          env=env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)


def run_tool(hook_dir, toolbox, tool, *args, cwd):
    """Run ``<toolbox>/.mim/tools/<tool>``; fail with its output tail."""
    proc = python(hook_dir, TOOLS[toolbox] / tool, *args, cwd=cwd)
    assert proc.returncode == 0, proc.stdout[-4000:]
    return proc.stdout


def printed_metric(stdout, key):
    """The last ``key: value`` that mmengine's logger printed."""
    values = re.findall(rf'{re.escape(key)}: (-?[\d.]+)', stdout)
    assert values, f'{key} not printed:\n{stdout[-3000:]}'
    return float(values[-1])


STARTUP = """
import json, sys
heavy = [m for m in ('mmengine', 'torch', 'se_plugin') if m in sys.modules]
from mmengine.config import Config, utils
import mmengine.runner.checkpoint
import torch
allowed = [g for g in torch.serialization.get_safe_globals()
           if getattr(g, '__name__', '') == 'HistoryBuffer']
print(json.dumps(dict(
    allow_listed=bool(allowed),
    hook='_se_plugin_hook' in sys.modules, heavy_at_startup=heavy,
    table=utils.MODULE2PACKAGE.get('se_plugin'),
    unscoped=getattr(Config._get_cfg_path, 'se_plugin_unscoped', False),
    se_plugin_imported='se_plugin' in sys.modules,
    finder_left=[type(f).__name__ for f in sys.meta_path
                 if getattr(f, '__module__', '') == '_se_plugin_hook'])))
"""


def test_startup_hook_is_lazy_and_registers_on_mmengine_import(
        hook_dir, tmp_path):
    (tmp_path / 'startup.py').write_text(STARTUP)
    proc = python(hook_dir, 'startup.py', cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    state = json.loads(proc.stdout.splitlines()[-1])
    assert state == dict(
        hook=True,
        allow_listed=True,
        heavy_at_startup=[],
        table='se_plugin.mim',
        unscoped=True,
        se_plugin_imported=False,
        finder_left=[])


NO_HOOK = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path
                    if getattr(f, '__module__', '') != '_se_plugin_hook']
from mmengine.config import Config
try:
    Config.fromfile('user.py')
except AssertionError as error:
    print(error)
import se_plugin
print(Config.fromfile('user.py').model.backbone.type)
"""


def test_without_the_hook_only_import_se_plugin_helps(hook_dir, tmp_path):
    """What the hook fixes: mmengine alone does not know ``se_plugin::``;
    a checkout only on ``PYTHONPATH`` (no hook) needs ``import se_plugin``
    before the config is read, as our tools/train.py and test.py do."""
    (tmp_path / 'user.py').write_text(DETECTION_USER_CONFIG)
    (tmp_path / 'no_hook.py').write_text(NO_HOOK)
    proc = python(hook_dir, 'no_hook.py', cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert proc.stdout.splitlines()[-2:] == [
        'mmengine does not support to load se_plugin config.',
        'se_plugin.SEResNet'
    ]


@pytest.fixture(scope='module')
def digits_project(tmp_path_factory, digits_root):
    project = tmp_path_factory.mktemp('digits_project')
    (project / 'user_digits.py').write_text(
        DIGITS_USER_CONFIG.format(root=str(digits_root)))
    return project


def test_mmpretrain_train_and_test_tools(hook_dir, digits_project):
    work_dir = digits_project / 'work'
    run_tool(hook_dir, 'mmpretrain', 'train.py', 'user_digits.py',
             '--work-dir', work_dir, cwd=digits_project)
    # mmpretrain's own train.py set persistent_workers (False here: the
    # config has no workers) and built our backbone in mmpretrain's scope.
    dumped = (work_dir / 'user_digits.py').read_text()
    assert "type='se_plugin.SEResNet'" in dumped
    assert 'persistent_workers=False' in dumped
    (val_top1, ) = logged(work_dir, 'accuracy/top1')
    stdout = run_tool(hook_dir, 'mmpretrain', 'test.py', 'user_digits.py',
                      work_dir / 'epoch_1.pth', '--work-dir',
                      digits_project / 'test', cwd=digits_project)
    # The checkpoint scores on the 100 validation images exactly as the
    # validation at the end of training did.
    assert printed_metric(stdout, 'accuracy/top1') == pytest.approx(
        val_top1, abs=1e-4)


def test_mmpretrain_get_flops(hook_dir, digits_project):
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    cfg = Config.fromfile(REPO / 'configs/digits/se_resnet18_digits.py')
    model = MODELS.build(cfg.model)
    # FLOPs are counted for extract_feat, parameters for the whole model;
    # the backbone is mmpretrain's ResNet-18 plus one SE per basic block.
    expected = sum(p.numel() for p in model.parameters())
    plain = MODELS.build(dict(type='ResNet', depth=18, out_indices=(3, )))
    assert sum(p.numel() for p in model.backbone.parameters()) == sum(
        p.numel() for p in plain.parameters()) + se_params(
            per_block(BASIC_WIDTHS, (2, 2, 2, 2)))

    stdout = run_tool(hook_dir, 'mmpretrain', 'analysis_tools/get_flops.py',
                      'user_digits.py', '--shape', '32', cwd=digits_project)
    params = printed_metric(stdout, 'Params') * 1e6
    assert params == pytest.approx(expected, abs=500)
    assert 'Input shape: (3, 32, 32)' in stdout


@pytest.fixture(scope='module')
def detection_project(tmp_path_factory):
    project = tmp_path_factory.mktemp('detection_project')
    make_digits_coco(
        project / 'data' / 'digits_coco', num_images=dict(train=4, val=4))
    (project / 'user_det.py').write_text(DETECTION_USER_CONFIG)
    return project


@pytest.mark.skipif(bool(missing_mmcv_ops()), reason=missing_mmcv_ops())
def test_mmdet_train_and_test_tools(hook_dir, detection_project):
    work_dir = detection_project / 'work'
    shrink = options(SHRINK, DETECTION_SHORT)
    run_tool(hook_dir, 'mmdet', 'train.py', 'user_det.py', '--work-dir',
             work_dir, *shrink, cwd=detection_project)
    (loss, ) = logged(work_dir, 'loss')
    assert 0 < loss < 100
    (val_map, ) = logged(work_dir, 'coco/bbox_mAP_50')
    stdout = run_tool(hook_dir, 'mmdet', 'test.py', 'user_det.py',
                      work_dir / 'epoch_1.pth', '--work-dir',
                      detection_project / 'test', *shrink,
                      cwd=detection_project)
    assert printed_metric(stdout, 'coco/bbox_mAP_50') == pytest.approx(
        val_map, abs=1e-3)
    # pycocotools' summary: no digit of the 128x128 canvases is 'large'.
    assert printed_metric(stdout, 'coco/bbox_mAP_l') == -1.0


@pytest.mark.slow
@pytest.mark.skipif(bool(missing_mmcv_ops()), reason=missing_mmcv_ops())
def test_mmdet_get_flops(hook_dir, detection_project):
    stdout = run_tool(hook_dir, 'mmdet', 'analysis_tools/get_flops.py',
                      'user_det.py', '--num-images', '1',
                      *options(SHRINK, DETECTION_SHORT),
                      cwd=detection_project)
    # The whole shrunk detector, SE backbone included (3 significant
    # digits printed).
    params = printed_metric(stdout, 'Params') * 1e6
    assert params == pytest.approx(detector_params(), rel=5e-3)


def detector_params():
    """Parameters of the shrunk toy detector, built in this process."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmdet.registry import MODELS
    cfg = Config.fromfile(
        REPO / 'configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py')
    cfg.merge_from_dict(SHRINK)
    init_default_scope('mmdet')
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'SEResNet'
    return sum(p.numel() for p in model.parameters())


#: The folders of mmdet configs; every other config is mmpretrain's.
DETECTION = ('configs/detection/', 'configs/yolox/')
#: The toolbox each config folder's configs are for (else mmpretrain).
SCOPES = {'configs/detection/': 'mmdet', 'configs/yolox/': 'mmdet',
          'configs/seg/': 'mmseg', 'configs/pose/': 'mmpose'}
SHIPPED = sorted(
    str(p.relative_to(REPO)) for p in (REPO / 'configs').rglob('*.py')
    if '_base_' not in p.parts)
# Reads (and with --build, builds in the config's toolbox) every config
# given as a `se_plugin::` base of a one-line user config.
READ_ALL = """
import functools, json, sys
from pathlib import Path
from mmengine.config import Config, utils
from mmengine.registry import init_default_scope
# mmengine reads all of mmpretrain's metafiles again for every
# `mmpretrain::` base; they do not change while this runs.
utils.load = functools.lru_cache(None)(utils.load)
build = sys.argv[1] == '--build'
for rel in sys.argv[2:]:
    Path('user.py').write_text(f"_base_ = 'se_plugin::{rel}'\\n")
    cfg = Config.fromfile('user.py')
    row = [rel, json.dumps(cfg.to_dict(), default=repr, sort_keys=True)]
    if build:
        init_default_scope(cfg.default_scope)
        registry = __import__(f'{cfg.default_scope}.registry',
                              fromlist=['MODELS'])
        model = registry.MODELS.build(cfg.model)
        row.append(type(model.backbone).__module__.split('.')[0])
    print(json.dumps(row))
"""


def read_all(hook_dir, tmp_path, flag, configs=SHIPPED):
    """Rows [config, its dict as JSON(, backbone's top package)]."""
    (tmp_path / 'read_all.py').write_text(READ_ALL)
    proc = python(hook_dir, 'read_all.py', flag, *configs, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines()
            if line.startswith('["configs/')]
    assert [row[0] for row in rows] == configs
    return rows


def test_every_shipped_config_reads_as_a_base_in_a_fresh_interpreter(
        hook_dir, tmp_path, cached_metafiles):
    """Every config reads through ``se_plugin::``; one of each folder is
    compared whole with reading its file directly (what our tools and tests
    build): the same config."""
    from mmengine.config import Config
    assert len(SHIPPED) >= 70
    compared = set()
    for rel, inherited in read_all(hook_dir, tmp_path, '--read'):
        scope = json.loads(inherited)['default_scope']
        assert scope == next((s for folder, s in SCOPES.items()
                              if rel.startswith(folder)), 'mmpretrain')
        folder = Path(rel).parent
        if folder not in compared:
            compared.add(folder)
            direct = Config.fromfile(REPO / rel).to_dict()
            assert inherited == json.dumps(
                direct, default=repr, sort_keys=True), rel
    assert compared == {Path(rel).parent for rel in SHIPPED}


@pytest.mark.slow
def test_every_shipped_config_builds_in_its_toolbox(hook_dir, tmp_path):
    """mmpretrain's or mmdet's registry builds each model, no import of
    se_plugin first: the scope ``se_plugin.`` imports it on demand. Without
    mmcv's ops (mmcv-lite) only the classification configs build."""
    configs = [
        rel for rel in SHIPPED
        if not (missing_mmcv_ops() and rel.startswith(DETECTION))
    ]
    for rel, _, backbone_package in read_all(hook_dir, tmp_path, '--build',
                                             configs):
        assert backbone_package in ('se_plugin', 'mmpretrain', 'mmdet'), rel
        if '/se' in rel or rel.startswith(('configs/se', 'configs/senet')):
            assert backbone_package == 'se_plugin', rel
