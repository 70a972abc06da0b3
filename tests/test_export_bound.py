"""The scale-aware bound ONNX Runtime is held to against PyTorch
(:func:`se_plugin.deployment.scaled_bound`, used by export_onnx.py)."""
import pytest
import torch
import torch.nn as nn

pytest.importorskip('onnxruntime')

from se_plugin.deployment import compare_onnx, export_onnx  # noqa: E402


def large_output_model():
    """Four 3x3 convolutions whose outputs reach ~400 (last weights x 3000):
    float32 rounding alone is then above 1e-4."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 8, 3, padding=1)).eval()
    with torch.no_grad():
        model[-1].weight.mul_(3000)
    return model


def test_large_output_passes_scaled_bound(tmp_path):
    model = large_output_model()
    file = str(tmp_path / 'm.onnx')
    export_onnx(model, file, (1, 3, 32, 32))
    with torch.no_grad():
        scale = float(model(torch.randn(2, 3, 32, 32)).abs().max())
    results = compare_onnx(file, model, [(2, 3, 32, 32), (1, 3, 48, 32)])
    assert scale > 100
    assert all(diff <= bound for diff, bound in results)
    # The old absolute 1e-4 fails this correct export.
    assert max(diff for diff, _ in results) > 1e-4


def test_broken_export_fails_scaled_bound(tmp_path):
    model = large_output_model()
    file = str(tmp_path / 'm.onnx')
    export_onnx(model, file, (1, 3, 32, 32))
    with torch.no_grad():  # the file no longer matches the model: 1% off
        model[-1].weight.mul_(1.01)
    results = compare_onnx(file, model, [(2, 3, 32, 32)])
    assert all(diff > 10 * bound for diff, bound in results)
