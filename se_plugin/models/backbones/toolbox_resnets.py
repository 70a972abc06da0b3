"""SE versions of MMSegmentation's and MMPose's own ResNets, drop-in, SE
by hooks at the standard placement; the toolboxes are imported on first
use (docs/user_guides/placement.md)."""
import importlib
import inspect
from typing import Optional, Sequence

from se_plugin.registry import MODELS
from ..attention.slot import SECfg
from ..checks import BOOL, Bools, Checked, fail
from .se_attach import attach_se
from .se_resnet import RESNET_OPTIONS
from .staged import ReturnsSelf


def _pretrained(name, value, opts):
    if value is not None and not isinstance(value, str):
        fail(name, value, 'a checkpoint path or URL (str) or None')
    if value is not None and opts.get('init_cfg') is not None:
        fail(f"{name.rpartition('.')[0]}.init_cfg", opts['init_cfg'],
             f'None when pretrained={value!r} is set (mmseg takes one of '
             'the two)')


class ToolboxSEMixin(Checked, ReturnsSelf):
    """Adds SE (standard placement) to every block of a toolbox's ResNet;
    a subclass names ``options_of`` (the host's ``__init__``) and
    ``fixed`` (options its host sets itself).

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
    # mmpose's expansion is its own (Bottleneck's is 4).
    options = dict(
        {k: r for k, r in RESNET_OPTIONS.items() if k != 'expansion'},
        contract_dilation=BOOL, pretrained=_pretrained, se_cfg=SECfg(),
        se_stages=Bools('num_stages'))

    def __init__(self, *args, se_cfg: Optional[dict] = dict(),
                 se_stages: Optional[Sequence[bool]] = None, **kwargs):
        fixed = sorted(set(kwargs) & set(self.fixed))
        if fixed:
            fail(f'{type(self).__name__}.{fixed[0]}', kwargs[fixed[0]],
                 f'not set: {type(self).__bases__[-1].__name__} fixes '
                 f'{self.fixed}')
        # depth may come positionally, as for the host
        names = list(inspect.signature(self.options_of).parameters)
        kwargs.update(zip(names, args))
        se_stages = se_stages or (True, ) * kwargs.get('num_stages', 4)
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
