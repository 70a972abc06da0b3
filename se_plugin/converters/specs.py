"""Which se_plugin architecture reproduces each peer model: a checkpoint
records no strides or stem pooling, so the model name picks them."""
from typing import NamedTuple

from mmengine.config import Config
from mmengine.hub import get_config

from ..engine.errors import ConversionError, fail

#: Key layouts (see :mod:`se_plugin.converters.keys`).
LAYOUTS = ('cadene', 'resnet', 'mmpretrain', 'regnet')

# timm's SEModule rounds C/16 to a multiple of 8 (16 -> 8 channels for
# SE-ResNet-18's first stage); the Caffe ports floor it (4 channels).
TIMM_SE = dict(ratio=16, divisor=8)
CAFFE_SE = dict(ratio=16)


class Spec(NamedTuple):
    """How to convert one peer model: its key ``layout`` (:data:`LAYOUTS`),
    se_plugin's ``backbone`` config, the ``base`` config the emitted one
    inherits (data, evaluator, schedule) and ``head`` options beyond the
    size (which the weights give)."""
    layout: str
    backbone: dict
    base: str = 'mmpretrain::resnet/resnet50_8xb32_in1k.py'
    head: dict = {}


# Options that only se_plugin.converters' Ported* backbones have.
_PORTED_ONLY = ('stem_pool', 'residual_relu')

# SENet-154 drops 20% of the pooled features before its classifier.
_SENET154_HEAD = dict(type='se_plugin.DropoutLinearClsHead', dropout_rate=0.2)


def _seresnet(depth, layout='resnet', **kwargs):
    ported = depth > 152 or any(k in kwargs for k in _PORTED_ONLY)
    return Spec(layout, dict(type=f"se_plugin.{'Ported' * ported}SEResNet",
                             depth=depth, **kwargs))


def _seresnext(depth, groups, width, layout='resnet', **kwargs):
    ported = depth < 50 or any(k in kwargs for k in _PORTED_ONLY)
    return Spec(layout, dict(
        type=f"se_plugin.{'Ported' * ported}SEResNeXt", depth=depth,
        groups=groups, width_per_group=width, **kwargs))


def _cadene(build, *args, **kwargs):
    # The Caffe SENets pool their stem with ceil_mode and no padding.
    return build(*args, layout='cadene', stem_pool='caffe', se_cfg=CAFFE_SE,
                 **kwargs)


_TIMM_D = dict(deep_stem=True, avg_down=True)

TIMM = {
    # Caffe ports: SE-ResNet strides in the first 1x1 conv ('caffe'),
    # SE-ResNeXt in the 3x3 conv ('pytorch'). timm trained the 18/34 and
    # 26 in this layout, with a ReLU before SE in the basic block.
    'legacy_seresnet18': _cadene(_seresnet, 18, residual_relu=True),
    'legacy_seresnet34': _cadene(_seresnet, 34, residual_relu=True),
    **{f'legacy_seresnet{d}': _cadene(_seresnet, d, style='caffe')
       for d in (50, 101, 152)},
    'legacy_seresnext26_32x4d': _cadene(_seresnext, 26, 32, 4),
    'legacy_seresnext50_32x4d': _cadene(_seresnext, 50, 32, 4),
    'legacy_seresnext101_32x4d': _cadene(_seresnext, 101, 32, 4),
    'legacy_senet154': Spec('cadene', dict(
        type='se_plugin.PortedSENet154', deep_stem=True, stem_pool='caffe',
        se_cfg=CAFFE_SE), head=_SENET154_HEAD),
    # timm's ResNet with attn_layer='se'.
    **{f'seresnet{d}': _seresnet(d, se_cfg=TIMM_SE)
       for d in (18, 34, 50, 101, 152)},
    **{f'seresnet{d}d': _seresnet(d, se_cfg=TIMM_SE, **_TIMM_D)
       for d in (152, 200, 269)},
    'seresnext26d_32x4d': _seresnext(26, 32, 4, se_cfg=TIMM_SE, **_TIMM_D),
    'seresnext50_32x4d': _seresnext(50, 32, 4, se_cfg=TIMM_SE),
    'seresnext101_32x4d': _seresnext(101, 32, 4, se_cfg=TIMM_SE),
    'seresnext101_32x8d': _seresnext(101, 32, 8, se_cfg=TIMM_SE),
    'seresnext101d_32x8d': _seresnext(101, 32, 8, se_cfg=TIMM_SE, **_TIMM_D),
    'seresnext101_64x4d': _seresnext(101, 64, 4, se_cfg=TIMM_SE),
    # timm's ResNet form of SENet-154: padded stem pooling, SE width
    # rounded to 8 (the same widths as the Caffe model's).
    'senet154': Spec('resnet', dict(type='se_plugin.SENet154', deep_stem=True,
                                    se_cfg=TIMM_SE), head=_SENET154_HEAD),
}


def _attach(host: dict, **insert) -> dict:
    return dict(type='se_plugin.Attach', host=host, inserts=[insert])


def _ecaresnet(depth):
    # timm's ResNet-D with ECA in each bottleneck's attention slot: after
    # the last BN of the residual branch, before the sum.
    return Spec('resnet', _attach(
        dict(type='mmpretrain.ResNetV1d', depth=depth), at='layer*.*',
        after='bn3', se_cfg=dict(type='se_plugin.ECALayer')))


#: RegNetY's SE: after the 3x3 group conv (+BN+ReLU), i.e. on the input of
#: conv3, with a squeeze width of 1/4 of the block's input channels.
REGNETY_SE = dict(at='layer*.*', before='conv3', ratio_of='block_input',
                  se_cfg=dict(ratio=4))


def _regnety(w0, wa, wm, group_w, depth):
    arch = dict(w0=w0, wa=wa, wm=wm, group_w=group_w, depth=depth, bot_mul=1.0)
    return Spec('regnet', _attach(dict(type='mmpretrain.RegNet', arch=arch),
                                  **REGNETY_SE))


TIMM.update({
    'ecaresnet50d': _ecaresnet(50),
    'ecaresnet101d': _ecaresnet(101),
    # timm's regnet.py model_cfgs (its group_size is mmpretrain's group_w).
    'regnety_002': _regnety(24, 36.44, 2.49, 8, 13),
    'regnety_004': _regnety(48, 27.89, 2.09, 8, 16),
    'regnety_006': _regnety(48, 32.54, 2.32, 16, 15),
    'regnety_008': _regnety(56, 38.84, 2.4, 16, 14),
    'regnety_016': _regnety(48, 20.71, 2.65, 24, 27),
    'regnety_032': _regnety(80, 42.63, 2.66, 24, 21),
    'regnety_040': _regnety(96, 31.41, 2.24, 64, 22),
    'regnety_064': _regnety(112, 33.22, 2.27, 72, 25),
    'regnety_080': _regnety(192, 76.82, 2.19, 56, 17),
    'regnety_120': _regnety(168, 73.36, 2.37, 112, 19),
    'regnety_160': _regnety(200, 106.23, 2.48, 112, 18),
    'regnety_320': _regnety(232, 115.89, 2.53, 232, 20),
})

#: timm SE models whose architecture se_plugin cannot express, and why.
TIMM_UNSUPPORTED = {name: why for why, names in {
    'its tiered deep stem (24-32-64 channels)': (
        'seresnet50t', 'seresnext26t_32x4d', 'ecaresnet26t', 'ecaresnet50t'),
    'its anti-aliasing average pools': (
        'seresnetaa50d', 'seresnextaa101d_32x8d', 'seresnextaa201d_32x8d'),
    'it is a ByobNet, not a ResNet': ('seresnet33ts', 'seresnext26ts'),
    'its stage depths (1, 1, 11, 3)': ('ecaresnetlight', ),
    'its pruned channel widths': ('ecaresnet50d_pruned',
                                  'ecaresnet101d_pruned'),
    "its depth: mmpretrain's ResNet has no 200": ('ecaresnet200d', ),
    "its depth: mmpretrain's ResNet has no 269": ('ecaresnet269d', ),
    'its group widths (group_min_ratio=0.9)': ('regnety_008_tv',
                                               'regnety_080_tv'),
    'its pre-activation blocks and ScaledStd convs': ('regnety_040_sgn', ),
}.items() for name in names}

TORCHVISION = {f'resnet{d}': _seresnet(d, se_cfg=None)
               for d in (18, 34, 50, 101, 152)}
TORCHVISION.update({f'resnext{d}_{g}x{w}d': _seresnext(d, g, w, se_cfg=None)
                    for d, g, w in ((50, 32, 4), (101, 32, 8), (101, 64, 4))})

# mmpretrain backbone type -> (se_plugin type, options it implies).
MMPRETRAIN_TYPES = {
    'ResNet': ('SEResNet', dict(se_cfg=None)),
    'ResNetV1c': ('SEResNet', dict(se_cfg=None, deep_stem=True)),
    'ResNetV1d': ('SEResNet', dict(se_cfg=None, deep_stem=True,
                                   avg_down=True)),
    'ResNeXt': ('SEResNeXt', dict(se_cfg=None)),
    'SEResNet': ('SEResNet', {}),
    'SEResNeXt': ('SEResNeXt', {}),
}


def mmpretrain_spec(arch: str) -> Spec:
    """The spec of an mmpretrain model-zoo name or config; its SE rounds
    ``C // se_ratio`` to a multiple of 8, its SEResNeXt always uses 16."""
    cfg_path = _mmpretrain_config(arch)
    cfg = get_config(cfg_path) if '::' in cfg_path else \
        Config.fromfile(cfg_path)
    backbone = dict(cfg.model.backbone)
    kind = backbone.pop('type').removeprefix('mmpretrain.')
    if kind not in MMPRETRAIN_TYPES:
        raise ConversionError(
            f'backbone type={kind!r} of {arch!r} has no se_plugin '
            f'equivalent; allowed: {tuple(MMPRETRAIN_TYPES)}')
    target, implied = MMPRETRAIN_TYPES[kind]
    se_ratio = backbone.pop('se_ratio', 16)
    se_cfg = dict(ratio=16 if kind == 'SEResNeXt' else se_ratio, divisor=8)
    backbone = {'type': f'se_plugin.{target}', 'se_cfg': se_cfg, **implied,
                **backbone}
    return Spec('mmpretrain', backbone, base=cfg_path)


def _mmpretrain_config(arch: str) -> str:
    if arch.endswith('.py'):
        return arch
    from mmpretrain import list_models
    from mmpretrain.apis import ModelHub
    if arch not in list_models():
        raise ConversionError(
            f'arch={arch!r} is neither an mmpretrain model name (see '
            'mmpretrain.list_models()) nor a config file (*.py)')
    path = ModelHub.get(arch).config.filename
    # Inherit through the package scope so the emitted config is portable.
    return 'mmpretrain::' + path.split('/.mim/configs/', 1)[1]


def get_spec(source: str, arch: str) -> Spec:
    """The :class:`Spec` that converts ``arch`` of ``source`` (``'timm'``,
    ``'torchvision'``, ``'mmpretrain'``); ValueError if none can."""
    if source == 'mmpretrain':
        return mmpretrain_spec(arch)
    tables = {'timm': TIMM, 'torchvision': TORCHVISION}
    if source not in tables:
        fail('source', source, tuple(tables) + ('mmpretrain', ),
             ConversionError)
    name = arch.split('.')[0]  # timm's 'name.tag', e.g. '.in1k'
    if source == 'timm' and name in TIMM_UNSUPPORTED:
        raise ConversionError(f'arch={arch!r} cannot be converted: se_plugin '
                              f'has no equivalent of {TIMM_UNSUPPORTED[name]}')
    if name not in tables[source]:
        raise ConversionError(f'arch={arch!r} is not supported for source='
                              f'{source!r}; allowed: {tuple(tables[source])}')
    return tables[source][name]
