"""Fixtures shared by the test modules."""
import functools
import logging

import mmengine.config.utils as config_utils
import pytest
import torch
from bad_inputs.tools import load_tool as _load_tool

from se_plugin.datasets.digits import prepare_digits
from se_plugin.datasets.digits_coco import make_digits_coco


@pytest.fixture(scope='session')
def load_tool():
    """``load_tool('deployment/export_onnx.py')``: a tools/ script's module,
    imported once per run (the bad-input tables' importer, the only one)."""
    return _load_tool


@pytest.fixture(scope='module')
def cached_metafiles():
    """Parse mmpretrain's / mmdet's metafiles once per module: mmengine
    reads all 85+ YAMLs again for every ``mmpretrain::`` / ``mmdet::`` base
    (seconds per config on CI); they do not change while the tests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config_utils, 'load',
                      functools.lru_cache(None)(config_utils.load))
        yield


@pytest.fixture
def no_weight_init(monkeypatch):
    """Skip PyTorch's random weight init: for tests that look at structure
    and counts, never values (drawing 25-60M weights takes seconds)."""
    for name in ('kaiming_uniform_', 'uniform_', 'normal_', 'trunc_normal_'):
        monkeypatch.setattr(torch.nn.init, name, lambda t, *a, **k: t)


@pytest.fixture(scope='session')
def digits_root(tmp_path_factory):
    """The demo's digits dataset (ImageNet layout), written once per run.

    Returns:
        pathlib.Path: Its root, with ``train/``, ``val/`` and ``meta/``.
    """
    root = tmp_path_factory.mktemp('digits')
    prepare_digits(root)
    return root


@pytest.fixture(scope='module')
def toy_cwd(tmp_path_factory):
    """A working directory holding the toy detection config's
    data/digits_coco/ (64 train, 16 val canvases)."""
    cwd = tmp_path_factory.mktemp('det_toy')
    make_digits_coco(
        cwd / 'data' / 'digits_coco', num_images=dict(train=64, val=16))
    return cwd


def _plain_se_block(block, x):
    """An SE bottleneck (standard placement), written module by module."""
    se = block.se
    identity = x if block.downsample is None else block.downsample(x)
    out = block.relu(block.norm1(block.conv1(x)))
    out = block.relu(block.norm2(block.conv2(out)))
    out = block.norm3(block.conv3(out))
    gate = se.gate(se.fc2(se.act(se.fc1(out.mean((2, 3), keepdim=True)))))
    return block.relu(out * gate + identity)


@pytest.fixture
def module_graph():
    """``module_graph(model, x)``: an SE-ResNet's last stage output computed
    by calling its modules one by one (the reference the forward must
    equal, whatever hooks, parametrizations or swapped modules it has)."""

    def forward(model, x):
        x = model.maxpool(model.relu(model.norm1(model.conv1(x))))
        for name in model.res_layers:
            for block in getattr(model, name):
                x = _plain_se_block(block, x)
        return x

    return forward


@pytest.fixture
def se_resnet50():
    """SE-ResNet-50 in eval mode with every BN's affine and statistics
    randomised (a trained-like residual), the same weights on every call."""
    from se_plugin.models import SEResNet
    torch.manual_seed(0)
    model = SEResNet(depth=50)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.weight.data.uniform_(0.5, 1.0)
            m.bias.data.uniform_(-0.1, 0.1)
            m.running_var.uniform_(1.0, 2.0)
    return model.eval()


@pytest.fixture
def fast_calls(monkeypatch):
    """A list that gets one entry per excitation computed by the fast path
    (se_plugin.models.blocks.fast), which still runs."""
    from se_plugin.models.blocks import fast
    calls, real = [], fast.excite

    def spy(se, x):
        calls.append(se)
        return real(se, x)

    monkeypatch.setattr(fast, 'excite', spy)
    return calls


@pytest.fixture
def mmdet_config(tmp_path):
    """An mmdet config from mmdet's installed ones, with our backbone."""
    path = tmp_path / 'faster-rcnn_se-r50_fpn.py'
    path.write_text(
        "_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'\n"
        "model = dict(backbone=dict(_delete_=True, type='se_plugin.SEResNet',"
        "\n    depth=50, out_indices=(0, 1, 2, 3)))\n")
    return path


@pytest.fixture
def mm_logs():
    """The messages (WARNING and up) that mmengine's current logger emits
    while the test runs, in order."""
    from mmengine.logging import MMLogger
    messages = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)
