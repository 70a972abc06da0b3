"""The Squeeze-and-Excitation block (Hu et al., CVPR 2018 / TPAMI 2019)."""
from functools import partial
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule

from se_plugin.ops import excite_kernel, kernel_layout
from se_plugin.registry import MODELS
from se_plugin.utils.compat import is_compiling, is_exporting
from ..checks import (OptionError, check_bool, check_cfg, check_choice,
                      check_init_cfg, check_int, check_keys, check_number,
                      fail)

SQUEEZES = ('avg', 'max', 'none')


class InplaceSigmoid(nn.Sigmoid):
    """``nn.Sigmoid`` written into its input.

    The gate's input is the fresh output of the second FC, and the sigmoid's
    gradient needs only its output, so nothing is lost by overwriting it.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sigmoid_()


GATES = {
    'sigmoid': InplaceSigmoid,
    'tanh': nn.Tanh,
    'relu': partial(nn.ReLU, inplace=True),
    'hsigmoid': partial(nn.Hardsigmoid, inplace=True),
}

#: Activation modules -> the in-place function computing their forward.
IN_PLACE = {
    nn.ReLU: torch.relu_,
    nn.Sigmoid: torch.sigmoid_,
    InplaceSigmoid: torch.sigmoid_,
    nn.Tanh: torch.tanh_,
}


def activate_(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``module(x)``, written into ``x`` if ``module`` is a plain activation
    of :data:`IN_PLACE` without hooks of its own.

    For SE's pooled vector, a fresh tensor the caller owns. Calling the
    in-place function skips nn.Module's call machinery, which at batch 1 on
    a CPU costs more than the operator (timed inside SE-ResNet-50: ReLU 43
    -> 30 us, sigmoid 33 -> 27 us per call). A module with forward hooks (e.g.
    :class:`se_plugin.analysis.ExcitationRecorder`'s) is called as usual.
    """
    fn = IN_PLACE.get(type(module))
    if fn is None or has_hooks(module):
        return module(x)
    return fn(x)


def exporting() -> bool:
    """Whether the call is being traced into a graph for export or analysis:
    ``torch.jit.trace`` (the TorchScript ONNX exporter, mmengine's FLOP
    counter), ``torch.onnx.export`` or ``torch.export`` (the ``dynamo=True``
    ONNX exporter, strict or not)."""
    return (torch.jit.is_tracing() or torch.onnx.is_in_onnx_export()
            or is_exporting())


def has_hooks(module: nn.Module) -> bool:
    return bool(module._forward_hooks or module._forward_pre_hooks)


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
    """Check any of :class:`SELayer`'s options (not ``in_channels``) by type
    and range.

    Args:
        name (str): Owner in the messages, e.g. ``'SEResNet.se_cfg'``.
        **options: The options to check.
    """
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
    """Check a block's or backbone's ``se_cfg`` before anything is built.

    Args:
        name (str): Owner in the messages, e.g. ``'SEVGG.se_cfg'``.
        se_cfg (dict, optional): None (no SE), :class:`SELayer`'s options
            (their keys and values are checked) or a config with a ``type``
            of any registered module (which checks its own options).
    """
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
    """Width of the excitation bottleneck, ``C / r`` unless given.

    Args:
        in_channels (int): Channels ``C`` of the recalibrated tensor.
        ratio (float): Reduction ratio ``r``. Defaults to 16.
        squeeze_channels (int, optional): Explicit width; overrides ``ratio``.
        divisor (int, optional): Round ``C / r`` to the nearest multiple of
            ``divisor`` (never below 90% of it), as timm and mmpretrain do.
            ``None`` keeps ``floor(C / r)``, the paper's widths.

    Returns:
        int: The squeeze width.
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


def _matmul(x: torch.Tensor,
            fc: nn.Conv2d,
            alpha: float = 1.0) -> torch.Tensor:
    """``alpha * x @ W.T + b`` for a 1x1 convolution ``fc`` and ``N x C``
    ``x``: the convolution on a 1x1 input, as one matrix product."""
    weight, bias = fc.weight.flatten(1).t(), fc.bias
    if bias is not None:
        return torch.addmm(bias, x, weight, alpha=alpha)
    out = torch.mm(x, weight)
    return out.mul_(alpha) if alpha != 1.0 else out


@MODELS.register_module()
class SELayer(BaseModule):
    """Squeeze-and-Excitation: ``x * gate(W2 act(W1 squeeze(x))))``.

    The two fully connected layers are 1x1 convolutions, so the same weights
    serve the pooled (``N x C x 1 x 1``) and the NoSqueeze (``N x C x H x W``)
    variants. Its first argument is ``in_channels``, so it is also an mmcv
    plugin layer, e.g. for mmdet's ``ResNet(plugins=[dict(cfg=dict(
    type='se_plugin.SELayer'), position='after_conv3')])``.

    Args:
        in_channels (int): Channels of the input (and output).
        ratio (float): Reduction ratio ``r``. Defaults to 16.
        squeeze_channels (int, optional): Explicit squeeze width, overriding
            ``ratio``. Defaults to None.
        divisor (int, optional): Round the squeeze width to a multiple of
            this. Defaults to None (``floor(C / r)``).
        bias (bool): Biases in both FC layers. Defaults to True.
        squeeze (str): ``'avg'`` (global average pooling, the paper's),
            ``'max'`` (global max pooling) or ``'none'`` (the NoSqueeze
            ablation: the excitation is computed at every position).
            Defaults to ``'avg'``.
        gate (str): ``'sigmoid'``, ``'tanh'``, ``'relu'`` or ``'hsigmoid'``.
            Defaults to ``'sigmoid'``.
        act_cfg (dict): Activation between the FC layers (``delta`` in the
            paper). Defaults to ``dict(type='ReLU', inplace=True)``.
        cpu_kernel (bool): Compute the excitation of grad-free float32 CPU
            calls (inference) with one compiled kernel
            (:func:`se_plugin.ops.excite_kernel`, built when the layer is)
            instead of about six PyTorch operators: at batch 1 their fixed
            costs are most of what SE costs. In an SE residual block at the
            standard placement, ``relu(identity + x * gate)`` is then one
            compiled pass too. Other calls (autograd, GPU, other dtypes,
            tracing, torch.compile, hooked ``act``/``gate``) use the
            operators. Needs the paper's SE: ``squeeze='avg'``,
            ``gate='sigmoid'``, a ReLU ``act_cfg`` and ``bias=True``.
            Defaults to False.
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
                 act_cfg: dict = dict(type='ReLU', inplace=True),
                 cpu_kernel: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        check_int('SELayer.in_channels', in_channels, 1)
        check_se_options(
            'SELayer',
            ratio=ratio,
            squeeze_channels=squeeze_channels,
            divisor=divisor,
            bias=bias,
            squeeze=squeeze,
            gate=gate,
            act_cfg=act_cfg,
            cpu_kernel=cpu_kernel,
            init_cfg=init_cfg)
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
            needs = dict(
                squeeze=(squeeze, 'avg', squeeze == 'avg'),
                gate=(gate, 'sigmoid', gate == 'sigmoid'),
                act_cfg=(act_cfg, "dict(type='ReLU')",
                         type(self.act) is nn.ReLU),
                bias=(bias, True, bias is True))
            for key, (value, allowed, ok) in needs.items():
                if not ok:
                    raise ValueError(
                        f'cpu_kernel=True computes the paper\'s SE only: '
                        f'{key}={value!r} is not supported; allowed: '
                        f'{allowed!r}')
            excite_kernel()  # build now: errors show when the model is built
        self.cpu_kernel = cpu_kernel

    def kernel_applies(self, x: torch.Tensor) -> bool:
        """Whether ``cpu_kernel=True`` computes this call on ``x``: no
        autograd, a float32 CPU tensor, eager (not traced, exported or
        compiled), and no hooks on ``act`` or ``gate`` that the kernel would
        skip."""
        return (self.cpu_kernel and not torch.is_grad_enabled()
                and x.device.type == 'cpu' and x.dtype == torch.float32
                and not exporting() and not is_compiling()
                and not has_hooks(self.act) and not has_hooks(self.gate))

    def excite(self, x: torch.Tensor) -> torch.Tensor:
        """The gate values ``s``: ``N x C x 1 x 1`` (``N x C x H x W`` for
        ``squeeze='none'``)."""
        if self.squeeze == 'none' or exporting():
            return self.excite_graph(x)
        if self.kernel_applies(x):
            if not kernel_layout(x):
                x = x.contiguous()
            fc1, fc2 = self.fc1, self.fc2
            return excite_kernel().excite(x, fc1.weight, fc1.bias,
                                          fc2.weight, fc2.bias)
        # The pooled N x C vector goes through the FCs (stored as 1x1
        # convolutions) as matrix products. On the CPU each of these small
        # operators costs far more than its arithmetic (caches are cold
        # after the large convolutions around it), so the excitation is
        # few of them: a sum whose 1 / HW rides on the first product, two
        # addmm, the activation and the gate in place.
        if self.squeeze == 'max':
            s, alpha = x.amax((2, 3)), 1.0
        elif x.dtype == torch.float16:  # a float16 sum over H x W overflows
            s, alpha = x.mean((2, 3)), 1.0
        else:
            s, alpha = x.sum((2, 3)), 1.0 / (x.shape[2] * x.shape[3])
        s = _matmul(activate_(self.act, _matmul(s, self.fc1, alpha)),
                    self.fc2)
        return activate_(self.gate, s.view(*s.shape, 1, 1))

    def check_input(self, x: torch.Tensor) -> None:
        """Raise a ValueError unless ``x`` is ``N x C x H x W`` with this
        layer's ``C`` and ``H, W >= 1`` (``N = 0`` is fine).

        Shape comparisons only, no work per element and no device sync.
        Skipped while traced or exported (:func:`exporting`), where shapes
        are traced values (a comparison would warn or add a guard) and no
        raise is recorded anyway; torch.compile turns it into guards.
        """
        if exporting():
            return
        shape = x.shape  # one look-up: this runs on every call
        if (len(shape) == 4 and shape[1] == self.in_channels
                and shape[2] > 0 and shape[3] > 0):
            return
        raise ValueError(
            f'SELayer(in_channels={self.in_channels}) takes N x '
            f'{self.in_channels} x H x W tensors with H, W >= 1; got shape '
            f'{tuple(x.shape)}')

    def excite_graph(self, x: torch.Tensor) -> torch.Tensor:
        """The gate values as a graph of standard operators and module calls
        (the path taken when traced or exported).

        The eager path's ``addmm(alpha=1 / HW)`` makes a graph that neither
        ONNX exporter takes (the TorchScript one wants a constant ``alpha``,
        ``dynamo=True`` a Python float even for a symbolic H x W), and its
        matrix products bypass ``fc1``/``fc2``, so a FLOP counter sees the
        arithmetic but not the modules. Here the squeeze is a mean kept
        ``N x C x 1 x 1`` (ONNX ReduceMean / ReduceMax) and the FCs are
        called as the 1x1 convolutions they are: the same values to float
        rounding, at any batch, height and width.
        """
        if self.squeeze == 'avg':
            x = x.mean((2, 3), keepdim=True)
        elif self.squeeze == 'max':
            x = x.amax((2, 3), keepdim=True)
        return self.gate(self.fc2(self.act(self.fc1(x))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        return x * self.excite(x)

    def extra_repr(self) -> str:
        kernel = ', cpu_kernel=True' if self.cpu_kernel else ''
        return f'squeeze={self.squeeze!r}{kernel}'
