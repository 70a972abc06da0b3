"""int8 static quantization with ONNX Runtime (QDQ) of exported SE models.

Default suite: a small SE-ResNet quantized on random calibration data (the
squeeze rewrite, where Q/DQ touch full feature maps). ``-m slow``: the
benchmark command on the digits (trains both models), int8 within 0.5 points
of fp32.
"""
import collections
import importlib.util
import json
import warnings
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from se_plugin.deployment import export_onnx, onnx_session
from se_plugin.deployment.quantize import (paired_ratio, quantize_int8,
                                           squeeze_to_gap, time_files, top1)
from se_plugin.engine.errors import OptionError
from mmpretrain.models import ImageClassifier

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp('int8')
    torch.manual_seed(0)
    model = ImageClassifier(
        backbone=dict(type='se_plugin.SEResNet', depth=18, base_channels=16,
                      stem_channels=16, se_cfg=dict(ratio=4)),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10,
                  in_channels=128)).eval()
    fp32, int8 = str(root / 'fp32.onnx'), str(root / 'int8.onnx')
    export_onnx(model, fp32, (1, 3, 32, 32))
    rng = np.random.default_rng(0)
    data = rng.standard_normal((8, 3, 32, 32), np.float32)
    counts = quantize_int8(fp32, int8, (data[i:i + 4] for i in (0, 4)))
    assert counts == dict(squeezes=0)  # export_onnx wrote them as pools
    return model, fp32, int8, data


def test_squeeze_rewrite_keeps_outputs(files, tmp_path):
    """A file exported without export_onnx (torch.onnx.export itself)
    has ReduceMean squeezes; the rewrite makes them what export_onnx
    writes, with the same outputs."""
    model, fp32, _, data = files
    raw = str(tmp_path / 'raw.onnx')
    torch.onnx.export(model, (torch.from_numpy(data[:1]), ), raw,
                      dynamo=False, opset_version=17,
                      input_names=['input'],
                      dynamic_axes={'input': {0: 'batch'}})
    graph = onnx.load(raw)
    before = [n.op_type for n in graph.graph.node]
    assert squeeze_to_gap(graph) == 8
    after = [n.op_type for n in graph.graph.node]
    # Each SE squeeze, and nothing else, changes op (the head's pool
    # already is a GlobalAveragePool).
    assert before.count('ReduceMean') == 8 and 'ReduceMean' not in after
    assert after.count('GlobalAveragePool') == 8 + 1
    assert len(after) == len(before)
    assert after == [n.op_type for n in onnx.load(fp32).graph.node]
    rewritten = str(tmp_path / 'gap.onnx')
    onnx.save(graph, rewritten)
    out = [onnx_session(f).run(None, {'input': data})[0]
           for f in (raw, rewritten)]
    # The same mean, summed in another order: float rounding only.
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-5)


@pytest.fixture(scope='module')
def base_int8(files, tmp_path_factory):
    """The int8 file of ``files``' network without SE."""
    root = tmp_path_factory.mktemp('base_int8')
    base = ImageClassifier(
        backbone=dict(type='se_plugin.SEResNet', depth=18, base_channels=16,
                      stem_channels=16, se_cfg=None),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10,
                  in_channels=128)).eval()
    fp32, base8 = str(root / 'b.onnx'), str(root / 'b8.onnx')
    export_onnx(base, fp32, (1, 3, 32, 32))
    quantize_int8(fp32, base8, [files[3][:4]])
    return base8


def full_map_qdq(file):
    """On full (4-d, not 1x1) feature maps of a QDQ file: the number of
    ``QuantizeLinear`` and the op types that read a dequantized map (each
    should have an int8 kernel; another means a float round trip)."""
    graph = onnx.shape_inference.infer_shapes(onnx.load(file)).graph
    shapes = {v.name: [d.dim_value or d.dim_param for d in
                       v.type.tensor_type.shape.dim]
              for v in (*graph.input, *graph.value_info, *graph.output)}

    def spatial(name):
        dims = shapes.get(name, [])
        return len(dims) == 4 and not (dims[2] == 1 and dims[3] == 1)

    quantized = sum(n.op_type == 'QuantizeLinear' and spatial(n.input[0])
                    for n in graph.node)
    dequantized = {n.output[0] for n in graph.node
                   if n.op_type == 'DequantizeLinear' and spatial(n.output[0])}
    readers = collections.Counter(
        n.op_type for n in graph.node
        if n.op_type != 'QuantizeLinear' and dequantized & set(n.input))
    return quantized, dict(readers)


def test_no_extra_conversion_of_full_maps(files, base_int8):
    se_q, se_readers = full_map_qdq(files[2])
    base_q, base_readers = full_map_qdq(base_int8)
    # SE's one extra quantization of a full map per block: the multiply's
    # output (the residual Add's input), the int8 map the block hands on.
    assert se_q - base_q == 8
    # Every dequantized full map is read by an op with an int8 kernel (no
    # float ReduceMean round trip); SE adds its squeeze and multiply.
    assert set(se_readers) <= {'Conv', 'MaxPool', 'Add', 'Mul',
                               'GlobalAveragePool'}
    assert se_readers['Mul'] == 8
    assert se_readers['GlobalAveragePool'] - base_readers.get(
        'GlobalAveragePool', 0) == 8


def test_se_is_quantized(files):
    _, _, int8, _ = files
    graph = onnx.load(int8).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count('QuantizeLinear') > 20
    # Every convolution, SE's FCs included (2 per block, 8 blocks), reads
    # dequantized int8 weights.
    produced = {o: n.op_type for n in graph.node for o in n.output}
    convs = [n for n in graph.node if n.op_type == 'Conv']
    # ResNet-18: stem, 2 per block, 3 downsamples; SE: 2 per block.
    assert len(convs) == 1 + 8 * 2 + 3 + 8 * 2
    assert all(produced.get(n.input[1]) == 'DequantizeLinear' for n in convs)


def fused_ops(file, out_dir):
    """Op type counts of the graph ONNX Runtime runs after its QDQ fusions
    (ORT_ENABLE_EXTENDED: no hardware-specific layout changes)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    out_dir.mkdir()
    options.optimized_model_filepath = str(out_dir / 'fused.onnx')
    ort.InferenceSession(file, options, providers=['CPUExecutionProvider'])
    return collections.Counter(
        n.op_type for n in onnx.load(options.optimized_model_filepath)
        .graph.node)


def test_se_branch_runs_in_int8_kernels(files, base_int8, tmp_path):
    """The gate stays in int8, the precision measured fastest (see
    docs/user_guides/deployment.md): SE adds exactly its squeeze, two FCs,
    gate and scale per block (8 blocks) as ONNX Runtime's int8 kernels, and
    no float operator and no other Q/DQ."""
    se = fused_ops(files[2], tmp_path / 'se')
    base = fused_ops(base_int8, tmp_path / 'base')
    assert se - base == {'QLinearGlobalAveragePool': 8, 'QLinearConv': 16,
                         'QLinearSigmoid': 8, 'QLinearMul': 8}
    assert not base - se  # SE takes nothing away either


def test_int8_follows_fp32(files):
    model, fp32, int8, data = files
    with torch.no_grad():
        ref = model(torch.from_numpy(data), mode='tensor').numpy()
    out = {f: onnx_session(f).run(None, {'input': data})[0]
           for f in (fp32, int8)}
    # test_onnx_export.py's rule: 1e-4 (more only where PyTorch's own float32
    # output is further from float64, not so for this small network).
    np.testing.assert_allclose(out[fp32], ref, atol=1e-4)
    # top1() against the model's own predictions: all right in fp32.
    assert top1(fp32, [(data, ref.argmax(1))]) == 100.0
    assert top1(fp32, [(data, (ref.argmax(1) + 1) % 10)]) == 0.0
    err = np.abs(out[int8] - out[fp32]).mean() / np.abs(out[fp32]).mean()
    assert 0 < err < 0.1  # int8 activations and weights: a few percent


def test_timing_pairs_rounds(files):
    _, fp32, int8, _ = files
    times = time_files(dict(a=fp32, b=int8), (1, 3, 32, 32), repeats=3,
                       warmup=1)
    assert set(times) == {'a', 'b'} and len(times['a']['times']) == 3
    ratios = paired_ratio(times, 'a', 'b')
    assert ratios == [a / b for a, b in zip(times['a']['times'],
                                            times['b']['times'])]


def bottleneck(se_cfg):
    """A small SE-ResNet-50 (bottleneck blocks: the scale can fold)."""
    return ImageClassifier(
        backbone=dict(type='se_plugin.SEResNet', depth=50, base_channels=8,
                      stem_channels=16, se_cfg=se_cfg),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10,
                  in_channels=256)).eval()


@pytest.fixture(scope='module')
def folded(tmp_path_factory):
    """The SE and base bottleneck nets: the model, and its fp32, int8 and
    folded int8 files for batches 1 and 4 (SE), fp32 and int8 (base)."""
    root = tmp_path_factory.mktemp('fold')
    data = np.random.default_rng(1).standard_normal((16, 3, 32, 32),
                                                   np.float32)
    torch.manual_seed(0)
    files = dict(model=bottleneck(dict(ratio=4)), data=data)
    for kind, model in (('se', files['model']), ('base', bottleneck(None))):
        fp32 = files[f'{kind}/fp32'] = str(root / f'{kind}.onnx')
        export_onnx(model, fp32, (1, 3, 32, 32))
        for fold in (None, 1, 4) if kind == 'se' else (None, ):
            int8 = files[f'{kind}/int8' + f'-fold{fold}' * bool(fold)] = str(
                root / f'{kind}_int8_{fold}.onnx')
            files[int8] = quantize_int8(fp32, int8, [data[:8], data[8:]],
                                        fold_se=fold)
    return files


def test_fold_folds_every_bottleneck_scale(folded):
    assert folded[folded['se/int8-fold1']] == dict(squeezes=0, folded=16,
                                                   scales=16)
    batch = {key: onnx.load(folded[key]).graph.input[0].type.tensor_type
             .shape.dim[0] for key in ('se/int8', 'se/int8-fold1')}
    assert batch['se/int8'].dim_param and not batch['se/int8'].dim_value
    assert batch['se/int8-fold1'].dim_value == 1  # the batch is fixed to 1


def test_fold_leaves_no_pass_over_the_map(folded, tmp_path):
    """Per block SE adds its squeeze (of the narrower map before the last
    convolution), fc1 with that convolution folded in, fc2, the gate and
    three ops on the C-vector that scale the weight scales; the last
    convolution writes the scaled map: no QLinearMul."""
    se = fused_ops(folded['se/int8-fold1'], tmp_path / 'se')
    base = fused_ops(folded['base/int8'], tmp_path / 'base')
    assert se - base == {'QLinearGlobalAveragePool': 16, 'QLinearConv': 32,
                         'QLinearSigmoid': 16, 'DequantizeLinear': 16,
                         'Reshape': 16, 'Mul': 16}
    assert not base - se


def test_tool_folds_on_request(folded, tmp_path, load_tool, capsys):
    tool = load_tool('deployment/quantize_onnx.py')
    out = tmp_path / 'q.onnx'
    counts = tool.main([folded['se/fp32'], str(out), '--random', '--shape',
                        '32', '32', '--num-images', '4', '--fold-se', '1'])
    assert counts == dict(squeezes=0, folded=16, scales=16) and out.exists()
    assert '16 of 16 SE scales folded (batch 1)' in capsys.readouterr().out


def test_fold_of_a_batch_is_the_fold_of_each_image(folded):
    """At batch 4 each image's gate scales its own slice: the same int8
    arithmetic as the batch-1 file run once per image."""
    data = folded['data'][:4]
    batch = onnx_session(folded['se/int8-fold4']).run(None,
                                                       {'input': data})[0]
    single = onnx_session(folded['se/int8-fold1'])
    each = np.concatenate([single.run(None, {'input': x[None]})[0]
                           for x in data])
    np.testing.assert_array_equal(batch, each)
    assert folded[folded['se/int8-fold4']]['folded'] == 16


def test_fold_takes_a_block_of_zeros(tmp_path):
    """A zero-initialised last BN (timm's init, mmpretrain's
    zero_init_residual) makes the folded convolution's weights all 0 and
    fc1's input constant: fc1's bias alone must survive the fold."""
    torch.manual_seed(0)
    model = bottleneck(dict(ratio=4))
    torch.nn.init.zeros_(model.backbone.layer1[0].bn3.weight)
    fp32, int8 = str(tmp_path / 'z.onnx'), str(tmp_path / 'z8.onnx')
    export_onnx(model, fp32, (1, 3, 32, 32))
    data = np.random.default_rng(1).standard_normal((8, 3, 32, 32),
                                                   np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter('error', RuntimeWarning)  # no int32 overflow
        quantize_int8(fp32, int8, [data], fold_se=1)
    session = onnx_session(int8)
    out = np.concatenate([session.run(None, {'input': x[None]})[0]
                          for x in data])
    with torch.no_grad():
        ref = model(torch.from_numpy(data), mode='tensor').numpy()
    assert np.abs(out - ref).mean() / np.abs(ref).mean() < 0.05


def test_fold_leaves_a_relu_map(tmp_path):
    """SE on relu(conv1x1(h)): the quantizer drops the ReLU (its Q clips),
    but the mean of relu(y) is no linear map of mean(h): nothing folds."""
    from se_plugin.models import SELayer
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 1), torch.nn.ReLU(),
                                SELayer(16, ratio=4)).eval()
    fp32 = str(tmp_path / 'r.onnx')
    export_onnx(model, fp32, (1, 3, 8, 8))
    data = np.random.default_rng(0).standard_normal((4, 3, 8, 8), np.float32)
    quantize_int8(fp32, str(tmp_path / 'q.onnx'), [data])
    assert 'Relu' not in [n.op_type for n in onnx.load(
        str(tmp_path / 'q.onnx')).graph.node]  # what makes it look foldable
    with pytest.raises(OptionError, match=r'no SE scale .* \(1 SE scales;'):
        quantize_int8(fp32, str(tmp_path / 'f.onnx'), [data], fold_se=1)
    assert not (tmp_path / 'f.onnx').exists()


def test_fold_keeps_the_recipes_accuracy(folded):
    data = folded['data']
    with torch.no_grad():
        ref = folded['model'](torch.from_numpy(data), mode='tensor').numpy()
    err = {}
    for key in ('se/int8', 'se/int8-fold1'):
        session = onnx_session(folded[key])
        out = np.concatenate([session.run(None, {'input': x[None]})[0]
                              for x in data])
        assert (out.argmax(1) == ref.argmax(1)).all()
        err[key] = np.abs(out - ref).mean() / np.abs(ref).mean()
    # One rounding of the scaled map instead of two, the squeeze's mean
    # taken before the convolution: as close to fp32 as the plain recipe
    # (measured 0.90% against 0.88%).
    assert 0 < err['se/int8-fold1'] < 1.25 * err['se/int8'] < 0.05


@pytest.mark.slow
def test_benchmark_keeps_accuracy(digits_root, tmp_path):
    file = ROOT / 'tools' / 'deployment' / 'quantize_benchmark.py'
    spec = importlib.util.spec_from_file_location('quantize_benchmark', file)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    results = tool.main([
        '--data-root', str(digits_root), '--work-dir', str(tmp_path),
        '--repeats', '3', '--warmup', '1', '--pairs', 'digits', 'digits-r50',
        'timm-r50',
        '--threads', '1', '--profile-runs', '1'
    ])
    acc = results['pairs']['digits ResNet-18 (32x32)']['accuracy']
    print(json.dumps(acc))
    assert acc['se/fp32'] > 95 and acc['base/fp32'] > 95
    for kind in ('se', 'base'):
        assert abs(acc[f'{kind}/int8'] - acc[f'{kind}/fp32']) <= 0.5
    # Folding keeps the recipe's accuracy (measured +1 image of 360).
    deep = results['pairs']['digits-r50 ResNet-50 (32x32)']['accuracy']
    assert abs(deep['se/int8-fold'] - deep['se/int8']) <= 0.5
    timm = results['pairs']['timm-r50 (224x224, random weights)']
    assert set(timm['time']) == {f'batch{b}/1t/{p}' for b in (1, 32)
                                 for p in ('fp32', 'int8', 'int8-fold')}
    # Shares of all kernel time: they add up to 100.
    assert abs(sum(timm['profile']['int8']['ops'].values()) - 100) < 1e-6


def test_config_batches_normalise_like_the_config(digits_root):
    from PIL import Image
    from se_plugin.deployment.quantize import config_batches
    config = str(ROOT / 'configs' / 'digits' / 'se_resnet18_digits.py')
    batches = list(config_batches(config, 'val', num_images=5, batch_size=3,
                                  data_root=str(digits_root)))
    assert [len(labels) for _, labels in batches] == [3, 2]
    lines = (digits_root / 'meta' / 'val.txt').read_text().split('\n')[:5]
    inputs = np.concatenate([x for x, _ in batches])
    labels = np.concatenate([y for _, y in batches])
    assert labels.tolist() == [int(line.split()[1]) for line in lines]
    # The config's mean = std = 127.5 per channel, by hand.
    for x, line in zip(inputs, lines):
        image = np.asarray(Image.open(digits_root / 'val' / line.split()[0])
                           .convert('RGB'), np.float32)
        expected = (image.transpose(2, 0, 1) - 127.5) / 127.5
        np.testing.assert_allclose(x, expected, atol=1e-6)
