"""Deployment: ONNX export checked with ONNX Runtime, int8 quantization.

Needs the ``deploy`` extra (``pip install se_plugin[deploy]``: onnx,
onnxruntime, onnxscript); importing this package does not.
"""
from ..apis.build import build_model  # the one way to build and load
from .export import (EXPORTERS, GraphModel, compare_onnx, export_onnx,
                     max_difference, onnx_session, scaled_bound)

__all__ = [
    'EXPORTERS', 'GraphModel', 'build_model', 'compare_onnx', 'export_onnx',
    'max_difference', 'onnx_session', 'scaled_bound'
]
