"""Start-up hook: mmengine reads ``'se_plugin::configs/...'`` in any script.

mmengine resolves ``_base_ = '<name>::<path>'`` only for the names in
``mmengine.config.utils.MODULE2PACKAGE``, and the toolboxes' own tools
(``mmpretrain/.mim/tools/train.py``, ``mmdet``'s ``get_flops.py`` ...) read
the config before anything (``custom_imports`` included) could import
se_plugin. So installing se_plugin also installs ``se_plugin_hook.pth``,
whose one line runs :func:`install` at interpreter start-up.

:func:`install` imports neither mmengine nor torch: it puts a finder first on
``sys.meta_path`` that, when ``mmengine.config.config`` is imported, lets the
regular finders load it and calls :func:`register` right after the module
ran. Start-up costs one more small module; every later import one string
comparison until mmengine's config module is loaded, then none.
"""
import sys
import warnings

CONFIG_MODULE = 'mmengine.config.config'
# mmengine looks this name up as a distribution first, then as a module:
# the folder of ``se_plugin/mim.py`` is the package folder holding ``.mim``
# in every kind of install (site-packages only holds the metadata of an
# editable one). Looking it up imports se_plugin, which registers its
# checkpoint allow-list too.
CONFIG_PACKAGE = ('se_plugin', 'se_plugin.mim')

#: Configs that left their path, old -> new (from the repository root, as
#: after ``se_plugin::``). 2026-12: the root configs joined their family's
#: folder (its README and metafile); configs that built the same model with
#: the same recipe as another became that one. A ``se_plugin::`` base at an
#: old path reads the new file, with a FutureWarning naming it.
MOVED_CONFIGS = {
    'configs/bn_inception_imagenet.py':
    'configs/se_bn_inception/bn_inception_imagenet.py',
    'configs/inception_resnet_v2_imagenet.py':
    'configs/se_inception_resnet_v2/inception_resnet_v2_imagenet.py',
    'configs/mobilenet_v1_imagenet.py':
    'configs/se_mobilenet/mobilenet_v1_imagenet.py',
    'configs/resnet101_8xb32_imagenet.py':
    'configs/se_resnet/resnet101_8xb32_imagenet.py',
    'configs/resnet101_imagenet.py':
    'configs/se_resnet/resnet101_imagenet.py',
    'configs/resnet152_8xb32_imagenet.py':
    'configs/se_resnet/resnet152_8xb32_imagenet.py',
    'configs/resnet152_imagenet.py':
    'configs/se_resnet/resnet152_imagenet.py',
    'configs/resnet50_8xb32_imagenet.py':
    'configs/se_resnet/resnet50_8xb32_imagenet.py',
    'configs/resnet50_imagenet.py':
    'configs/se_resnet/resnet50_imagenet.py',
    'configs/resnext101-32x4d_8xb32_imagenet.py':
    'configs/se_resnext/resnext101-32x4d_8xb32_imagenet.py',
    'configs/resnext101-32x4d_imagenet.py':
    'configs/se_resnext/resnext101-32x4d_imagenet.py',
    'configs/resnext50-32x4d_8xb32_imagenet.py':
    'configs/se_resnext/resnext50-32x4d_8xb32_imagenet.py',
    'configs/resnext50-32x4d_imagenet.py':
    'configs/se_resnext/resnext50-32x4d_imagenet.py',
    'configs/se_bn_inception_imagenet.py':
    'configs/se_bn_inception/se_bn_inception_imagenet.py',
    'configs/se_inception_resnet_v2_imagenet.py':
    'configs/se_inception_resnet_v2/se_inception_resnet_v2_imagenet.py',
    'configs/se_mobilenet_v1_imagenet.py':
    'configs/se_mobilenet/se_mobilenet_v1_imagenet.py',
    'configs/se_resnet101_8xb32_imagenet.py':
    'configs/se_resnet/se_resnet101_8xb32_imagenet.py',
    'configs/se_resnet101_imagenet.py':
    'configs/se_resnet/se_resnet101_imagenet.py',
    'configs/se_resnet152_8xb32_imagenet.py':
    'configs/se_resnet/se_resnet152_8xb32_imagenet.py',
    'configs/se_resnet152_imagenet.py':
    'configs/se_resnet/se_resnet152_imagenet.py',
    'configs/se_resnet50_8xb32_imagenet.py':
    'configs/se_resnet/se_resnet50_8xb32_imagenet.py',
    'configs/se_resnext101-32x4d_8xb32_imagenet.py':
    'configs/se_resnext/se_resnext101-32x4d_8xb32_imagenet.py',
    'configs/se_resnext101-32x4d_imagenet.py':
    'configs/se_resnext/se_resnext101-32x4d_imagenet.py',
    'configs/se_resnext50-32x4d_8xb32_imagenet.py':
    'configs/se_resnext/se_resnext50-32x4d_8xb32_imagenet.py',
    'configs/se_resnext50-32x4d_imagenet.py':
    'configs/se_resnext/se_resnext50-32x4d_imagenet.py',
    'configs/se_shufflenet_v1_imagenet.py':
    'configs/se_shufflenet/se_shufflenet_v1_imagenet.py',
    'configs/se_vgg16bn_imagenet.py':
    'configs/se_vgg/se_vgg16bn_imagenet.py',
    'configs/senet154_320_imagenet.py':
    'configs/senet154/senet154_320_imagenet.py',
    'configs/senet154_imagenet.py':
    'configs/senet154/senet154_imagenet.py',
    'configs/shufflenet_v1_imagenet.py':
    'configs/se_shufflenet/shufflenet_v1_imagenet.py',
    'configs/vgg16bn_imagenet.py':
    'configs/se_vgg/vgg16bn_imagenet.py',
    # Merged: the same network and recipe as the new path.
    'configs/ablations/se_resnet50_ratio16_imagenet.py':
    'configs/se_resnet/se_resnet50_imagenet.py',
    'configs/ablations/se_resnet50_stages-all_imagenet.py':
    'configs/ablations/se_resnet50_placement-standard_imagenet.py',
    'configs/ablations/se_resnet50_squeeze-avg_imagenet.py':
    'configs/ablations/se_resnet50_placement-standard_imagenet.py',
    'configs/ablations/se_resnet50_gate-sigmoid_imagenet.py':
    'configs/ablations/se_resnet50_placement-standard_imagenet.py',
}


def moved_config(cfg_path):
    """``cfg_path`` with an old ``se_plugin::`` path replaced by the new one
    (:data:`MOVED_CONFIGS`); any other path unchanged."""
    scope, sep, path = cfg_path.partition('::')
    new = MOVED_CONFIGS.get(path) if scope == CONFIG_PACKAGE[0] else None
    if not sep or new is None:
        return cfg_path
    warnings.warn(
        f'{cfg_path} moved to {scope}::{new}; the old path is read as the '
        f'new one', FutureWarning, stacklevel=2)
    return f'{scope}::{new}'


def register(module2package, config_cls):
    """Let mmengine read ``se_plugin::`` bases as our configs mean them.

    Adds ``se_plugin`` to mmengine's table of config packages, reads moved
    configs at their new path (:func:`moved_config`) and makes such bases
    unscoped. mmengine gives every typed dict of a ``<name>::`` base
    ``_scope_=<name>``, i.e. looks its types up in that package's registry;
    our configs name mmpretrain's and mmdet's types (``CustomDataset``,
    ``Accuracy``) in their ``default_scope`` and ours as
    ``se_plugin.<Type>``, so they resolve as a base in the user's own folder
    does: through the default scope.

    Args:
        module2package (dict): ``mmengine.config.utils.MODULE2PACKAGE``.
        config_cls (type): ``mmengine.config.Config``.
    """
    module2package.setdefault(*CONFIG_PACKAGE)
    get_cfg_path = config_cls._get_cfg_path
    if getattr(get_cfg_path, 'se_plugin_unscoped', False):
        return

    def unscoped_get_cfg_path(cfg_path, filename):
        path, scope = get_cfg_path(moved_config(cfg_path), filename)
        return path, None if scope == CONFIG_PACKAGE[0] else scope

    unscoped_get_cfg_path.se_plugin_unscoped = True
    config_cls._get_cfg_path = staticmethod(unscoped_get_cfg_path)


CHECKPOINT_MODULE = 'mmengine.runner.checkpoint'


def allow_checkpoints():
    """Apply se_plugin's ``torch.load`` allow-list for mmengine checkpoints
    (:func:`se_plugin.utils.checkpoint.allow_mmengine_checkpoints`) without
    importing the se_plugin package: mmengine.runner is still being
    imported here, and se_plugin's models import the toolboxes, which need
    it whole. The module file is run under a private name."""
    import importlib.util
    import os.path as osp
    spec = importlib.util.find_spec('se_plugin')
    if spec is None or not spec.submodule_search_locations:
        return  # se_plugin uninstalled; nothing to apply
    file = osp.join(list(spec.submodule_search_locations)[0], 'utils',
                    'checkpoint.py')
    name = '_se_plugin_hook_checkpoint'
    module = sys.modules.get(name)
    if module is None:
        part = importlib.util.spec_from_file_location(name, file)
        module = importlib.util.module_from_spec(part)
        part.loader.exec_module(module)
        sys.modules[name] = module
    module.allow_mmengine_checkpoints()


def _on_config(module):
    register(sys.modules['mmengine.config.utils'].MODULE2PACKAGE,
             module.Config)


#: Module -> what to do right after it ran.
WATCHED = {
    CONFIG_MODULE: _on_config,
    CHECKPOINT_MODULE: lambda module: allow_checkpoints(),
}


class ConfigTableFinder:
    """Meta-path finder that acts when mmengine's config module (patch its
    table) or its checkpoint module (allow-list mmengine checkpoints for
    ``torch.load``) is loaded: :data:`WATCHED`.

    It finds nothing itself: for a watched module it asks the finders after
    it, wraps the found loader's ``exec_module``, and removes itself once
    every watched module ran.
    """

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in WATCHED:
            return None
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_act(module):
            exec_module(module)
            WATCHED[name](module)
            if cls in sys.meta_path and all(m in sys.modules
                                            for m in WATCHED):
                sys.meta_path.remove(cls)

        spec.loader.exec_module = exec_and_act
        return spec


def install():
    """Act now for the watched modules already loaded, else on their
    import."""
    for name, act in WATCHED.items():
        if sys.modules.get(name) is not None:
            act(sys.modules[name])
    if not all(m in sys.modules for m in WATCHED) and \
            ConfigTableFinder not in sys.meta_path:
        sys.meta_path.insert(0, ConfigTableFinder)
