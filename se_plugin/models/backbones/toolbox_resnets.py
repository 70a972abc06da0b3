"""SE versions of MMSegmentation's and MMPose's own ResNets, drop-in.

``type='ResNetV1c'`` in an mmseg recipe (or ``'ResNet'`` in an mmpose one)
becomes ``type='se_plugin.SESegResNetV1c'`` (``'se_plugin.SEPoseResNet'``)
and nothing else changes: every option of the host (mmseg's
``contract_dilation``, ``multi_grid``, ``dilations``, ``plugins``, the
model-level ``pretrained=``; mmpose's ``expansion``, ``init_cfg``) keeps its
meaning. Each block gets SE at the paper's standard placement, on the
residual branch after its last BN and before the sum, as the child ``se``
of the block (keys ``layerN.M.se.*``), applied by
:func:`~se_plugin.models.backbones.se_attach.attach_se`: the host's
forward stays the toolbox's, and a host checkpoint loads with exactly the
SE weights missing.

mmseg and mmpose are optional (``pip install "se_plugin[seg]"`` /
``"se_plugin[pose]"``): the registered names import them on first use.
"""
import importlib
from typing import Optional, Sequence

from se_plugin.registry import MODELS
from ..blocks.se_layer import check_se_cfg
from ..checks import (bind, check_bool, check_bools, check_choice,
                      check_indices, check_int, check_ints, fail)
from .se_attach import attach_se


def check_host_options(name: str, host: type, kwargs: dict) -> int:
    """Check the options of an mmseg/mmpose ``ResNet`` before its bare
    asserts; returns ``num_stages``."""
    options = bind(name, host.__init__, None, **kwargs)
    check_choice(f'{name}.depth', options['depth'], tuple(host.arch_settings))
    num = options['num_stages']
    check_int(f'{name}.num_stages', num, 1, 4)
    check_ints(f'{name}.strides', options['strides'], num)
    check_ints(f'{name}.dilations', options['dilations'], num)
    # The hosts skip an index they never reach: -1 or a repeat would
    # silently return fewer outputs.
    check_indices(f'{name}.out_indices', options['out_indices'], num)
    check_choice(f'{name}.style', options['style'], ('pytorch', 'caffe'))
    for key in ('deep_stem', 'avg_down', 'norm_eval', 'with_cp',
                'zero_init_residual', 'contract_dilation'):
        if key in options:
            check_bool(f'{name}.{key}', options[key])
    check_int(f'{name}.frozen_stages', options['frozen_stages'], -1, num)
    pretrained = options.get('pretrained')
    if pretrained is not None and not isinstance(pretrained, str):
        fail(f'{name}.pretrained', pretrained, 'a checkpoint path or URL '
             '(str) or None')
    if pretrained is not None and options.get('init_cfg') is not None:
        fail(f'{name}.init_cfg', options['init_cfg'],
             f'None when pretrained={pretrained!r} is set (mmseg takes one '
             'of the two)')
    return num


class ToolboxSEMixin:
    """Adds SE (standard placement) to every block of a toolbox's ResNet.

    A subclass names ``options_of``, the class whose ``__init__`` lists
    the host's options, and ``fixed``, the options its host sets itself.

    Args:
        se_cfg (dict, optional): Options of every SE module (see
            :class:`se_plugin.models.SELayer`), or a ``type`` of another
            registered attention module. None is the host unchanged.
            Defaults to ``dict()`` (r=16).
        se_stages (Sequence[bool], optional): SE on/off per stage. Defaults
            to None (all stages).
        **kwargs: The host's own arguments (``depth`` may also come
            first, positionally, as for the host).
    """

    options_of: type
    fixed: dict = {}

    def __init__(self,
                 *args,
                 se_cfg: Optional[dict] = dict(),
                 se_stages: Optional[Sequence[bool]] = None,
                 **kwargs):
        name = type(self).__name__
        host = self.options_of
        fixed = sorted(set(kwargs) & set(self.fixed))
        if fixed:
            fail(f'{name}.{fixed[0]}', kwargs[fixed[0]],
                 f'not set: {type(self).__mro__[2].__name__} fixes '
                 f'{self.fixed}')
        if args:  # depth may come positionally, as for the host
            kwargs = dict(bind(name, host.__init__, None, *args, **kwargs))
            kwargs.pop('self')
            args = ()
        check_se_cfg(f'{name}.se_cfg', se_cfg)
        num = check_host_options(name, host, kwargs)
        if se_stages is None:
            se_stages = (True, ) * num
        check_bools(f'{name}.se_stages', se_stages, num)
        super().__init__(**kwargs)
        self.se_stages = tuple(se_stages)
        # attach_se re-hooks a BN that a SyncBN -> BN revert replaced.
        for stage, layer_name in enumerate(self.res_layers):
            if not se_stages[stage] or se_cfg is None:
                continue
            for block in getattr(self, layer_name):
                norm = block.norm3_name if hasattr(block, 'conv3') else \
                    block.norm2_name
                target = getattr(block, norm)
                attach_se(block, se_cfg, target.num_features, target)

    def train(self, mode: bool = True):
        super().train(mode)
        return self


def _lazy(name: str, module: str, extra: str, toolbox: str):
    """Register ``name``, importing its toolbox only when it is built."""

    def build(*args, **kwargs):
        try:
            cls = getattr(importlib.import_module(module, __package__), name)
        except ModuleNotFoundError as error:
            raise ModuleNotFoundError(
                f'se_plugin.{name} needs {toolbox}: pip install '
                f'"se_plugin[{extra}]" ({error})') from error
        return cls(*args, **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f'Build :class:`{module[1:]}.{name}` ({toolbox}).'
    MODELS.register_module(name=name, module=build)
    return build


SESegResNetV1c = _lazy('SESegResNetV1c', '.seg_resnet', 'seg',
                       'MMSegmentation')
SEPoseResNet = _lazy('SEPoseResNet', '.pose_resnet', 'pose', 'MMPose')
