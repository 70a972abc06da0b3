"""se_plugin's registries: children of mmengine's roots with scope
``se_plugin``, whose ``locations`` register everything on first look-up."""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import Registry

MODELS = Registry('model', parent=MMENGINE_MODELS, scope='se_plugin',
                  locations=['se_plugin.models'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope='se_plugin',
                    locations=['se_plugin.datasets'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='se_plugin',
                 locations=['se_plugin.engine'])
