"""What se_plugin needs from torch and mmcv beyond their oldest versions
(mmcv-lite too), asked here instead of failing at import."""
import importlib.util

import torch


def capturing() -> bool:
    """Whether the caller is being captured into a graph (jit.trace, ONNX
    export, torch.compile, torch.export) rather than run."""
    compiler = torch.compiler
    if not hasattr(compiler, 'is_compiling'):  # torch < 2.3
        import torch._dynamo as compiler
    return bool(torch.jit.is_tracing() or torch.onnx.is_in_onnx_export()
                or compiler.is_compiling()
                or getattr(torch.compiler, 'is_exporting', lambda: False)())


def autocast_cpu() -> bool:
    """Whether CPU autocast is on (``torch.is_autocast_enabled('cpu')`` is
    new in torch 2.4)."""
    try:
        return torch.is_autocast_enabled('cpu')
    except TypeError:
        return torch.is_autocast_cpu_enabled()


def missing_mmcv_ops() -> str:
    """Why mmdet's models (RoIAlign, nms) cannot load, or '' if they can
    (mmdet is optional; mmcv-lite has no ``mmcv._ext``)."""
    if importlib.util.find_spec('mmdet') is None:
        return 'mmdet is not installed'
    if importlib.util.find_spec('mmcv._ext') is None:
        return ('mmcv has no compiled ops (mmcv._ext): mmcv-lite or an mmcv '
                'built without MMCV_WITH_OPS=1')
    return ''


def register_unavailable(registry, name: str, reason: str) -> None:
    """Register ``name`` in ``registry`` as a stand-in whose build raises
    naming the module and ``reason`` (what is missing)."""

    def unavailable(*args, **kwargs):
        raise ImportError(f'se_plugin.{name} needs mmdet with mmcv\'s '
                          f'compiled ops, but {reason}; install mmcv '
                          '(not mmcv-lite) with its ops')

    unavailable.__name__ = name
    registry.register_module(name=name, module=unavailable)
