"""Renaming a peer's state-dict keys into se_plugin's layout with
``(pattern, replacement)`` rules per layout; a key no rule matches fails
the conversion (an unknown checkpoint is refused, not half-converted)."""
import re
from typing import Callable, Dict, List, Tuple, Union

import torch

from ..engine.errors import ConversionError

Rules = List[Tuple[str, Union[str, Callable]]]

_BLOCK = r'(layer\d\.\d+)'


def _cadene_rules(backbone: dict) -> Rules:
    # Cadene's pretrainedmodels / timm's legacy senet.py.
    if backbone.get('deep_stem'):  # SENet-154's three 3x3 convs
        stem = [(rf'^layer0\.{kind}{i + 1}\.', f'backbone.stem.{i}.{name}.')
                for i in range(3)
                for kind, name in (('conv', 'conv'), ('bn', 'bn'))]
    else:
        stem = [(r'^layer0\.(conv1|bn1)\.', r'backbone.\1.')]
    return stem + [
        (rf'^{_BLOCK}\.se_module\.(fc\d)\.', r'backbone.\1.se.\2.'),
        (rf'^{_BLOCK}\.((conv|bn)\d|downsample\.[01])\.', r'backbone.\1.\2.'),
        (r'^last_linear\.', 'head.fc.'),
    ]


def _resnet_flags(backbone: dict) -> dict:
    """The stem / shortcut options of a backbone config, also when it is
    a ResNet wrapped by ``se_plugin.Attach``."""
    host = backbone.get('host', backbone)
    return dict(deep_stem=True, avg_down=True, **host) if host.get(
        'type', '').endswith('ResNetV1d') else host


def _resnet_rules(backbone: dict) -> Rules:
    # torchvision's resnet.py and timm's resnet.py.
    backbone = _resnet_flags(backbone)
    if backbone.get('deep_stem'):
        stem = [(rf'^conv1\.{i}\.', f'backbone.stem.{j}.{kind}.')
                for i, j, kind in ((0, 0, 'conv'), (1, 0, 'bn'),
                                   (3, 1, 'conv'), (4, 1, 'bn'),
                                   (6, 2, 'conv'))]
        stem.append((r'^bn1\.', 'backbone.stem.2.bn.'))
    else:
        stem = [(r'^(conv1|bn1)\.', r'backbone.\1.')]
    if backbone.get('avg_down'):
        # timm's avg-down shortcut is (pool, conv, BN) in every stage, the
        # pool an Identity in stage 1; mmpretrain leaves the pool out there.
        down = [(rf'^(layer1\.\d+)\.downsample\.{i + 1}\.',
                 rf'backbone.\1.downsample.{i}.') for i in range(2)]
        down.append((rf'^{_BLOCK}\.downsample\.([12])\.',
                     r'backbone.\1.downsample.\2.'))
    else:
        down = [(rf'^{_BLOCK}\.downsample\.([01])\.',
                 r'backbone.\1.downsample.\2.')]
    return stem + down + [
        # SE's fc1/fc2, ECA's conv, CBAM's channel.fc1/2 and spatial.conv.
        (rf'^{_BLOCK}\.((conv|bn)\d|se\.(fc\d|conv|channel|spatial))\.',
         r'backbone.\1.\2.'),
        (r'^fc\.', 'head.fc.'),
    ]


def _mmpretrain_rules(backbone: dict) -> Rules:
    return [(r'^(backbone\..*)\.se_layer\.conv(\d)\.conv\.', r'\1.se.fc\2.'),
            (r'^((backbone|head)\.)', r'\1')]


def _regnet_rules(backbone: dict) -> Rules:
    # timm's regnet.py: stages s1.., blocks b1.., ConvNormAct (conv, bn)
    # modules; mmpretrain's RegNet: layer1.., 0.., conv1/bn1, downsample.0/1.
    def block(name):
        return lambda m: (f'backbone.layer{m[1]}.{int(m[2]) - 1}.' +
                          name.format(*m.groups()[2:]))

    b = r'^s(\d)\.b(\d+)\.'
    return [
        (r'^stem\.(conv|bn)\.', r'backbone.\g<1>1.'),
        (b + r'conv(\d)\.(conv|bn)\.', block('{1}{0}.')),
        (b + r'se\.(fc\d)\.', block('se.{}.')),
        (b + r'downsample\.conv\.', block('downsample.0.')),
        (b + r'downsample\.bn\.', block('downsample.1.')),
        (r'^head\.fc\.', 'head.fc.'),
    ]


LAYOUT_RULES = dict(cadene=_cadene_rules, resnet=_resnet_rules,
                    mmpretrain=_mmpretrain_rules, regnet=_regnet_rules)


def rename_keys(state_dict: Dict[str, torch.Tensor], layout: str,
                backbone: dict) -> Dict[str, torch.Tensor]:
    """``state_dict`` renamed from ``layout`` (a key of :data:`LAYOUT_RULES`)
    for the ``backbone`` config; ValueError for keys matching no rule."""
    rules = [(re.compile(p), r) for p, r in LAYOUT_RULES[layout](backbone)]
    out, unknown = {}, []
    for key, value in state_dict.items():
        for pattern, repl in rules:
            if pattern.match(key):
                out[pattern.sub(repl, key, count=1)] = value
                break
        else:
            unknown.append(key)
    if unknown:
        raise ConversionError(
            f'{len(unknown)} keys are not in the {layout!r} layout, e.g. '
            f'{unknown[:5]}; is this checkpoint from the model you named?')
    return out
