"""The Squeeze-and-Excitation block (Hu et al., CVPR 2018 / TPAMI 2019)."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule

from se_plugin.ops import excite_kernel
from se_plugin.registry import MODELS
from se_plugin.utils.compat import capturing
from ..checks import (OptionError, check_bool, check_cfg, check_choice,
                      check_init_cfg, check_int, check_keys, check_number,
                      fail)
from . import fast

SQUEEZES = ('avg', 'max', 'none')
GATES = dict(sigmoid=nn.Sigmoid, tanh=nn.Tanh, relu=nn.ReLU,
             hsigmoid=nn.Hardsigmoid)

#: How each option of :class:`SELayer` (but ``in_channels``) is checked.
SE_CHECKS = dict(
    ratio=lambda key, v: check_number(key, v, 0, low_open=True),
    squeeze_channels=lambda key, v: check_int(key, v, 1, none=True),
    divisor=lambda key, v: check_int(key, v, 1, none=True),
    bias=check_bool,
    squeeze=lambda key, v: check_choice(key, v, SQUEEZES),
    gate=lambda key, v: check_choice(key, v, tuple(GATES)),
    act_cfg=check_cfg,
    cpu_kernel=check_bool,
    init_cfg=check_init_cfg)

#: The default reduction ratio, the paper's.
RATIO = 16


def check_se_options(name: str, **options) -> None:
    """Check :class:`SELayer` options (not ``in_channels``); ``name`` is
    their owner in the messages, e.g. ``'SEResNet.se_cfg'``."""
    for key, value in options.items():
        SE_CHECKS[key](f'{name}.{key}', value)
    # squeeze_channels sets the width alone: a ratio or divisor next to it
    # would be accepted and ignored.
    if options.get('squeeze_channels') is not None:
        for key, unset in (('ratio', RATIO), ('divisor', None)):
            if options.get(key, unset) != unset:
                raise OptionError(
                    f'{name}.{key}={options[key]!r} is not allowed with '
                    f'squeeze_channels={options["squeeze_channels"]!r}, '
                    f'which sets the squeeze width alone; allowed: '
                    f'{key}={unset!r} (the default)')


def check_se_cfg(name: str, se_cfg: Optional[dict]) -> None:
    """Check an ``se_cfg`` before anything is built: None (no SE),
    :class:`SELayer` options, or a registered ``type`` (which checks its
    own options)."""
    if se_cfg is None:
        return
    if not isinstance(se_cfg, dict):
        fail(name, se_cfg, 'a dict (SE options, dict() for the defaults) '
             'or None (no SE)')
    if 'type' in se_cfg:
        if MODELS.get(se_cfg['type']) is None:
            fail(f'{name}.type', se_cfg['type'], 'a module registered in '
                 "se_plugin's or a parent's MODELS registry")
        return
    check_keys(name, se_cfg, tuple(SE_CHECKS))
    check_se_options(name, **se_cfg)


def squeeze_width(in_channels: int,
                  ratio: float = 16,
                  squeeze_channels: Optional[int] = None,
                  divisor: Optional[int] = None) -> int:
    """Width of the excitation bottleneck: ``squeeze_channels`` if given,
    else ``floor(C / r)`` (the paper's), or with a ``divisor`` ``C / r``
    rounded to its nearest multiple, never below 90% (timm's, mmpretrain's).
    """
    check_se_options('squeeze_width', ratio=ratio,
                     squeeze_channels=squeeze_channels, divisor=divisor)
    if squeeze_channels is not None:
        return squeeze_channels
    if divisor is None:
        width = int(in_channels / ratio)
    else:
        value = in_channels / ratio
        width = max(divisor, int(value + divisor / 2) // divisor * divisor)
        if width < 0.9 * value:
            width += divisor
    if width < 1:
        raise ValueError(
            f'ratio={ratio!r} leaves a squeeze width of {width} for '
            f'in_channels={in_channels}; the width must be >= 1 (use a '
            f'ratio <= {in_channels} or set squeeze_channels)')
    return width


@MODELS.register_module()
class SELayer(BaseModule):
    """Squeeze-and-Excitation: ``x * gate(fc2(act(fc1(squeeze(x)))))``.

    The FCs are 1x1 convolutions, so the same weights serve the pooled
    (``N x C x 1 x 1``) and the NoSqueeze (``N x C x H x W``) variants. The
    first argument is ``in_channels``, so it is also an mmcv plugin layer,
    e.g. in mmdet's ``ResNet(plugins=[dict(cfg=dict(
    type='se_plugin.SELayer'), position='after_conv3')])``. The forward
    calls its modules (hooks, pruning, QAT and tracers see what runs); plain
    CPU inference takes :mod:`~se_plugin.models.blocks.fast` instead.

    Args:
        in_channels (int): Channels of the input (and output).
        ratio (float): Reduction ratio ``r``. Defaults to 16.
        squeeze_channels (int, optional): Explicit squeeze width, overriding
            ``ratio``. Defaults to None.
        divisor (int, optional): Round the squeeze width to a multiple of
            this. Defaults to None (``floor(C / r)``).
        bias (bool): Biases in both FC layers. Defaults to True.
        squeeze (str): ``'avg'`` (the paper's), ``'max'`` or ``'none'``
            (NoSqueeze: an excitation per position). Defaults to ``'avg'``.
        gate (str): ``'sigmoid'``, ``'tanh'``, ``'relu'`` or ``'hsigmoid'``.
            Defaults to ``'sigmoid'``.
        act_cfg (dict): Activation between the FCs (``delta`` in the
            paper). Defaults to ``dict(type='ReLU')``.
        cpu_kernel (bool): Let the fast path use one compiled kernel
            (:func:`se_plugin.ops.excite_kernel`, built with the layer) for
            the excitation and, in SE blocks, the residual tail. Needs the
            paper's SE (``'avg'``, ``'sigmoid'``, ReLU, biases). Defaults to
            False.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'se'

    def __init__(self,
                 in_channels: int,
                 ratio: float = 16,
                 squeeze_channels: Optional[int] = None,
                 divisor: Optional[int] = None,
                 bias: bool = True,
                 squeeze: str = 'avg',
                 gate: str = 'sigmoid',
                 act_cfg: dict = dict(type='ReLU'),
                 cpu_kernel: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        check_int('SELayer.in_channels', in_channels, 1)
        check_se_options(
            'SELayer', ratio=ratio, squeeze_channels=squeeze_channels,
            divisor=divisor, bias=bias, squeeze=squeeze, gate=gate,
            act_cfg=act_cfg, cpu_kernel=cpu_kernel, init_cfg=init_cfg)
        self.in_channels = in_channels
        self.squeeze = squeeze
        self.squeeze_channels = squeeze_width(in_channels, ratio,
                                              squeeze_channels, divisor)
        self.fc1 = nn.Conv2d(in_channels, self.squeeze_channels, 1, bias=bias)
        try:
            self.act = build_activation_layer(act_cfg)
        except KeyError as e:  # a type no registry holds
            fail('SELayer.act_cfg', act_cfg, f'an activation config ({e})')
        self.fc2 = nn.Conv2d(self.squeeze_channels, in_channels, 1, bias=bias)
        self.gate = GATES[gate]()
        if cpu_kernel:
            for key, value, allowed, ok in (
                ('squeeze', squeeze, 'avg', squeeze == 'avg'),
                ('gate', gate, 'sigmoid', gate == 'sigmoid'),
                ('act_cfg', act_cfg, "dict(type='ReLU')",
                 type(self.act) is nn.ReLU), ('bias', bias, True, bias)):
                if not ok:
                    raise ValueError(
                        f'cpu_kernel=True computes the paper\'s SE only: '
                        f'{key}={value!r} is not supported; allowed: '
                        f'{allowed!r}')
            excite_kernel()  # build now: errors show when the model is built
        self.cpu_kernel = cpu_kernel

    def check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError unless ``x`` is ``N x C x H x W`` with this
        layer's ``C`` and ``H, W >= 1``. Shapes only; skipped while captured
        into a graph, where sizes are symbolic."""
        if capturing():
            return
        shape = x.shape
        if (len(shape) == 4 and shape[1] == self.in_channels
                and shape[2] > 0 and shape[3] > 0):
            return
        raise ValueError(
            f'SELayer(in_channels={self.in_channels}) takes N x '
            f'{self.in_channels} x H x W tensors with H, W >= 1; got shape '
            f'{tuple(x.shape)}')

    def excite(self, x: torch.Tensor) -> torch.Tensor:
        """The gate values: ``N x C x 1 x 1`` (``N x C x H x W`` for
        ``squeeze='none'``)."""
        if self.squeeze == 'avg':
            x = x.mean((2, 3), keepdim=True)
        elif self.squeeze == 'max':
            x = x.amax((2, 3), keepdim=True)
        return self.gate(self.fc2(self.act(self.fc1(x))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        if fast.applies(self, x):
            return x * fast.excite(self, x)
        return x * self.excite(x)

    def extra_repr(self) -> str:
        kernel = ', cpu_kernel=True' if self.cpu_kernel else ''
        return f'squeeze={self.squeeze!r}{kernel}'
