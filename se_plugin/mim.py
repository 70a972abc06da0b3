"""Lets other projects inherit our configs, ``'se_plugin::configs/...'``
(how mmengine resolves them: docs/architecture.md)."""
from mmengine.config import Config
from mmengine.config import utils as config_utils

from _se_plugin_hook import register


def register_config_package() -> None:
    """Add ``se_plugin`` to mmengine's table of config packages (mmengine then
    finds ``.mim`` beside this file in every kind of install)."""
    register(config_utils.MODULE2PACKAGE, Config)
