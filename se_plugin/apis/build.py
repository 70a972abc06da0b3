"""One way to build a model and load its weights (:func:`build_model`):
tools, converters, export and analysis all refuse a misfit alike."""
import os
import os.path as osp
from typing import Optional, Union

import torch
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

from se_plugin.engine.config import read_config
from se_plugin.engine.errors import (CheckpointMismatchError,
                                     InputNotFoundError, OptionError)
from se_plugin.engine.loading import (checkpoint_weights, read_checkpoint,
                                      state_mismatch)

ConfigLike = Union[str, os.PathLike, Config]


def to_config(config: ConfigLike) -> Config:
    """A copy of ``config``: a Config, a config file or a zoo model's name
    (InputNotFoundError for a path, with a folder or suffix, that does not
    exist)."""
    if isinstance(config, Config):
        return config.copy()
    path = os.fspath(config)
    if osp.isfile(path):
        return read_config(path)
    if osp.dirname(path) or osp.splitext(path)[1]:
        raise InputNotFoundError(f'config file {path!r} does not exist')
    from .model_zoo import get_config
    return get_config(path)


def build_model(config: ConfigLike,
                checkpoint: Optional[Union[str, os.PathLike]] = None,
                **overrides) -> torch.nn.Module:
    """Build a config's model on the CPU, in its toolbox's scope.

    Args:
        config (str | PathLike | Config): A config file, a parsed config
            or the name of a model in :func:`se_plugin.list_models`.
        checkpoint (str | PathLike, optional): Weights to load; they must
            fit the model exactly. Defaults to None (the modules' own
            initialisation).
        **overrides: Merged into the config's ``model`` first, e.g.
            ``head=dict(num_classes=10)``.

    Returns:
        torch.nn.Module: The model in eval mode (an mmpretrain classifier,
        an mmdet detector, ...), with its config as ``model.cfg``; a
        checkpoint that does not fit raises CheckpointMismatchError.
    """
    import se_plugin  # noqa: F401  (configs may inherit se_plugin::)
    for key, value, kinds in (('config', config, (str, os.PathLike, Config)),
                              ('checkpoint', checkpoint,
                               (str, os.PathLike, type(None)))):
        if not isinstance(value, kinds):
            raise OptionError(
                f'build_model({key}={value!r}): a {type(value).__name__}; '
                'allowed: a file path (str or os.PathLike)' +
                (', a Config or a name of se_plugin.list_models()'
                 if key == 'config' else ' or None'))
    cfg = to_config(config)
    if overrides:
        cfg.merge_from_dict(dict(model=overrides))
    model_cfg = cfg.model
    # mmpretrain configs keep the preprocessor beside the model, and the
    # runner moves it in; do the same.
    if 'data_preprocessor' in cfg and 'data_preprocessor' not in model_cfg:
        model_cfg.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        model = MODELS.build(model_cfg)
    if checkpoint is not None:
        name = config if not isinstance(config, Config) else cfg.filename
        meta = load_exactly(model, os.fspath(checkpoint), name).get('meta')
        if isinstance(meta, dict) and 'dataset_meta' in meta:
            model.dataset_meta = meta['dataset_meta']
    model.cfg = cfg
    return model.eval()


def load_exactly(model: torch.nn.Module, checkpoint: str, name) -> dict:
    """Load every weight of ``checkpoint`` into ``model`` or raise, on every
    rank (mmengine's strict load raises on rank 0 only); returns it."""
    if not osp.isfile(checkpoint):
        raise InputNotFoundError(f'checkpoint file {checkpoint!r} does not '
                                 f'exist (model {name!r})')
    ckpt = read_checkpoint(checkpoint)
    mismatch = state_mismatch(model.state_dict(), ckpt)
    if mismatch:
        raise CheckpointMismatchError(
            f'checkpoint {checkpoint!r} does not fit model {name!r}, '
            f'nothing was loaded:\n{mismatch}')
    model.load_state_dict(checkpoint_weights(ckpt), strict=False)
    return ckpt
