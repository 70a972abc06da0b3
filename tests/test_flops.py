"""mmengine's FLOP counter (behind mmdet's and mmpretrain's get_flops.py)
counts SE's FC layers, as modules, and SE adds the paper's formula."""
import pytest
import torch
from mmengine.analysis import FlopAnalyzer, get_model_complexity_info

from se_plugin.analysis.cost import se_fc_flops
from se_plugin.models import SELayer, SEResNet

SHAPE = (3, 64, 64)  # SE's FC cost does not depend on the input size


def paper_se_flops(ratio=16, blocks=(3, 4, 6, 3), widths=(256, 512, 1024,
                                                          2048)):
    """(2 / r) * sum_s N_s * C_s ** 2: SE-ResNet-50's extra weights, and
    multiply-adds per image (PAPER.md, section 1)."""
    return sum(2 * n * c * c // ratio for n, c in zip(blocks, widths))


def test_counter_adds_the_paper_formula_for_se():
    se = SEResNet(depth=50, style='caffe').eval()
    base = SEResNet(depth=50, style='caffe', se_cfg=None).eval()
    flops = {}
    for name, model in (('se', se), ('base', base)):
        info = get_model_complexity_info(model, input_shape=SHAPE,
                                         show_table=False, show_arch=False)
        flops[name] = info['flops']
    assert paper_se_flops() == 2_514_944 == se_fc_flops(se)
    assert flops['se'] - flops['base'] == paper_se_flops()


def test_report_lists_se_fcs_as_called_modules():
    model = SEResNet(depth=50, style='caffe').eval()
    analyzer = FlopAnalyzer(model, (torch.randn(1, *SHAPE), ))
    analyzer.unsupported_ops_warnings(False)
    assert not [m for m in analyzer.uncalled_modules() if '.se' in m]
    by_module = analyzer.by_module()
    # One multiply-add per weight: 2048 -> 128 -> 2048 in the last stage.
    assert by_module['layer4.2.se.fc1'] == 2048 * 128
    assert by_module['layer4.2.se.fc2'] == 128 * 2048
    assert by_module['layer1.0.se'] == 2 * 256 * 16


def test_se_fc_flops_refuses_nosqueeze():
    with pytest.raises(ValueError, match="squeeze='none' costs its FCs"):
        se_fc_flops(torch.nn.Sequential(SELayer(16, squeeze='none')))
