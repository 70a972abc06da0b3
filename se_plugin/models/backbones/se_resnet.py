"""SE-ResNet and SE-ResNeXt: mmpretrain's ``ResNet`` and ``ResNeXt`` (every
option keeps its meaning) with SE blocks, the SE options choosing the
paper's variants."""
from typing import Optional, Sequence

from mmpretrain.models.backbones import ResNet, ResNeXt
from mmpretrain.models.backbones.resnet import Bottleneck

from se_plugin.registry import MODELS
from ..blocks.residual import (PLACEMENTS, STYLES, SEBasicBlock,
                               SEBottleneck, SEResNeXtBottleneck)
from ..blocks.se_layer import check_se_cfg
from ..checks import (OptionError, bind, check_bool, check_bools, check_cfg,
                      check_choice, check_indices, check_init_cfg, check_int,
                      check_ints, check_number)


def check_resnet_options(name: str, depth: int, kwargs: dict,
                         block: type) -> int:
    """Check mmpretrain ``ResNet``'s options (and ``ResNeXt``'s ``groups``,
    ``width_per_group``) with :class:`OptionError` where mmpretrain has bare
    asserts, an AttributeError or silently ignores a value; returns
    ``num_stages``. ``block`` is the depth's block class."""
    kwargs = dict(kwargs)
    for key in ('groups', 'width_per_group'):
        if key in kwargs:
            check_int(f'{name}.{key}', kwargs.pop(key), 1)
    options = bind(name, ResNet.__init__, None, depth, **kwargs)
    num = options['num_stages']
    check_int(f'{name}.num_stages', num, 1, 4)
    for key in ('in_channels', 'stem_channels', 'base_channels'):
        check_int(f'{name}.{key}', options[key], 1)
    if issubclass(block, Bottleneck):
        check_int(f'{name}.expansion', options['expansion'], 1, none=True)
    else:  # mmpretrain's BasicBlock asserts expansion == 1
        expansion = options['expansion']
        if expansion is not None:
            check_choice(f'{name}.expansion', expansion, (1, ))
    check_ints(f'{name}.strides', options['strides'], num)
    check_ints(f'{name}.dilations', options['dilations'], num)
    # mmpretrain's forward skips an index it never reaches, so -1 or a
    # repeated index would silently return fewer outputs.
    check_indices(f'{name}.out_indices', options['out_indices'], num)
    check_choice(f'{name}.style', options['style'], STYLES)
    for key in ('deep_stem', 'avg_down', 'norm_eval', 'with_cp',
                'zero_init_residual'):
        check_bool(f'{name}.{key}', options[key])
    check_int(f'{name}.frozen_stages', options['frozen_stages'], -1, num)
    check_cfg(f'{name}.conv_cfg', options['conv_cfg'], none=True)
    check_cfg(f'{name}.norm_cfg', options['norm_cfg'])
    check_init_cfg(f'{name}.init_cfg', options['init_cfg'])
    check_number(f'{name}.drop_path_rate', options['drop_path_rate'], 0, 1,
                 high_open=True)
    return num


class SEBackboneMixin:
    """Adds the SE options to a ResNet-like backbone of mmpretrain.

    Args:
        depth (int): Depth of the network, a key of ``arch_settings``.
        se_cfg (dict, optional): Options of every SE module (see
            :class:`se_plugin.models.SELayer`), e.g. ``dict(ratio=8,
            gate='tanh')``. ``None`` switches SE off (the baseline network).
            Defaults to ``dict()`` (r=16, average squeeze, sigmoid gate).
        se_placement (str): Where SE goes in each block, one of
            ``'standard'``, ``'pre'``, ``'post'``, ``'identity'``, ``'3x3'``.
            Defaults to ``'standard'``.
        se_stages (Sequence[bool], optional): SE on/off per stage, one entry
            per stage, e.g. ``(False, False, False, True)`` for SE only in
            the last stage. Defaults to None (all stages).
        **kwargs: The arguments of the mmpretrain backbone.
    """

    def __init__(self,
                 depth: int,
                 se_cfg: Optional[dict] = dict(),
                 se_placement: str = 'standard',
                 se_stages: Optional[Sequence[bool]] = None,
                 **kwargs):
        name = type(self).__name__
        check_choice(f'{name}.depth', depth, tuple(self.arch_settings))
        check_se_cfg(f'{name}.se_cfg', se_cfg)
        check_choice(f'{name}.se_placement', se_placement, PLACEMENTS)
        num_stages = check_resnet_options(name, depth, kwargs,
                                          self.arch_settings[depth][0])
        if se_stages is None:
            se_stages = (True, ) * num_stages
        check_bools(f'{name}.se_stages', se_stages, num_stages)
        if se_placement == '3x3' and not issubclass(
                self.arch_settings[depth][0], Bottleneck):
            bottleneck_depths = tuple(
                d for d, (block, _) in self.arch_settings.items()
                if issubclass(block, Bottleneck))
            raise OptionError(
                f"{name}.se_placement='3x3' needs bottleneck blocks; depth="
                f'{depth} uses basic blocks (allowed depths for 3x3: '
                f'{bottleneck_depths})')
        # Set before super().__init__(), which calls make_res_layer().
        self.se_cfg = se_cfg
        self.se_placement = se_placement
        self.se_stages = tuple(se_stages)
        super().__init__(depth, **kwargs)

    def train(self, mode: bool = True):
        # mmpretrain's ResNet.train() returns None; nn.Module's contract
        # (and ``model.eval()`` chaining) wants the module back.
        super().train(mode)
        return self

    def make_res_layer(self, **kwargs):
        # mmpretrain appends each stage's name to res_layers right after
        # building it, so its length is the index of the stage being built.
        stage = len(self.res_layers)
        se_cfg = self.se_cfg if self.se_stages[stage] else None
        return super().make_res_layer(
            se_cfg=se_cfg, se_placement=self.se_placement, **kwargs)


@MODELS.register_module()
class SEResNet(SEBackboneMixin, ResNet):
    """SE-ResNet (depth 18, 34, 50, 101 or 152).

    ``style='caffe'`` puts the stride on the first 1x1 conv of a
    down-sampling bottleneck, as the paper's Caffe models do (3.87 GFLOPs for
    SE-ResNet-50); ``'pytorch'`` puts it on the 3x3 conv.

    Example:
        >>> import torch
        >>> from se_plugin.models import SEResNet
        >>> model = SEResNet(depth=50, out_indices=(0, 1, 2, 3)).eval()
        >>> [tuple(o.shape) for o in model(torch.rand(1, 3, 64, 64))]
        [(1, 256, 16, 16), (1, 512, 8, 8), (1, 1024, 4, 4), (1, 2048, 2, 2)]
    """
    arch_settings = {
        18: (SEBasicBlock, (2, 2, 2, 2)),
        34: (SEBasicBlock, (3, 4, 6, 3)),
        50: (SEBottleneck, (3, 4, 6, 3)),
        101: (SEBottleneck, (3, 4, 23, 3)),
        152: (SEBottleneck, (3, 8, 36, 3)),
    }


@MODELS.register_module()
class SEResNeXt(SEBackboneMixin, ResNeXt):
    """SE-ResNeXt (depth 50, 101 or 152; ``groups`` x ``width_per_group``,
    e.g. 32x4d or 64x4d).

    Args:
        groups (int): Cardinality of the grouped 3x3 conv. Defaults to 32.
        width_per_group (int): Width of each group. Defaults to 4.
    """
    arch_settings = {
        50: (SEResNeXtBottleneck, (3, 4, 6, 3)),
        101: (SEResNeXtBottleneck, (3, 4, 23, 3)),
        152: (SEResNeXtBottleneck, (3, 8, 36, 3)),
    }
