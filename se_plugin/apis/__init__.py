"""Build models from configs or by zoo name, with strictly loaded weights."""
from .build import build_model
from .model_zoo import get_config, get_model, get_model_info, list_models

__all__ = [
    'list_models', 'get_model', 'get_model_info', 'get_config', 'build_model'
]
