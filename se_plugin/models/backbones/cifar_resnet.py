"""The SE paper's CIFAR ResNets (ResNet-110, pre-activation ResNet-164,
WRN-16-8) as one backbone with ``preact``, ``bottleneck`` and
``widen_factor`` (configs/cifar/README.md)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer

from se_plugin.registry import MODELS
from ..blocks.residual import SEBasicBlock, SEBottleneck, build_se
from ..checks import BOOL, Choice, Int, fail, is_int
from .staged import StagedBackbone

#: Shortcut where width or resolution changes (He et al., 2016a): 'A' the
#: identity subsampled and zero-padded, 'B' a strided 1x1 projection.
SHORTCUTS = ('A', 'B')


class ZeroPadShortcut(nn.Module):
    """Option A: take every ``stride``-th pixel and pad channels with zeros."""

    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.pad = out_channels - in_channels
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, self.pad))


class PreActBlock(nn.Module):
    """A pre-activation residual unit (He et al., 2016b), 3x3-3x3 or (with
    ``bottleneck``) 1x1-3x3-1x1 of width ``out_channels / 4``, SE (None: no
    SE) on the branch's output before the sum; the ``shortcut`` (one of
    :data:`SHORTCUTS`) projection reads the pre-activated input, as in He et
    al.'s code."""

    def __init__(self, in_channels, out_channels, stride=1, bottleneck=False,
                 shortcut='B', se_cfg=None, norm_cfg=dict(type='BN'),
                 act_cfg=dict(type='ReLU')):
        super().__init__()
        mid = out_channels // 4 if bottleneck else out_channels
        self.preact = nn.Sequential(
            build_norm_layer(norm_cfg, in_channels)[1],
            build_activation_layer(act_cfg))
        later = dict(
            bias=False, norm_cfg=norm_cfg, act_cfg=act_cfg,
            order=('norm', 'act', 'conv'))
        self.branch = nn.Sequential(
            nn.Conv2d(in_channels, mid, 1, bias=False),
            ConvModule(mid, mid, 3, stride, 1, **later),
            ConvModule(mid, out_channels, 1, **later)) if bottleneck else \
            nn.Sequential(
                nn.Conv2d(in_channels, mid, 3, stride, 1, bias=False),
                ConvModule(mid, out_channels, 3, 1, 1, **later))
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = (
                ZeroPadShortcut(in_channels, out_channels, stride)
                if shortcut == 'A' else nn.Conv2d(
                    in_channels, out_channels, 1, stride, bias=False))
        self.se = None if se_cfg is None else build_se(se_cfg, out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.preact(x)
        if self.shortcut is None:
            identity = x
        elif isinstance(self.shortcut, ZeroPadShortcut):
            identity = self.shortcut(x)
        else:
            identity = self.shortcut(pre)
        out = self.branch(pre)
        if self.se is not None:
            out = self.se(out)
        return out + identity


def depth_rule(bottleneck, extra_layers=2):
    """The depth rule ``6n + extra`` (basic blocks) or ``9n + extra``
    (bottlenecks, ``bottleneck(opts)``), n >= 1."""

    def check(name, depth, opts):
        neck, extra = bottleneck(opts), getattr(opts['self'], 'extra_layers',
                                                extra_layers)
        step = 9 if neck else 6
        if not is_int(depth) or depth < step + extra or (depth - extra) % step:
            fail(name, depth, f'{step}n+{extra} with n >= 1 ('
                 f"{'bottleneck' if neck else 'basic'} blocks), e.g. " +
                 ', '.join(str(step * n + extra) for n in (1, 2, 3, 18)))

    return check


def three_stages(channels, widths, num_blocks, make):
    """Stages 1-3: ``num_blocks`` blocks ``make(stage, in, out, stride)``
    each, the first of stages 2 and 3 with stride 2."""
    stages = []
    for i, out in enumerate(widths):
        stages.append(nn.Sequential(*(
            make(i, out if j else channels, out, 2 if i and not j else 1)
            for j in range(num_blocks))))
        channels = out
    return stages


def post_act_block(in_channels, out_channels, stride, bottleneck, shortcut,
                   se_cfg, norm_cfg, act_cfg):
    """He et al.'s (2016a) post-activation unit: the project's SE block
    with an option-A or option-B shortcut."""
    downsample = None
    if stride != 1 or in_channels != out_channels:
        downsample = ZeroPadShortcut(in_channels, out_channels, stride) \
            if shortcut == 'A' else ConvModule(
                in_channels, out_channels, 1, stride, bias=False,
                norm_cfg=norm_cfg, act_cfg=None)
    block = SEBottleneck if bottleneck else SEBasicBlock
    return block(in_channels, out_channels, stride=stride,
                 downsample=downsample, se_cfg=se_cfg, norm_cfg=norm_cfg,
                 act_cfg=act_cfg)


@MODELS.register_module()
class CIFARResNet(StagedBackbone):
    """A CIFAR ResNet: a 16-channel 3x3 stem (stage 0) and three stages of
    ``16/32/64 * widen_factor`` channels (x4 for bottlenecks), SE in every
    block before the sum (configs/cifar/README.md).

    Args:
        depth (int): Weighted layers: ``6n + 2`` with basic blocks,
            ``9n + 2`` with bottlenecks (n blocks per stage). Defaults to
            110.
        bottleneck (bool): Bottleneck blocks. Defaults to False.
        preact (bool): Pre-activation units (He et al., 2016b).
            Defaults to False.
        widen_factor (int): Width multiplier of the stages. Defaults to 1.
        shortcut (str): One of :data:`SHORTCUTS`. Defaults to 'A', He et
            al.'s for CIFAR ResNet-110.
        in_channels (int): Image channels. Defaults to 3.
        **kwargs: :class:`StagedBackbone`'s options (``se_cfg=None`` is the
            network without SE, ``out_indices``, ...).
    """
    num_stages = 4
    #: Weighted layers outside the blocks: the stem and the classifier
    #: (WRN also counts its projection shortcuts).
    extra_layers = 2
    options = dict(
        bottleneck=BOOL, preact=BOOL, widen_factor=Int(1),
        shortcut=Choice(*SHORTCUTS), in_channels=Int(1),
        depth=depth_rule(lambda opts: opts['bottleneck']))

    def __init__(self, depth: int = 110, bottleneck: bool = False,
                 preact: bool = False, widen_factor: int = 1,
                 shortcut: str = 'A', in_channels: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.num_blocks = (depth - self.extra_layers) // (
            9 if bottleneck else 6)
        stem = 16
        if preact:  # the first unit pre-activates the stem's output
            stages = [nn.Conv2d(in_channels, stem, 3, 1, 1, bias=False)]
        else:
            stages = [ConvModule(in_channels, stem, 3, 1, 1, bias=False,
                                 norm_cfg=self.norm_cfg,
                                 act_cfg=self.act_cfg)]
        block = PreActBlock if preact else post_act_block
        widths = [16 * 2**i * widen_factor * (4 if bottleneck else 1)
                  for i in range(3)]
        stages += three_stages(
            stem, widths, self.num_blocks, lambda i, *a: block(
                *a, bottleneck, shortcut, self.se_cfg, self.norm_cfg,
                self.act_cfg))
        if preact:
            stages[-1].extend([build_norm_layer(self.norm_cfg, widths[-1])[1],
                               build_activation_layer(self.act_cfg)])
        self._set_stages(stages)
        self.out_channels = widths[-1]


@MODELS.register_module()
class WideResNet(CIFARResNet):
    """A wide residual network WRN-``depth``-``widen_factor`` (Zagoruyko &
    Komodakis, 2016): pre-activation basic units with 1x1 projection
    shortcuts, depth ``6n + 4``. WRN-16-8 by default.

    Args:
        depth (int): ``6n + 4``. Defaults to 16.
        widen_factor (int): k. Defaults to 8.
        **kwargs: :class:`StagedBackbone`'s options.
    """
    extra_layers = 4

    def __init__(self, depth: int = 16, widen_factor: int = 8,
                 in_channels: int = 3, **kwargs):
        super().__init__(depth=depth, preact=True, widen_factor=widen_factor,
                         shortcut='B', in_channels=in_channels, **kwargs)

