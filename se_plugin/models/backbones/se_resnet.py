"""SE-ResNet and SE-ResNeXt: mmpretrain's ``ResNet``/``ResNeXt`` with SE
blocks (docs/user_guides/se_options.md)."""
from typing import Optional, Sequence

from mmpretrain.models.backbones import ResNet, ResNeXt

from se_plugin.registry import MODELS
from ..attention.slot import SECfg
from ..blocks.residual import (SEBasicBlock, SEBottleneck,
                               SEResNeXtBottleneck, expansion, placement)
from ..checks import BOOL, Bools, Checked, Choice, Indices, Int, Ints
from .staged import ReturnsSelf

#: mmpretrain's ``ResNet``/``ResNeXt`` options, checked where it asserts,
#: raises AttributeError or ignores a value (e.g. out_indices=(-1, )).
RESNET_OPTIONS = dict(
    depth=Choice(lambda opts: tuple(opts['self'].arch_settings)),
    num_stages=Int(1, 4), in_channels=Int(1), stem_channels=Int(1),
    base_channels=Int(1), groups=Int(1), width_per_group=Int(1),
    expansion=lambda n, v, o: v is None or expansion(n, v, o),
    strides=Ints('num_stages'), dilations=Ints('num_stages'),
    out_indices=Indices('num_stages'), deep_stem=BOOL, avg_down=BOOL,
    zero_init_residual=BOOL, frozen_stages=Int(-1, 'num_stages'))


class SEBackboneMixin(Checked, ReturnsSelf):
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
    options = dict(RESNET_OPTIONS, se_cfg=SECfg(), se_placement=placement,
                   se_stages=Bools('num_stages'))

    def __init__(self, depth: int, se_cfg: Optional[dict] = dict(),
                 se_placement: str = 'standard',
                 se_stages: Optional[Sequence[bool]] = None, **kwargs):
        # Set before super().__init__(), which calls make_res_layer().
        self.se_cfg, self.se_placement = se_cfg, se_placement
        self.se_stages = tuple(se_stages
                               or (True, ) * kwargs.get('num_stages', 4))
        super().__init__(depth, **kwargs)

    def make_res_layer(self, **kwargs):
        # mmpretrain appends each stage to res_layers once built.
        se_cfg = self.se_cfg if self.se_stages[len(self.res_layers)] else None
        return super().make_res_layer(
            se_cfg=se_cfg, se_placement=self.se_placement, **kwargs)


@MODELS.register_module()
class SEResNet(SEBackboneMixin, ResNet):
    """SE-ResNet (depth 18, 34, 50, 101 or 152); ``style='caffe'`` strides
    the first 1x1 conv as the paper's Caffe models do. Example: the guide."""
    arch_settings = {18: (SEBasicBlock, (2, 2, 2, 2)),
                     34: (SEBasicBlock, (3, 4, 6, 3)),
                     50: (SEBottleneck, (3, 4, 6, 3)),
                     101: (SEBottleneck, (3, 4, 23, 3)),
                     152: (SEBottleneck, (3, 8, 36, 3))}


@MODELS.register_module()
class SEResNeXt(SEBackboneMixin, ResNeXt):
    """SE-ResNeXt (depth 50, 101 or 152; ``groups`` x ``width_per_group``,
    e.g. 32x4d or 64x4d).

    Args:
        groups (int): Cardinality of the grouped 3x3 conv. Defaults to 32.
        width_per_group (int): Width of each group. Defaults to 4.
    """
    arch_settings = {50: (SEResNeXtBottleneck, (3, 4, 6, 3)),
                     101: (SEResNeXtBottleneck, (3, 4, 23, 3)),
                     152: (SEResNeXtBottleneck, (3, 8, 36, 3))}
