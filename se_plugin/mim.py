r"""Lets other projects inherit our configs: ``'se_plugin::configs/...'``.

mmengine 0.10 resolves ``_base_ = '<module>::<path>'`` only for modules in
its ``MODULE2PACKAGE`` table, to ``<package dir>/.mim/configs/<path>``, and
``<path>`` must contain a folder (regex ``\w*::\w*/\w*``). So:

- the package ships the repository's ``configs/`` as
  ``se_plugin/.mim/configs/configs/`` (a symlink in the source tree, copied
  into wheels by setup.py's ``package_data``), and a config elsewhere writes
  ``_base_ = 'se_plugin::configs/se_resnet50_imagenet.py'``, the same path
  as in this repository;
- the installed start-up hook (``se_plugin_hook.pth`` running
  :mod:`_se_plugin_hook`) adds ``se_plugin`` to the table when mmengine's
  config module is imported, so any tool reads such configs, mmpretrain's
  and mmdet's own included; :func:`register_config_package` does the same
  on ``import se_plugin``, for a checkout that is only on ``PYTHONPATH``;
- a config that moved keeps its old ``se_plugin::`` path: the hook reads it
  as the new one (the table ``_se_plugin_hook.MOVED_CONFIGS``).
"""
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
