"""Bad inputs of se_plugin.SESegResNetV1c (mmseg) and SEPoseResNet
(mmpose)."""
import sys

import pytest

from bad_inputs import case, collect
from se_plugin.engine.errors import OptionError


def seg(**kwargs):
    pytest.importorskip('mmseg', reason='se_plugin[seg] is not installed')
    from se_plugin.registry import MODELS
    return MODELS.build(dict(type='se_plugin.SESegResNetV1c', **kwargs))


def pose(**kwargs):
    pytest.importorskip('mmpose', reason='se_plugin[pose] is not installed')
    from se_plugin.registry import MODELS
    return MODELS.build(dict(type='se_plugin.SEPoseResNet', **kwargs))


@case('seg-pose-missing-extra', ModuleNotFoundError,
      ('se_plugin.SESegResNetV1c needs MMSegmentation',
       'pip install "se_plugin[seg]"'))
def _missing_extra(tmp_path):
    from se_plugin.registry import MODELS
    saved = {k: sys.modules.pop(k) for k in list(sys.modules)
             if k == 'mmseg' or k.startswith('mmseg.')
             or k.endswith('backbones.seg_resnet')}
    sys.modules['mmseg'] = None  # what an absent package looks like
    try:
        MODELS.build(dict(type='se_plugin.SESegResNetV1c', depth=50))
    finally:
        del sys.modules['mmseg']
        sys.modules.update(saved)


@case('seg-se-stages-length', OptionError,
      ('SESegResNetV1c.se_stages=(True, False)',
       'a tuple of 4 bools (one per stage)'))
def _se_stages(tmp_path):
    seg(depth=50, se_stages=(True, False))


@case('seg-se-cfg-not-dict', OptionError,
      ("SESegResNetV1c.se_cfg='se'", 'a dict (SE options'))
def _se_cfg(tmp_path):
    seg(depth=50, se_cfg='se')


@case('seg-unknown-option', OptionError,
      ("SESegResNetV1c: got an unexpected keyword argument 'dilation'",
       'contract_dilation'))
def _unknown(tmp_path):
    seg(depth=50, dilation=(1, 1, 2, 4))


@case('seg-dilations-length', OptionError,
      ('SESegResNetV1c.dilations=(1, 2)', 'a sequence of 4 ints >= 1'))
def _dilations(tmp_path):
    seg(depth=50, dilations=(1, 2))


@case('seg-contract-dilation-not-bool', OptionError,
      ("SESegResNetV1c.contract_dilation='yes'", '(False, True)'))
def _contract(tmp_path):
    seg(depth=50, contract_dilation='yes')


@case('seg-deep-stem-fixed', OptionError,
      ('SESegResNetV1c.deep_stem=False', 'ResNetV1c fixes'))
def _deep_stem(tmp_path):
    seg(depth=50, deep_stem=False)


@case('seg-pretrained-and-init-cfg', OptionError,
      ("SESegResNetV1c.init_cfg={'type': 'Pretrained'",
       "pretrained='r50.pth'"))
def _pretrained_twice(tmp_path):
    seg(depth=50, pretrained='r50.pth',
        init_cfg=dict(type='Pretrained', checkpoint='r50.pth'))


@case('seg-pretrained-not-str', OptionError,
      ('SESegResNetV1c.pretrained=True', 'a checkpoint path or URL'))
def _pretrained_bool(tmp_path):
    seg(depth=50, pretrained=True)


@case('pose-depth', OptionError,
      ('SEPoseResNet.depth=51', '(18, 34, 50, 101, 152)'))
def _pose_depth(tmp_path):
    pose(depth=51)


@case('pose-out-indices-repeated', OptionError,
      ('SEPoseResNet.out_indices=(3, 3)', 'distinct ints in [0, 3]'))
def _pose_out(tmp_path):
    pose(depth=50, out_indices=(3, 3))


@case('pose-frozen-stages', OptionError,
      ('SEPoseResNet.frozen_stages=5', 'an int in -1..4'))
def _pose_frozen(tmp_path):
    pose(depth=50, frozen_stages=5)


CASES = collect(globals())
