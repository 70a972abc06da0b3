"""Squeeze-and-Excitation networks for OpenMMLab 2.x.

Importing the package allow-lists what mmengine checkpoints contain for
``torch.load(weights_only=True)`` (see :mod:`se_plugin.utils.checkpoint`).
Models are registered lazily through :mod:`se_plugin.registry`.
"""
from .utils.checkpoint import allow_mmengine_checkpoints
from .version import __version__

allow_mmengine_checkpoints()

__all__ = ['__version__', 'allow_mmengine_checkpoints']
