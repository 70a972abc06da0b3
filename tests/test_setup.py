"""The set-up: setup.cfg's ranges, the environment holds constraints.txt's
pins and mmcv's compiled ops, the install adds the start-up hook, CI runs
the README's test command, and the tools turn their options into the Runner
config of mmpretrain and mmdet configs alike."""
import configparser
import hashlib
import site
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import torch
from packaging.requirements import Requirement

from se_plugin.engine.runner import init_cpu_distributed
from se_plugin.models import SEResNet

ROOT = Path(__file__).parents[1]
DIGITS = ROOT / 'configs' / 'digits' / 'se_resnet18_digits.py'


def setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(ROOT / 'setup.cfg')
    return parser


def constraints():
    """constraints.txt's pins, by distribution name."""
    lines = (ROOT / 'constraints.txt').read_text().splitlines()
    pins = [Requirement(line) for line in lines if line.split('#')[0]]
    return {pin.name: pin for pin in pins}


def test_setup_cfg_declares_ranges_with_lower_bounds():
    requirements = [
        Requirement(line) for line in setup_cfg()['options']
        ['install_requires'].split('\n') if line.strip()
    ]
    assert {r.name for r in requirements} == {
        'torch', 'torchvision', 'numpy', 'mmengine', 'mmpretrain', 'mmdet'
    }
    for requirement in requirements:
        operators = {spec.operator for spec in requirement.specifier}
        assert '>=' in operators and '==' not in operators, requirement


def test_constraints_pin_one_point_inside_the_ranges():
    pins = constraints()
    for line in setup_cfg()['options']['install_requires'].split('\n'):
        if line.strip():
            requirement = Requirement(line)
            (pin, ) = pins[requirement.name].specifier
            assert pin.operator == '==', pin
            assert requirement.specifier.contains(pin.version), (requirement,
                                                                 pin)
    # mmcv is installed by hand (mmcv or mmcv-lite); setup_env.sh reads
    # its version from here.
    assert str(pins['mmcv'].specifier) == '==2.1.0'
    assert pins['mmcv-lite'].specifier == pins['mmcv'].specifier


def test_environment_holds_the_pins():
    cfg = setup_cfg()
    pins = constraints()
    # The full stack holds mmcv with ops; mmcv-lite is the demo venv's
    # (tests/test_setup_env.py: never both).
    del pins['mmcv-lite']
    requirements = list(pins.values())
    requirements += [
        Requirement(pin) for pin in cfg['options.extras_require']
        ['tests'].split()
    ]
    for requirement in requirements:
        installed = version(requirement.name)
        assert requirement.specifier.contains(
            installed, prereleases=True), (requirement, installed)


def test_mmcv_compiled_ops_run():
    from mmcv.ops import RoIAlign, nms
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.],
                          [20., 20., 30., 30.]])
    _, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]), iou_threshold=0.5)
    assert keep.tolist() == [0, 2]
    features = torch.arange(16.).reshape(1, 1, 4, 4)
    rois = torch.tensor([[0., 0., 0., 4., 4.]])
    pooled = RoIAlign((2, 2), spatial_scale=1.0, sampling_ratio=1)(features,
                                                                   rois)
    assert pooled.shape == (1, 1, 2, 2)
    assert torch.allclose(pooled.mean(), features.mean())


def test_ci_runs_the_readme_test_command():
    lines = (ROOT / '.ci' / 'run').read_text().strip().splitlines()
    assert lines[-1] == 'bash tools/run_tests.sh'
    assert 'bash tools/run_tests.sh' in (ROOT / 'README.md').read_text()


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / '.venv').resolve(),
    reason='runs in the .venv that tools/setup_env.sh made (as on CI)')
def test_second_setup_run_installs_nothing():
    stamp = (ROOT / '.venv' / '.se_plugin_setup_stamp').read_text().strip()
    files = b''.join((ROOT / name).read_bytes()
                     for name in ('setup.cfg', 'setup.py',
                                  'se_plugin_hook.pth', 'constraints.txt',
                                  'tools/setup_env.sh'))
    assert stamp == hashlib.sha256(files).hexdigest(), (
        '.venv was set up for another setup.cfg: run bash tools/setup_env.sh')
    result = subprocess.run(['bash', str(ROOT / 'tools' / 'setup_env.sh')],
                            capture_output=True,
                            text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[setup_env] .venv is up to date (delete '
        f'{ROOT / ".venv" / ".se_plugin_setup_stamp"} to force a re-install)')


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / '.venv').resolve(),
    reason='runs in the .venv that tools/setup_env.sh made (as on CI)')
def test_install_put_the_startup_hook_in_site_packages():
    """`pip install -e .` (legacy develop here) installed the .pth line."""
    (installed, ) = [
        Path(d) / 'se_plugin_hook.pth' for d in site.getsitepackages()
        if (Path(d) / 'se_plugin_hook.pth').is_file()
    ]
    assert installed.read_text() == (ROOT / 'se_plugin_hook.pth').read_text()


@pytest.mark.parametrize('config,scope', [(DIGITS, 'mmpretrain'),
                                          ('mmdet', 'mmdet')])
def test_train_options_reach_the_config(load_tool, config, scope, mmdet_config,
                                        tmp_path):
    config = mmdet_config if config == 'mmdet' else config
    train = load_tool('train.py')
    # --resume takes the newest complete checkpoint of the work dir.
    checkpoint = tmp_path / 'epoch_2.pth'
    torch.save(dict(meta=dict(epoch=2, iter=4), optimizer={},
                    state_dict={}), checkpoint)
    args = train.parse_args([
        str(config), '--amp', '--resume', '--auto-scale-lr', '--work-dir',
        str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=3'
    ])
    cfg = train.merge_train_args(train.load_config(args), args)
    assert cfg.default_scope == scope
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert (cfg.resume, cfg.load_from) == (True, str(checkpoint))
    assert cfg.auto_scale_lr.enable is True
    assert cfg.train_cfg.max_epochs == 3
    assert (cfg.work_dir, cfg.launcher) == (str(tmp_path), 'none')

    args = train.parse_args([str(config), '--resume', str(checkpoint)])
    cfg = train.merge_train_args(train.load_config(args), args)
    assert (cfg.resume, cfg.load_from) == (True, str(checkpoint))
    assert cfg.work_dir == str(Path('work_dirs') / Path(config).stem)


def test_auto_scale_lr_needs_a_base_batch_size(load_tool, tmp_path):
    config = tmp_path / 'no_auto_scale.py'
    config.write_text("_base_ = 'mmpretrain::_base_/default_runtime.py'\n")
    train = load_tool('train.py')
    args = train.parse_args([str(config), '--auto-scale-lr'])
    with pytest.raises(ValueError, match='auto_scale_lr.base_batch_size'):
        train.merge_train_args(train.load_config(args), args)


def test_the_mmdet_config_builds_an_mmdet_runner(load_tool, mmdet_config,
                                                  tmp_path):
    train = load_tool('train.py')
    args = train.parse_args([str(mmdet_config), '--work-dir', str(tmp_path)])
    runner = train.build_runner(
        train.merge_train_args(train.load_config(args), args))
    assert type(runner.model).__name__ == 'FasterRCNN'
    assert type(runner.model).__module__.startswith('mmdet.')
    assert isinstance(runner.model.backbone, SEResNet)


@pytest.mark.parametrize('out,item', [('res.txt', None),
                                      ('res.json', 'pred')])
def test_test_tool_refuses_an_unknown_out_format(load_tool, out, item,
                                                 tmp_path):
    test_tool = load_tool('test.py')
    more = ['--out-item', item] if item else []
    with pytest.raises(SystemExit) as exit_:
        test_tool.main([str(DIGITS), 'ckpt.pth', '--out', out, *more])
    assert str(exit_.value.code).startswith(
        f"error: --out={out!r} must end with one of")


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='checks the CPU-only path (CI has no GPU)')
def test_cpu_distributed_launch_needs_gloo(load_tool):
    train = load_tool('train.py')
    args = train.parse_args([str(DIGITS), '--launcher', 'pytorch'])
    cfg = train.load_config(args)
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    with pytest.raises(ValueError,
                       match=r"backend='nccl' needs CUDA; without it only "
                       r"'gloo' is allowed"):
        init_cpu_distributed(cfg)
    assert not torch.distributed.is_initialized()
