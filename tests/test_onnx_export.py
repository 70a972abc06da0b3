"""ONNX export with both exporters, checked with ONNX Runtime (CPU).

Default suite: SE-ResNet-18 (the digits config, through the tool), every
SE placement and squeeze on a narrow SE-ResNet-50, the compiled-kernel model,
bad input. ``-m slow``: every shipped model and ablation config.
"""
import collections
import glob
from pathlib import Path

import onnx
import pytest
import torch

from se_plugin.deployment import export_onnx, max_difference
from se_plugin.models import SELayer, SEResNet
from se_plugin.models.blocks import residual

ROOT = Path(__file__).parents[1]
TOL = 1e-4


def checks(n, c, h, w):
    """Two input sizes other than the export's, batch too."""
    return [(n + 1, c, h * 3 // 2, w), (n + 2, c, h, w * 3 // 2)]


def export_and_compare(model, tmp_path, shape, exporter):
    file = str(tmp_path / f'{exporter}.onnx')
    export_onnx(model, file, shape, exporter)
    onnx.checker.check_model(file)
    return onnx.load(file), max_difference(file, model, checks(*shape))


@pytest.mark.parametrize('exporter', ['torchscript', 'dynamo'])
def test_tool_exports_se_resnet18(load_tool, tmp_path, exporter, capsys):
    out = tmp_path / 'se_resnet18.onnx'
    args = [str(ROOT / 'configs/digits/se_resnet18_digits.py'), '--out',
            str(out), '--shape', '32', '32', '--exporter', exporter]
    diffs = load_tool('deployment/export_onnx.py').main(args)
    assert len(diffs) == 2 and max(diffs) < TOL
    printed = capsys.readouterr().out
    assert 'at 2x3x64x32: max abs difference' in printed
    assert 'at 3x3x32x96: max abs difference' in printed
    graph = onnx.load(str(out)).graph
    dims = graph.input[0].type.tensor_type.shape.dim
    assert [d.HasField('dim_param') for d in dims] == [True, False, True,
                                                       True]
    assert dims[1].dim_value == 3
    # The exported file is never replaced silently: one line, exit 1
    # (tests/bad_inputs/deploy.py checks the file is untouched).
    with pytest.raises(SystemExit, match='error: .* pass --overwrite'):
        load_tool('deployment/export_onnx.py').main(args)


def narrow_se_resnet50(**kwargs):
    """SE-ResNet-50 at 1/4 width: the same blocks, faster to export."""
    torch.manual_seed(0)
    return SEResNet(depth=50, stem_channels=16, base_channels=16,
                    se_cfg=kwargs.pop('se_cfg', dict(ratio=4)),
                    **kwargs).eval()


@pytest.mark.parametrize('placement',
                         ['standard', 'pre', 'post', 'identity', '3x3'])
def test_every_placement_exports(tmp_path, placement):
    model = narrow_se_resnet50(se_placement=placement)
    _, diffs = export_and_compare(model, tmp_path, (1, 3, 32, 32),
                                  'torchscript')
    assert max(diffs) < TOL


def test_export_under_no_grad(tmp_path):
    """Inference (no_grad) takes the fast path in eager mode (its
    ``addcmul(out=)`` no exporter takes): exports do not."""
    model = narrow_se_resnet50()
    with torch.no_grad():
        _, diffs = export_and_compare(model, tmp_path, (1, 3, 32, 32),
                                      'torchscript')
    assert max(diffs) < TOL


@pytest.mark.parametrize('squeeze', ['max', 'none'])
def test_every_squeeze_exports(tmp_path, squeeze):
    model = narrow_se_resnet50(se_cfg=dict(ratio=4, squeeze=squeeze,
                                           gate='tanh'))
    _, diffs = export_and_compare(model, tmp_path, (1, 3, 32, 32),
                                  'torchscript')
    assert max(diffs) < TOL


@pytest.mark.parametrize('squeeze', ['avg', 'max'])
def test_dynamo_exports_a_block_with_dynamic_size(tmp_path, squeeze):
    """dynamo=True with symbolic H x W (a squeeze written as ``1 / HW``
    would need a Python float)."""
    torch.manual_seed(0)
    block = residual.SEBottleneck(
        32, 64, stride=2, downsample=torch.nn.Sequential(
            torch.nn.Conv2d(32, 64, 1, stride=2), torch.nn.BatchNorm2d(64)),
        se_cfg=dict(ratio=4, squeeze=squeeze)).eval()
    _, diffs = export_and_compare(block, tmp_path, (1, 32, 8, 8), 'dynamo')
    assert max(diffs) < TOL


@pytest.mark.parametrize('exporter', ['torchscript', 'dynamo'])
def test_graph_counts_the_fc_modules(tmp_path, exporter):
    """The exported SE is GlobalAveragePool -> Conv -> Relu -> Conv ->
    Sigmoid -> Mul: the squeeze as the pool ONNX Runtime keeps in its NCHWc
    layout, the FCs the modules' 1x1 convolutions (no Gemm with alpha), and
    no constant left over from the mean's axes."""
    layer = SELayer(16, ratio=4).eval()
    model, diffs = export_and_compare(layer, tmp_path, (1, 16, 5, 7),
                                      exporter)
    assert max(diffs) < TOL
    assert [n.op_type for n in model.graph.node] == [
        'GlobalAveragePool', 'Conv', 'Relu', 'Conv', 'Sigmoid', 'Mul']
    assert len(model.graph.initializer) == 4  # the FCs' weights and biases


@pytest.mark.parametrize('exporter', [
    'torchscript', pytest.param('dynamo', marks=pytest.mark.slow)])
def test_export_never_takes_the_fast_path(tmp_path, fast_calls, exporter):
    model = narrow_se_resnet50(se_cfg=dict(cpu_kernel=True))
    with torch.no_grad():
        export_onnx(model, str(tmp_path / 'm.onnx'), (1, 3, 32, 32),
                    exporter)
    assert not fast_calls


# ------------------------------------- SE-ResNet-50: one graph, minimal SE
@pytest.fixture(scope='module', params=['torchscript', 'dynamo'])
def exported(request, tmp_path_factory):
    """``(exporter, model, {'se': graph, 'base': graph}, session)`` for the
    narrow SE-ResNet-50 and its baseline (se_cfg=None)."""
    from se_plugin.deployment import onnx_session
    graphs, exporter = {}, request.param
    model = narrow_se_resnet50()
    for name, net in (('se', model),
                      ('base', narrow_se_resnet50(se_cfg=None))):
        file = str(tmp_path_factory.mktemp(exporter) / f'{name}.onnx')
        export_onnx(net, file, (1, 3, 32, 32), exporter)
        graphs[name] = onnx.load(file).graph
        if name == 'se':
            session = onnx_session(file)
    return exporter, model, graphs, session


def test_exported_model_equals_the_module_graph(exported, module_graph):
    _, model, _, session = exported
    x = torch.randn(2, 3, 48, 32)
    with torch.no_grad():
        expected = module_graph(model, x)
    got = torch.from_numpy(session.run(None, {'input': x.numpy()})[0])
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def op_histogram(graph):
    return collections.Counter(n.op_type for n in graph.node)


#: One SE block beyond the plain block: squeeze, two 1x1 convs, the
#: activation, the gate and one multiply (the residual Add is the plain
#: block's own).
SE_BLOCK_OPS = collections.Counter(
    GlobalAveragePool=1, Conv=2, Relu=1, Sigmoid=1, Mul=1)


def test_each_se_block_exports_the_minimal_graph(exported):
    _, _, graphs, _ = exported
    extra = op_histogram(graphs['se'])
    extra.subtract(op_histogram(graphs['base']))
    assert +extra == collections.Counter(
        {op: 16 * n for op, n in SE_BLOCK_OPS.items()})
    assert -extra == collections.Counter()  # nothing of the base removed


def test_no_multiply_by_a_constant(exported):
    _, _, graphs, _ = exported
    graph = graphs['se']
    constants = {o for n in graph.node if n.op_type == 'Constant'
                 for o in n.output} | {i.name for i in graph.initializer}
    muls = [n for n in graph.node if n.op_type == 'Mul']
    assert len(muls) == 16
    assert not [n for n in muls if set(n.input) & constants]


#: Every shipped model: (config, export height = width).
MODELS = [
    ('digits/se_resnet18_digits.py', 32),
    ('se_resnet/se_resnet50_imagenet.py', 64),
    ('se_resnet/se_resnet101_imagenet.py', 64),
    ('se_resnext/se_resnext50-32x4d_imagenet.py', 64),
    ('senet154/senet154_imagenet.py', 64),
    ('se_bn_inception/se_bn_inception_imagenet.py', 96),
    ('se_inception_resnet_v2/se_inception_resnet_v2_imagenet.py', 96),
    ('se_vgg/se_vgg16bn_imagenet.py', 224),
    ('se_mobilenet/se_mobilenet_v1_imagenet.py', 64),
    ('se_shufflenet/se_shufflenet_v1_imagenet.py', 64),
    ('detection/faster-rcnn_se-r50_fpn_1x_coco.py', 128),
    ('detection/faster-rcnn_se-r50_se-fpn_1x_coco.py', 128),
    ('detection/faster-rcnn_r50_mlse-fpn_1x_coco.py', 128),
    # se_plugin.Attach in the toolboxes' own backbones (SE through hooks).
    ('attention/se_resnet50_imagenet.py', 64),
    ('attention/eca_resnet50_imagenet.py', 64),
    ('attention/cbam_resnet50_imagenet.py', 64),
    ('attention/gc_resnet50_imagenet.py', 64),
    ('attention/eca_resnet50d_imagenet.py', 64),
    ('regnet/regnety-400mf_8xb128_imagenet.py', 64),
    ('detection/faster-rcnn_r18-se-anywhere_fpn_1x_coco.py', 128),
    ('yolox/yolox_s_se-cspdarknet_8xb8-300e_coco.py', 128),
] + [(str(Path(c).relative_to(ROOT / 'configs')), 64)
     for pattern in ('placement-*', 'squeeze-*', 'nosqueeze')
     for c in sorted(glob.glob(str(ROOT / f'configs/ablations/se_*_{pattern}'
                                         '_imagenet.py')))]
#: Networks that run only at sizes that are multiples of 32 (their pooled
#: and strided branches meet in a concatenation): torch.export needs to be
#: told, or it cannot prove that the branches' sizes agree.
SIZE_MULTIPLE = {'se_bn_inception/se_bn_inception_imagenet.py': 32}
#: VGG's classifier is fully connected on the 7x7 map: 224x224 only (in
#: PyTorch too), so only its batch varies.
FIXED_SIZE = ('se_vgg/se_vgg16bn_imagenet.py', )


def settle_batch_norm(model, size):
    """Batch norms with the statistics of random images, as after training:
    at initialisation (mean 0, var 1) eval-mode BN passes activations on
    unnormalised, and in deep plain networks (MobileNet) they fade to 1e-22,
    which would leave nothing to compare but the classifier's bias."""
    from se_plugin.deployment import GraphModel
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # the cumulative average
    graph = GraphModel(model).train()
    with torch.no_grad():
        for _ in range(2):
            graph(torch.randn(4, 3, size, size))
    return model.eval()


@pytest.mark.slow
@pytest.mark.parametrize('exporter', ['torchscript', 'dynamo'])
@pytest.mark.parametrize('config,size', MODELS, ids=[m[0] for m in MODELS])
def test_every_model_exports(tmp_path, config, size, exporter):
    from se_plugin.deployment import build_model
    torch.manual_seed(0)
    model = settle_batch_norm(build_model(str(ROOT / 'configs' / config)),
                              size)
    file = str(tmp_path / 'm.onnx')
    export_onnx(model, file, (1, 3, size, size), exporter,
                size_multiple=SIZE_MULTIPLE.get(config, 1)
                if exporter == 'dynamo' else 1)
    shapes = ([(2, 3, size, size), (3, 3, size, size)] if config
              in FIXED_SIZE else [(2, 3, size + 32, size),
                                  (3, 3, size, size + 64)])
    diffs = max_difference(file, model, shapes)
    scale, fp32_error = float32_error(model, shapes[0])
    # Random deep networks amplify rounding: where PyTorch's own float32
    # output is further than 1e-4 from its float64 one (SENet-154, the
    # post / identity / pre / 3x3 placements), ONNX Runtime is held to that
    # precision instead.
    tol = max(TOL, 3 * fp32_error)
    print(f'\nEXPORT {config} {exporter} {max(diffs):.3g} {scale:.3g} '
          f'{fp32_error:.3g}')
    assert max(diffs) < tol and scale > 1e-2


def float32_error(model, shape):
    """Largest output, and how far PyTorch's float32 output is from its
    float64 one, on a random input of ``shape``."""
    import copy
    from se_plugin.deployment import GraphModel
    x = torch.randn(*shape)
    graph = GraphModel(model).eval()
    with torch.no_grad():
        out32 = graph(x)
        out64 = copy.deepcopy(graph).double()(x.double())
    pairs = list(zip(*[o if isinstance(o, (tuple, list)) else [o]
                       for o in (out32, out64)]))
    return (max(b.abs().max().item() for _, b in pairs),
            max((a.double() - b).abs().max().item() for a, b in pairs))
