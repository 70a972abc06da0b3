"""Lets other projects inherit our configs, ``'se_plugin::configs/...'``
(how mmengine resolves them: docs/architecture.md)."""
from mmengine.config import Config
from mmengine.config import utils as config_utils

from _se_plugin_hook import register


def register_config_package() -> None:
    """Add ``se_plugin`` to mmengine's table of config packages.

    Also makes ``se_plugin::`` bases unscoped (see
    :func:`_se_plugin_hook.register`).

    The table maps the name before ``::`` to a name that mmengine looks up
    first as an installed distribution and otherwise as an importable
    module. The distribution's location is site-packages even for an
    editable install, whose code stays in the source tree; this module's
    name is not a distribution, so mmengine falls back to the folder of this
    file, the package folder holding ``.mim`` in every kind of install.
    """
    register(config_utils.MODULE2PACKAGE, Config)
