"""se_plugin's registries.

Each is a child of mmengine's root registry with its own scope, so any
OpenMMLab config (mmpretrain or mmdet default scope) builds our modules as
``type='se_plugin.SEResNet'``: mmengine imports ``se_plugin.registry`` on the
first look-up of the ``se_plugin`` scope and ``locations`` then imports the
modules that register into it. No ``custom_imports`` are needed.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import Registry

MODELS = Registry(
    'model',
    parent=MMENGINE_MODELS,
    scope='se_plugin',
    locations=['se_plugin.models'])

DATASETS = Registry(
    'dataset',
    parent=MMENGINE_DATASETS,
    scope='se_plugin',
    locations=['se_plugin.datasets'])

HOOKS = Registry(
    'hook',
    parent=MMENGINE_HOOKS,
    scope='se_plugin',
    locations=['se_plugin.engine'])
