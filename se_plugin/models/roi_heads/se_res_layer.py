"""The last ResNet stage as an RoI shared head, with SE (the C4 recipe)."""
from typing import Optional

from mmdet.models.roi_heads.shared_heads import ResLayer
from mmpretrain.models.backbones.resnet import ResLayer as StageLayer
from mmpretrain.models.backbones.resnet import get_expansion

from se_plugin.registry import MODELS
from ..backbones.se_resnet import SEResNet
from ..attention.slot import SECfg
from ..blocks.residual import PLACEMENTS
from ..checks import Checked, Choice, Int


@MODELS.register_module()
class SEResLayer(Checked, ResLayer):
    """mmdet's ``ResLayer`` shared head (Faster R-CNN C4's stage 4 on each RoI)
    built as :class:`SEResNet` builds that stage, keys ``layer4.*``, so an
    se_plugin classifier's checkpoint initialises it (``prefix='backbone.'``).

    Args:
        depth (int): Depth of the ResNet (``SEResNet.arch_settings``).
        stage (int): Index of the stage (0-based). Defaults to 3.
        stride (int): Stride of the stage's first block. Defaults to 2.
        dilation (int): Dilation of its 3x3 convs. Defaults to 1.
        style (str): ``'pytorch'`` or ``'caffe'``, as the backbone's.
            Defaults to ``'pytorch'``.
        norm_cfg (dict): Norm layer config. Defaults to BN.
        norm_eval (bool): Keep BN in eval mode. Defaults to True.
        with_cp (bool): Gradient checkpointing. Defaults to False.
        se_cfg (dict, optional): SE options as in :class:`SEResNet`; None
            builds the plain stage (the baseline). Defaults to ``dict()``.
        se_placement (str): As in :class:`SEResNet` (the blocks check it).
            Defaults to ``'standard'``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """
    options = dict(
        depth=Choice(*SEResNet.arch_settings), stage=Choice(1, 2, 3),
        stride=Int(1), dilation=Int(1), se_cfg=SECfg(),
        se_placement=Choice(*PLACEMENTS))

    def __init__(self, depth: int, stage: int = 3, stride: int = 2,
                 dilation: int = 1, style: str = 'pytorch',
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = True, with_cp: bool = False,
                 se_cfg: Optional[dict] = dict(),
                 se_placement: str = 'standard',
                 init_cfg: Optional[dict] = None):
        block, stage_blocks = SEResNet.arch_settings[depth]
        # The stage options mmdet's ResLayer and the SE stage both take.
        stage_cfg = dict(stride=stride, dilation=dilation, style=style,
                         norm_cfg=norm_cfg, with_cp=with_cp)
        super().__init__(depth, stage=stage, norm_eval=norm_eval,
                         init_cfg=init_cfg, **stage_cfg)
        out_channels = 64 * 2**stage * get_expansion(block)
        # mmdet's ResLayer hard-codes mmdet's Bottleneck; the SE stage
        # replaces it under the same name, so its keys are SEResNet's.
        self.add_module(f'layer{stage + 1}', StageLayer(
            block=block, num_blocks=stage_blocks[stage],
            in_channels=out_channels // 2, out_channels=out_channels,
            se_cfg=se_cfg, se_placement=se_placement, **stage_cfg))
