"""Parameters and FLOPs of the SENet family against the paper (Tables 2, 3).

Counted with mmengine's counter (``mmengine.analysis``: the ``FlopAnalyzer``
and ``parameter_count`` behind ``get_model_complexity_info``) on the
classifiers of the ImageNet configs, batch 1, eval mode. mmengine counts one
FLOP per multiply-add of convs and FCs, two per element of an eval-mode BN
and one per pooled input element. The paper counts multiply-adds of convs
and FCs and, for SE, the channel rescaling (its deltas need it: SE-MobileNet
+3 MFLOPs = 0.5M FC + 2.7M rescaling multiplies), not BN or pooling. So
``paper_flops`` is mmengine's ``conv + linear`` (SE's FCs: ``addmm``/``mm``)
plus one per SE rescaling multiply (``aten::mul``; ``aten::addcmul`` where
the trace fuses the rescaling with the residual sum), and the tests compare
that with the paper.
"""
import functools

import pytest
import timm
import torch
from goldens import INCEPTION_RESNET_V2, SENET154, se_params
from mmengine.analysis import (FlopAnalyzer, get_model_complexity_info,
                               parameter_count)
from mmengine.analysis.jit_handles import elementwise_flop_counter
from test_senet_family import MODELS_, build

M, G = 1e6, 1e9
# Parses mmpretrain's metafiles once for all ``mmpretrain::`` bases.
pytestmark = pytest.mark.usefixtures('cached_metafiles')


def count(model, size):
    """Parameters and FLOPs of ``model`` on one ``size`` x ``size`` image."""
    analyzer = FlopAnalyzer(model.eval(), (torch.randn(1, 3, size, size), ))
    rescale = elementwise_flop_counter(0, 1)
    analyzer.set_op_handle('aten::mul', rescale, 'aten::addcmul', rescale)
    analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    ops = analyzer.by_operator()
    rescaling = ops.pop('mul', 0) + ops.pop('addcmul', 0)
    # SE's FCs run on the pooled vector as matrix products (addmm, or mm
    # without biases).
    fcs = ops.get('linear', 0) + ops.get('addmm', 0) + ops.get('mm', 0)
    return dict(
        params=parameter_count(model)[''],
        paper_flops=ops['conv'] + fcs + rescaling,
        mmengine_flops=sum(ops.values()))


@pytest.fixture(scope='module')
def counts():
    """``counts(config)``: each config counted once per test module."""

    @functools.lru_cache(None)
    def counted(name, size=None):
        family = next(f for f, v in MODELS_.items() if name in v[:2])
        return count(build(name), size or MODELS_[family][2])

    return counted


def within(value, paper, tol=0.02):
    return abs(value / paper - 1) <= tol


def delta_within_rounding(base, se, paper_base, paper_se, unit):
    """The SE FLOP overhead relative to the base network lies in what the
    paper's two rounded numbers allow: ``(se - base +- unit) / base``."""
    ours = (se['paper_flops'] - base['paper_flops']) / base['paper_flops']
    low = max(paper_se - paper_base - unit, 0) / paper_base
    return low <= ours <= (paper_se - paper_base + unit) / paper_base


def test_counts_are_get_model_complexity_infos(counts):
    """The counter of the tests is mmengine's get_model_complexity_info."""
    model = build('se_mobilenet_v1').eval()
    info = get_model_complexity_info(
        model, (3, 224, 224), show_table=False, show_arch=False)
    ours = counts('se_mobilenet_v1')
    assert info['params'] == ours['params']
    assert info['flops'] == ours['mmengine_flops']


# --------------------------------------------------- Table 3: MobileNet
def test_mobilenet(counts):
    base, se = counts('mobilenet_v1'), counts('se_mobilenet_v1')
    assert within(base['params'], 4.2 * M) and within(se['params'], 4.7 * M)
    assert within(base['paper_flops'], 569 * M)
    assert within(se['paper_flops'], 572 * M)
    # Even to the paper's last digit: 568.7 -> 569, 571.9 -> 572 MFLOPs.
    assert round(base['paper_flops'] / M) == 569
    assert round(se['paper_flops'] / M) == 572
    # One SE after each of the 13 pointwise convs (r=16, FC biases).
    widths = [64, 128, 128, 256, 256] + [512] * 6 + [1024] * 2
    assert se['params'] - base['params'] == se_params(widths)
    assert delta_within_rounding(base, se, 569, 572, 1)


# --------------------------------------------------- Table 3: ShuffleNet
def test_shufflenet(counts):
    base, se = counts('shufflenet_v1'), counts('se_shufflenet_v1')
    # mmpretrain's ShuffleNet 1x (g=3) has 1.87M parameters and SE adds
    # 0.62M (2.49M); the paper prints 1.8M and 2.4M, so it truncates to
    # 0.1M (it rounds nowhere else where we can check: MobileNet's 4.23 and
    # 4.72 are 4.2 and 4.7 either way). The +0.6M delta matches.
    assert int(base['params'] / 1e5) == 18 and int(se['params'] / 1e5) == 24
    assert abs((se['params'] - base['params']) / M - 0.6) < 0.05
    # 137.5 and 139.7 MFLOPs: 1.8% and 1.6% under the paper's 140 and 142.
    # 140 is the ShuffleNet paper's own nominal figure for 1x (g=3), a
    # complexity level rather than a count to the MFLOP.
    assert within(base['paper_flops'], 140 * M)
    assert within(se['paper_flops'], 142 * M)
    # SE on each unit's branch (before the merge): 216/240/480 channels in
    # the three stride-2 units, 240/480/960 in the others.
    widths = [216] + [240] * 3 + [240] + [480] * 7 + [480] + [960] * 3
    assert se['params'] - base['params'] == se_params(widths)
    assert delta_within_rounding(base, se, 140, 142, 1)


# ------------------------------------------------- Table 2: BN-Inception
def test_bn_inception(counts):
    base, se = counts('bn_inception'), counts('se_bn_inception')
    assert within(base['paper_flops'], 2.03 * G)
    assert within(se['paper_flops'], 2.04 * G)
    # SE on the 10 Inception modules' concatenated outputs. They add 1.8
    # MFLOPs (0.6M FC + 1.2M rescaling): 2.0326 -> 2.0344 GFLOPs. The
    # paper's 2.03 -> 2.04 needs a base >= 2.0332, 0.6 MFLOPs (0.03%) more
    # than ours, e.g. Caffe's conv biases or pooling counted.
    widths = [256, 320, 576, 576, 576, 608, 608, 1056, 1024, 1024]
    assert se['params'] - base['params'] == se_params(widths)
    assert delta_within_rounding(base, se, 2.03, 2.04, 0.01)


# --------------------------------------------------- Table 2: VGG-16 (BN)
def test_vgg16_bn(counts):
    base, se = counts('vgg16bn'), counts('se_vgg16bn')
    # 15.470 and 15.484 GFLOPs: the paper's 15.47 and 15.48 to the digit.
    assert round(base['paper_flops'] / G, 2) == 15.47
    assert round(se['paper_flops'] / G, 2) == 15.48
    widths = [64] * 2 + [128] * 2 + [256] * 3 + [512] * 6
    assert se['params'] - base['params'] == se_params(widths)
    assert delta_within_rounding(base, se, 15.47, 15.48, 0.01)


# ------------------------------------------ Table 2: Inception-ResNet-v2
def test_inception_resnet_v2_parameters():
    """55,843,464: those of timm's port of the released TF-slim network,
    whose layers ours match one to one (test_senet_family.py)."""
    base, se = build('inception_resnet_v2'), build('se_inception_resnet_v2')
    assert parameter_count(base)[''] == INCEPTION_RESNET_V2
    widths = [320] * 10 + [1088] * 20 + [2080] * 10
    assert parameter_count(se)[''] - parameter_count(base)[''] == se_params(
        widths)


@pytest.mark.slow
def test_inception_resnet_v2_flops(counts):
    """Slow: about a minute on 2 CPU cores (two 13-GFLOP traces)."""
    base, se = counts('inception_resnet_v2'), counts('se_inception_resnet_v2')
    ported = count(
        timm.create_model('inception_resnet_v2', pretrained=False), 299)
    # We count 13.17 GFLOPs at 299 x 299, 12% over the paper's 11.75, and
    # exactly what the same counter gives for timm's port of the released
    # TF-slim network (whose parameters ours match one to one, see above;
    # timm lists it at 13.2 GMACs). The paper does not say which variant it
    # re-implemented: its Inception-v4 paper figures (5/10/5 units, the
    # Inception-v4 stem) give about 9 GFLOPs, so neither fits; we keep the
    # released network. The SE overhead does match (+0.15% vs +0.09%,
    # within the rounding of 11.75 -> 11.76).
    assert base['paper_flops'] == ported['paper_flops']
    assert within(base['paper_flops'], 13.2 * G)
    assert base['paper_flops'] / (11.75 * G) > 1.1
    assert delta_within_rounding(base, se, 11.75, 11.76, 0.01)


# ---------------------------------------------------- Table 4: SENet-154
def test_senet154_parameters():
    """115,088,984: the released Caffe model's count, as in timm's port,
    whose layers ours match one to one (test_senet_family.py)."""
    assert parameter_count(build('senet154'))[''] == SENET154


@pytest.mark.slow
def test_senet154_flops(counts):
    """Slow: about a minute on 2 CPU cores (20.7 and 42.2 GFLOP traces)."""
    ours = counts('senet154')
    ported = count(
        timm.create_model('legacy_senet154', pretrained=False), 224)
    # The paper gives no FLOPs for SENet-154; the count must be that of the
    # released model (timm's port): 20.70 GFLOPs at 224.
    assert ours['paper_flops'] == ported['paper_flops']
    assert within(ours['paper_flops'], 20.7 * G, 0.005)
    # The 320 x 320 evaluation costs (320 / 224)^2 as much, up to borders.
    ratio = counts('senet154', 320)['paper_flops'] / ours['paper_flops']
    assert within(ratio, (320 / 224)**2, 0.01)
