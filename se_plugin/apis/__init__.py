"""Build the models of se_plugin's zoo by name."""
from .model_zoo import get_config, get_model, get_model_info, list_models

__all__ = ['list_models', 'get_model', 'get_model_info', 'get_config']
