"""Squeeze-and-Excitation networks for OpenMMLab 2.x.

Importing the package allow-lists what mmengine checkpoints contain for
``torch.load(weights_only=True)`` (see :mod:`se_plugin.utils.checkpoint`)
and lets configs inherit ours as ``'se_plugin::configs/...'`` (see
:mod:`se_plugin.mim`). Models and datasets are registered lazily through
:mod:`se_plugin.registry`; :func:`list_models` and :func:`get_model` build
the models of the zoo by name (see :mod:`se_plugin.apis`).
"""
from .apis import get_model, list_models
from .mim import register_config_package
from .utils.checkpoint import allow_mmengine_checkpoints
from .version import __version__

allow_mmengine_checkpoints()
register_config_package()

__all__ = [
    '__version__', 'allow_mmengine_checkpoints', 'register_config_package',
    'list_models', 'get_model'
]
