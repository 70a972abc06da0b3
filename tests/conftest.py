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
