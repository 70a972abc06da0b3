"""The Squeeze-and-Excitation module (Hu et al., CVPR 2018 / TPAMI 2019);
its fast path: docs/user_guides/speed.md."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule

from se_plugin.ops import excite_kernel
from se_plugin.registry import MODELS
from se_plugin.utils.compat import capturing
from ..checks import BOOL, Checked, Choice, Int, Num, OptionError, fail
from . import fast

SQUEEZES = ('avg', 'max', 'none')
GATES = dict(sigmoid=nn.Sigmoid, tanh=nn.Tanh, relu=nn.ReLU,
             hsigmoid=nn.Hardsigmoid)
RATIO = 16  # the paper's reduction ratio


def _alone(rule, default):
    """``rule``, and only ``default`` beside ``squeeze_channels`` (which sets
    the width alone: anything else would be accepted and ignored)."""

    def check(name, value, opts):
        rule(name, value, opts)
        width = opts['squeeze_channels']
        if width is not None and value != default:
            fail(name, value, f"{name.rpartition('.')[2]}={default!r} (the "
                 f'default) with squeeze_channels={width!r}, which sets the '
                 'width alone')

    return check


def _paper_se(name, value, opts):
    """cpu_kernel=True computes the paper's SE only."""
    BOOL(name, value, opts)
    bad = [f'{k}={opts[k]!r}' for k, ok in (
        ('squeeze', opts['squeeze'] == 'avg'),
        ('gate', opts['gate'] == 'sigmoid'),
        ('act_cfg', opts['act_cfg'].get('type') in ('ReLU', nn.ReLU)),
        ('bias', opts['bias'] is True)) if not ok]
    if value and bad:
        fail(name, value, f"False with {', '.join(bad)} (the kernel computes "
             "the paper's SE: 'avg', 'sigmoid', ReLU, biases)")


def squeeze_width(in_channels: int, ratio: float = 16,
                  squeeze_channels: Optional[int] = None,
                  divisor: Optional[int] = None) -> int:
    """``squeeze_channels``, else ``floor(C / r)`` (the paper's), or with a
    ``divisor`` ``C / r`` rounded to a multiple, never below 90% (timm's)."""
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
        raise OptionError(
            f'ratio={ratio!r} leaves a squeeze width of {width} for '
            f'in_channels={in_channels}; the width must be >= 1 (use a '
            f'ratio <= {in_channels} or set squeeze_channels)')
    return width


@MODELS.register_module()
class SELayer(Checked, BaseModule):
    """Squeeze-and-Excitation: ``x * gate(fc2(act(fc1(squeeze(x)))))``.

    The FCs are 1x1 convs (also the NoSqueeze variant's); ``in_channels``
    first, so it is an mmcv plugin too. The forward calls its modules; plain
    CPU inference takes :mod:`~se_plugin.models.blocks.fast`.

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
        cpu_kernel (bool): Let the fast path use the compiled kernel
            :func:`se_plugin.ops.excite_kernel` (built with the layer); needs
            the paper's SE (avg, sigmoid, ReLU, biases). Defaults to False.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'se'
    options = dict(
        in_channels=Int(1), squeeze_channels=Int(1, none=True),
        ratio=_alone(Num(0, low_open=True), RATIO),
        divisor=_alone(Int(1, none=True), None), bias=BOOL,
        squeeze=Choice(*SQUEEZES), gate=Choice(*GATES), cpu_kernel=_paper_se)

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
            excite_kernel()  # build now: errors show when the model is built
        self.cpu_kernel = cpu_kernel

    def check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError unless ``x`` is ``N x C x H x W``, H, W >= 1
        (skipped while captured into a graph, where sizes are symbolic)."""
        s = x.shape
        if not capturing() and not (len(s) == 4 and s[1] == self.in_channels
                                    and s[2] > 0 and s[3] > 0):
            raise ValueError(
                f'SELayer(in_channels={self.in_channels}) takes N x '
                f'{self.in_channels} x H x W tensors with H, W >= 1; got '
                f'shape {tuple(s)}')

    def excite(self, x: torch.Tensor) -> torch.Tensor:
        """The gate: ``N x C x 1 x 1`` (``N x C x H x W`` if no squeeze)."""
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
