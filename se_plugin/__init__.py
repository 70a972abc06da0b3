"""Squeeze-and-Excitation networks for OpenMMLab 2.x; importing it
allow-lists mmengine checkpoints and ``se_plugin::`` configs."""
from .apis import get_model, list_models
from .mim import register_config_package
from .utils.checkpoint import allow_mmengine_checkpoints
from .version import __version__

allow_mmengine_checkpoints()
register_config_package()

__all__ = ['__version__', 'allow_mmengine_checkpoints',
           'register_config_package', 'list_models', 'get_model']
