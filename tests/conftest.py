"""Fixtures shared by the test modules."""
import pytest

from se_plugin.datasets.digits import prepare_digits


@pytest.fixture(scope='session')
def digits_root(tmp_path_factory):
    """The demo's digits dataset (ImageNet layout), written once per run.

    Returns:
        pathlib.Path: Its root, with ``train/``, ``val/`` and ``meta/``.
    """
    root = tmp_path_factory.mktemp('digits')
    prepare_digits(root)
    return root


@pytest.fixture
def mmdet_config(tmp_path):
    """An mmdet config from mmdet's installed ones, with our backbone."""
    path = tmp_path / 'faster-rcnn_se-r50_fpn.py'
    path.write_text(
        "_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'\n"
        "model = dict(backbone=dict(_delete_=True, type='se_plugin.SEResNet',"
        "\n    depth=50, out_indices=(0, 1, 2, 3)))\n")
    return path
