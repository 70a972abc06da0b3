"""SE's family in SE's slot: FcaNet, coordinate attention, Gather-Excite,
Effective SE, SimAM; timm's parameter names where timm has the module
(docs/user_guides/se_anywhere.md)."""
import math
from collections import OrderedDict
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule

from se_plugin.registry import MODELS
from ..blocks.se_layer import GATES, SELayer, squeeze_width
from ..checks import BOOL, Checked, Choice, Int, Num, Rule, fail, is_int

#: FcaNet's frequencies (u, v) on a 7x7 DCT, best first (its 'top' order,
#: from its per-frequency ImageNet study); 'top16' takes the first 16.
TOP_FREQUENCIES = tuple(zip(
    (0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2, 4, 6, 3, 5, 5, 2, 6, 5,
     5, 3, 3, 4, 2, 2, 6, 1),
    (0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2, 6, 3, 3, 3, 5, 1, 1, 2,
     4, 2, 1, 1, 3, 0, 5, 3)))


def dct_basis(freq: int, size: int) -> torch.Tensor:
    """The 1-D DCT-II basis of frequency ``freq`` on ``size`` points
    (orthonormal): ``cos(pi f (i + 1/2) / L) / sqrt(L)``, times sqrt(2) for
    ``f > 0``."""
    i = torch.arange(size, dtype=torch.float64)
    b = torch.cos(math.pi * freq * (i + 0.5) / size) / math.sqrt(size)
    return (b * math.sqrt(2) if freq else b).float()


def adaptive_pool_matrix(size: int, length, like: torch.Tensor):
    """The ``size x length`` matrix of 1-D adaptive average pooling (row i
    averages ``[floor(i L / s), ceil((i + 1) L / s))``), built from tensor
    ops so that an exported graph keeps ``length`` symbolic."""
    i = torch.arange(size, device=like.device)
    start = torch.div(i * length, size, rounding_mode='floor')
    end = torch.div((i + 1) * length + size - 1, size, rounding_mode='floor')
    pos = torch.arange(length, device=like.device)
    mask = (pos >= start[:, None]) & (pos < end[:, None])
    return mask.to(like.dtype) / (end - start).to(like.dtype)[:, None]


@MODELS.register_module()
class MultiSpectralAttention(SELayer):
    """FcaNet (Qin et al., ICCV 2021): SE whose squeeze is a 2-D DCT, one
    frequency per channel group (docs/user_guides/se_anywhere.md).

    Args:
        in_channels (int): Channels, a multiple of ``num_freq``.
        ratio (float): SE's reduction ratio. Defaults to 16.
        num_freq (int): How many top frequencies ('top16'). Defaults to 16.
        dct_size (int): The DCT grid, a multiple of 7 (FcaNet's ResNets: 56,
            28, 14, 7 in the four stages). Defaults to 7.
        **kwargs: Other :class:`SELayer` options but ``squeeze`` and
            ``cpu_kernel``.
    """
    _abbr_ = 'fca'
    options = dict(
        num_freq=Choice(1, 2, 4, 8, 16, 32),
        dct_size=Rule(lambda v, o: is_int(v) and v >= 7 and v % 7 == 0,
                      'an int >= 7, a multiple of 7 (the frequencies are on '
                      'a 7x7 grid)'))

    def __init__(self, in_channels: int, ratio: float = 16, num_freq: int = 16,
                 dct_size: int = 7, **kwargs):
        for key in ('squeeze', 'cpu_kernel'):
            if key in kwargs:
                fail(f'MultiSpectralAttention.{key}', kwargs[key],
                     'not set (the squeeze is the DCT; no compiled kernel)')
        super().__init__(in_channels, ratio, **kwargs)
        if in_channels % num_freq:
            fail('MultiSpectralAttention.in_channels', in_channels,
                 f'a multiple of num_freq={num_freq} (one channel group '
                 'per frequency)')
        self.squeeze = 'dct'
        self.num_freq, self.dct_size = num_freq, dct_size
        group, scale = in_channels // num_freq, dct_size // 7
        for axis, name in enumerate(('basis_h', 'basis_w')):
            self.register_buffer(name, torch.stack([
                dct_basis(f[axis] * scale, dct_size)
                for f in TOP_FREQUENCIES[:num_freq] for _ in range(group)
            ]), persistent=False)

    def excite(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[2], x.shape[3]
        wh = self.basis_h @ adaptive_pool_matrix(self.dct_size, h, x)
        ww = self.basis_w @ adaptive_pool_matrix(self.dct_size, w, x)
        y = ((x * wh[:, :, None]).sum(2) * ww).sum(2)
        return self.gate(self.fc2(self.act(self.fc1(y[..., None, None]))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        return x * self.excite(x)

    def extra_repr(self) -> str:
        return f'num_freq={self.num_freq}, dct_size={self.dct_size}'


@MODELS.register_module()
class CoordAttention(Checked, BaseModule):
    """Coordinate attention (Hou et al., CVPR 2021), timm's ``CoordAttn``:
    ``x * sigmoid(conv_h(.)) * sigmoid(conv_w(.))`` over pooled strips.

    Args:
        in_channels (int): Channels of the input (and output).
        ratio (float): Reduction ratio. Defaults to 32 (the paper's).
        min_channels (int): The width is ``max(min_channels, floor(C /
            ratio))`` (the paper's code). Defaults to 8.
        bias (bool): Biases in the three convs (the paper's code; not
            timm's default). Defaults to True.
        act_cfg (dict): Activation after the BN. Defaults to h-swish.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'coord'
    options = dict(in_channels=Int(1), ratio=Num(0, low_open=True),
                   min_channels=Int(1), bias=BOOL)

    def __init__(self, in_channels: int, ratio: float = 32,
                 min_channels: int = 8, bias: bool = True,
                 act_cfg: dict = dict(type='HSwish'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        width = max(min_channels, int(in_channels / ratio))
        self.conv1 = nn.Conv2d(in_channels, width, 1, bias=bias)
        self.bn1 = nn.BatchNorm2d(width)
        try:
            self.act = build_activation_layer(act_cfg)
        except (KeyError, TypeError) as e:
            fail('CoordAttention.act_cfg', act_cfg,
                 f'an activation config ({e})')
        self.conv_h = nn.Conv2d(width, in_channels, 1, bias=bias)
        self.conv_w = nn.Conv2d(width, in_channels, 1, bias=bias)
        self.gate = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.shape[2]
        strips = torch.cat([x.mean(3, keepdim=True),
                            x.mean(2, keepdim=True).transpose(2, 3)], 2)
        y = self.act(self.bn1(self.conv1(strips)))
        y_h, y_w = y[:, :, :h], y[:, :, h:]
        return (x * self.gate(self.conv_h(y_h)) *
                self.gate(self.conv_w(y_w.transpose(2, 3))))


@MODELS.register_module()
class GatherExcite(Checked, BaseModule):
    """Gather-Excite (Hu et al., NeurIPS 2018), timm's ``GatherExcite``;
    variants and differences from timm: docs/user_guides/se_anywhere.md.

    Args:
        in_channels (int): Channels of the input (and output).
        extent (int): 0 (global) or an even window stride (a power of two
            with ``extra_params``). Defaults to 0.
        extra_params (bool): The parametric gather (GE-theta). Defaults to
            False.
        feat_size (int | tuple[int, int], optional): The input's H x W, the
            global conv's kernel: given exactly when ``extra_params`` and
            ``extent=0``. Defaults to None.
        use_mlp (bool): SE's two 1x1 convs (with biases, ReLU) on the
            gathered features. Defaults to True.
        ratio (float): Reduction ratio of the MLP (width
            ``floor(C / ratio)``). Defaults to 16.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'ge'
    options = dict(
        in_channels=Int(1), use_mlp=BOOL, extra_params=BOOL,
        extent=Rule(
            lambda v, o: is_int(v) and v >= 0 and v % 2 == 0 and (
                v == 0 or not o['extra_params'] or v & (v - 1) == 0),
            lambda o: '0 (global) or a power of two >= 2 (one stride-2 '
            'conv per factor 2) with extra_params=True' if o[
                'extra_params'] else '0 (global) or an even int >= 2'),
        feat_size=Rule(
            lambda v, o: v is None if not o['extra_params'] or o['extent']
            else is_int(v) and v >= 1 or isinstance(v, (tuple, list)) and len(
                v) == 2 and all(is_int(s) and s >= 1 for s in v),
            lambda o: 'an int >= 1 or (h, w), the input size (the global '
            "conv's kernel) when extra_params=True and extent=0" if o[
                'extra_params'] and not o['extent'] else
            'None (only the global parametric gather has a kernel size)'))

    def __init__(self, in_channels: int, extent: int = 0,
                 extra_params: bool = False, feat_size=None,
                 use_mlp: bool = True, ratio: float = 16,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.extent = extent
        self.feat_size = None if feat_size is None else (feat_size, ) * 2 \
            if is_int(feat_size) else tuple(feat_size)  # (h, w)
        self.gather = None
        if extra_params:  # depthwise conv-BN, one global or log2(extent) 3x3/2
            c, n = in_channels, 1 if extent == 0 else int(math.log2(extent))
            layers = []
            for i in range(1, n + 1):
                layers += [(f'act{i - 1}', nn.ReLU(inplace=True))] * (i > 1)
                layers += [(f'conv{i}', nn.Conv2d(
                    c, c, *((self.feat_size, 1, 0) if extent == 0 else
                            (3, 2, 1)), groups=c, bias=False)),
                           (f'norm{i}', nn.BatchNorm2d(c))]
            self.gather = nn.Sequential(OrderedDict(layers))
        if use_mlp:
            width = squeeze_width(in_channels, ratio)
            self.mlp = nn.Sequential(OrderedDict(
                fc1=nn.Conv2d(in_channels, width, 1), act=nn.ReLU(),
                fc2=nn.Conv2d(width, in_channels, 1)))
        else:
            if ratio != 16:
                fail('GatherExcite.ratio', ratio,
                     '16 (the default) when use_mlp=False (no MLP)')
            self.mlp = nn.Identity()
        self.gate = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.feat_size and tuple(x.shape[2:]) != self.feat_size:
            fail('GatherExcite input size', tuple(x.shape[2:]),
                 f'feat_size={self.feat_size} (the global conv\'s kernel)')
        if self.gather is not None:
            g = self.gather(x)
        elif self.extent == 0:
            g = x.mean((2, 3), keepdim=True)
        else:
            k = 2 * self.extent - 1
            g = F.avg_pool2d(x, k, self.extent, k // 2,
                             count_include_pad=False)
        g = self.mlp(g)
        if self.extent:
            g = F.interpolate(g, size=x.shape[2:], mode='nearest')
        return x * self.gate(g)

    def extra_repr(self) -> str:
        return f'extent={self.extent}, feat_size={self.feat_size}'


@MODELS.register_module()
class EffectiveSE(Checked, BaseModule):
    """Effective SE (CenterMask, CVPR 2020), timm's ``EffectiveSEModule``:
    ``x * hsigmoid(fc(avgpool(x)))`` with one C x C FC.

    Args:
        in_channels (int): Channels of the input (and output).
        gate (str): One of SE's gates; ``'hsigmoid'`` (the paper's).
            Defaults to ``'hsigmoid'``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    _abbr_ = 'ese'
    options = dict(in_channels=Int(1), gate=Choice(*GATES))

    def __init__(self, in_channels: int, gate: str = 'hsigmoid',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.fc = nn.Conv2d(in_channels, in_channels, 1)
        self.gate = GATES[gate]()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(self.fc(x.mean((2, 3), keepdim=True)))


@MODELS.register_module()
class SimAM(Checked, nn.Module):
    """SimAM (Yang et al., ICML 2021): no parameters; each activation times
    the sigmoid of its inverse minimal energy (docs: se_anywhere.md).

    Args:
        in_channels (int): Unused (SE's slot passes it).
        e_lambda (float): ``lambda``, > 0. Defaults to 1e-4 (the paper's).
    """
    _abbr_ = 'simam'
    options = dict(in_channels=Int(1), e_lambda=Num(0, low_open=True))

    def __init__(self, in_channels: int, e_lambda: float = 1e-4):
        super().__init__()
        self.e_lambda = e_lambda

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # One position: t = mu and 1 / e = 1/2; max() keeps 0 / 0 out.
        n = max(x.shape[2] * x.shape[3] - 1, 1)
        d = (x - x.mean((2, 3), keepdim=True)).pow(2)
        y = d / (4 * (d.sum((2, 3), keepdim=True) / n + self.e_lambda)) + 0.5
        return x * torch.sigmoid(y)

    def extra_repr(self) -> str:
        return f'e_lambda={self.e_lambda}'
