"""Convert a peer's checkpoint and write the se_plugin config that runs it."""
from typing import Dict, NamedTuple

import torch
from mmengine.config import Config

from ..apis.build import build_model
from ..engine.errors import ConversionError
from ..engine.loading import read_checkpoint, state_mismatch
from .keys import rename_keys
from .specs import Spec, get_spec

#: Where training frameworks nest the weights inside a checkpoint.
_NESTED = ('state_dict', 'model', 'state_dict_ema')


class Converted(NamedTuple):
    """A converted checkpoint: the ``state_dict`` in se_plugin's
    ``ImageClassifier`` layout, the ``config`` text of the matching model."""
    state_dict: Dict[str, torch.Tensor]
    config: str


def load_weights(path: str) -> Dict[str, torch.Tensor]:
    """The state dict of a checkpoint file: raw (timm, torchvision,
    safetensors) or nested under ``state_dict``/``model``."""
    ckpt = read_checkpoint(path)  # a dict
    for key in _NESTED:
        if isinstance(ckpt.get(key), dict):
            return ckpt[key]
    if not all(isinstance(v, torch.Tensor) for v in ckpt.values()):
        raise ConversionError(f'{path} holds no state dict (tensors by name, '
                              f'possibly under one of {_NESTED})')
    return ckpt


def config_text(spec: Spec, state_dict: Dict[str, torch.Tensor]) -> str:
    """The config that builds se_plugin's model for ``spec``: the base
    config with the backbone swapped and a head sized to the weights."""
    num_classes, in_channels = state_dict['head.fc.weight'].shape
    model = dict(backbone=dict(_delete_=True, **spec.backbone), head=dict(
        spec.head, num_classes=num_classes, in_channels=in_channels))
    return f'_base_ = {spec.base!r}\n' + Config(dict(model=model)).pretty_text


def check_weights_fit(model: torch.nn.Module,
                      state_dict: Dict[str, torch.Tensor], arch: str) -> None:
    """Raise a ConversionError unless ``state_dict`` fits ``model`` exactly
    (the check of ``tools/test.py``,
    :func:`se_plugin.engine.loading.state_mismatch`)."""
    if mismatch := state_mismatch(model.state_dict(), state_dict):
        raise ConversionError(
            f'the checkpoint does not fit arch={arch!r}: {mismatch}')


def convert(state_dict: Dict[str, torch.Tensor], source: str, arch: str,
            check: bool = True) -> Converted:
    """Convert a peer model's weights into se_plugin's layout.

    Args:
        state_dict (dict): The peer's state dict.
        source (str): ``'timm'``, ``'torchvision'`` or ``'mmpretrain'``.
        arch (str): The peer's model name, e.g. ``'legacy_seresnet50'``
            (timm), ``'resnet50'`` (torchvision), ``'seresnet50_8xb32_in1k'``
            or an mmpretrain config path.
        check (bool): Build the target model and require every key and
            shape to match. Defaults to True.

    Returns:
        Converted: The state dict and the config text of the matching model;
        ConversionError for an unknown source or arch, keys outside the
        layout or weights that do not fit.
    """
    spec = get_spec(source, arch)
    converted = rename_keys(state_dict, spec.layout, spec.backbone)
    if 'head.fc.weight' not in converted:
        raise ConversionError(f'the checkpoint has no classifier weights for '
                              f'arch={arch!r} (no key maps to head.fc.weight)')
    config = config_text(spec, converted)
    if check:
        check_weights_fit(
            build_model(Config.fromstring(config, '.py')), converted, arch)
    return Converted(converted, config)
