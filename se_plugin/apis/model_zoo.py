"""The model zoo, :func:`list_models` and :func:`get_model` as mmpretrain's,
over the metafiles of ``se_plugin/.mim/model-index.yml``."""
import copy
import difflib
import fnmatch
import functools
import os
import os.path as osp
from typing import Dict, List, Optional, Union

import torch
from mmengine.config import Config
from modelindex.load_model_index import load
from modelindex.models.Model import Model

from ..engine.errors import OptionError
from .build import build_model

MIM_DIR = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), '.mim')
MODEL_INDEX = osp.join(MIM_DIR, 'model-index.yml')
CONFIG_ROOT = osp.join(MIM_DIR, 'configs')


@functools.lru_cache(maxsize=None)
def _zoo(model_index: str = MODEL_INDEX) -> Dict[str, Model]:
    """Every model of the index by lower-case name, collections applied."""
    index = load(model_index)
    index.build_models_with_collections()
    models = {}
    for model in index.models:
        if errors := model.check_errors:
            raise ValueError(f'{model.filepath}: model {model.name!r} is not '
                             f'valid model-index metadata: {sorted(errors)}')
        key = model.name.lower()
        if key in models:
            raise ValueError(
                f'model name {model.name!r} appears twice: in '
                f'{models[key].filepath} and {model.filepath}')
        models[key] = model
    return models


def list_models(pattern: Optional[str] = None) -> List[str]:
    """The names of the zoo's models, sorted; ``pattern`` is a shell-style
    pattern (``*``, ``?``, ``[...]``), case-insensitive, and without a
    wildcard matches the names that contain it, as in mmpretrain.

    Examples:
        >>> list_models('se_resnet50_ratio*')
        ['se_resnet50_ratio32_imagenet', 'se_resnet50_ratio4_imagenet',
         'se_resnet50_ratio8_imagenet']
    """
    _require_str(pattern, 'list_models', 'pattern', none=True)
    names = sorted(model.name for model in _zoo().values())
    if pattern is None:
        return names
    if not any(c in pattern for c in '*?['):
        pattern = f'*{pattern}*'
    return [n for n in names if fnmatch.fnmatch(n.lower(), pattern.lower())]


def get_model_info(name: str) -> Model:
    """The metafile entry of a model (a copy: ``Name``, ``Config``, ...);
    ValueError naming the closest names if it is not in the zoo."""
    _require_str(name, 'get_model_info', 'name')
    zoo = _zoo()
    model = zoo.get(name.lower())
    if model is None:
        close = difflib.get_close_matches(name.lower(), zoo, n=5, cutoff=0.5)
        hint = (f'closest: {", ".join(zoo[c].name for c in close)}'
                if close else 'no name is close')
        raise ValueError(f'model {name!r} is not in se_plugin\'s zoo '
                         f'({hint}); se_plugin.list_models() lists all '
                         f'{len(zoo)}')
    return copy.deepcopy(model)


def get_config(name: str) -> Config:
    """The parsed config of a model in the zoo."""
    path = osp.join(CONFIG_ROOT, get_model_info(name).config)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'model {name!r}: its metafile names config {path}, which does '
            f'not exist')
    return Config.fromfile(path)


def get_model(name: str, pretrained: Union[None, str, os.PathLike] = None,
              **overrides) -> torch.nn.Module:
    """Build a model of the zoo (:func:`se_plugin.apis.build.build_model`).

    Args:
        name (str): A name from :func:`list_models` (case-insensitive).
        pretrained (str | PathLike, optional): A checkpoint (from
            ``tools/train.py`` or ``tools/model_converters/to_se_plugin.py``)
            that must fit exactly; the zoo publishes no weights, so ``True``
            is refused.
        **overrides: Merged into the config's ``model`` before it is built,
            e.g. ``head=dict(num_classes=10)``.

    Returns:
        torch.nn.Module: The model in eval mode, its config as ``model.cfg``.
    """
    if not isinstance(pretrained, (str, os.PathLike, type(None))):
        raise ValueError(
            f'pretrained={pretrained!r}: expected None or the path of a '
            f'checkpoint (se_plugin publishes no weights; convert the '
            f'published ones with tools/model_converters/to_se_plugin.py)')
    _require_str(name, 'get_model', 'name')
    if overrides:
        model = get_config(name).model
        for key, value in overrides.items():
            if isinstance(model.get(key), dict) and not isinstance(
                    value, (dict, type(None))):
                raise OptionError(
                    f'get_model({name!r}, {key}={value!r}): the config\'s '
                    f'model.{key} is a dict of options; allowed: a dict '
                    f'(merged into it, e.g. {key}=dict(...)) or None')
    return build_model(name, pretrained, **overrides)


def _require_str(value, function, arg, none=False):
    """Refuse a non-string (it would fail deep in a string method)."""
    if not isinstance(value, str) and not (none and value is None):
        allowed = 'a string or None' if none else 'a string'
        raise OptionError(f'{function}({arg}={value!r}): a '
                          f'{type(value).__name__}; allowed: {allowed}')
