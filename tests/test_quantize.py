"""int8 static quantization with ONNX Runtime (QDQ) of exported SE models.

Default suite: a small SE-ResNet quantized on random calibration data.
``-m slow``: the benchmark command on the digits (trains both models), int8
within 1 point of fp32.
"""
import importlib.util
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from se_plugin.deployment import export_onnx, onnx_session
from se_plugin.deployment.quantize import (paired_ratio, quantize_int8,
                                           time_files, top1)
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
    quantize_int8(fp32, int8, (data[i:i + 4] for i in (0, 4)))
    return model, fp32, int8, data


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


def test_int8_follows_fp32(files):
    model, fp32, int8, data = files
    with torch.no_grad():
        ref = model(torch.from_numpy(data), mode='tensor').numpy()
    out = {f: onnx_session(f).run(None, {'input': data})[0]
           for f in (fp32, int8)}
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


@pytest.mark.slow
def test_benchmark_keeps_accuracy(digits_root, tmp_path):
    file = ROOT / 'tools' / 'deployment' / 'quantize_benchmark.py'
    spec = importlib.util.spec_from_file_location('quantize_benchmark', file)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    results = tool.main([
        '--data-root', str(digits_root), '--work-dir', str(tmp_path),
        '--repeats', '3', '--warmup', '1', '--peers', 'timm-r50'
    ])
    acc = results['pairs']['digits ResNet-18 (32x32)']['accuracy']
    print(json.dumps(acc))
    assert acc['se/fp32'] > 95 and acc['base/fp32'] > 95
    for kind in ('se', 'base'):
        assert abs(acc[f'{kind}/int8'] - acc[f'{kind}/fp32']) <= 1.0
    timm = results['pairs']['timm-r50 (224x224, random weights)']['time']
    assert set(timm) == {'batch1/fp32', 'batch1/int8', 'batch32/fp32',
                         'batch32/int8'}
