"""What se_plugin needs from torch and mmcv beyond their oldest versions.

setup.cfg allows torch>=2.1.0 and either mmcv with compiled ops or
mmcv-lite; these checks let the rest of the package ask instead of failing
at import.
"""
import importlib.util

import torch


def capturing() -> bool:
    """Whether the caller is being captured into a graph rather than run:
    ``torch.jit.trace`` (the TorchScript ONNX exporter, mmengine's FLOP
    counter), ``torch.onnx.export``, ``torch.compile`` or ``torch.export``
    (the ``dynamo=True`` ONNX exporter).

    ``torch.compiler.is_compiling`` is new in torch 2.3 (older ones have
    ``torch._dynamo``'s), ``torch.compiler.is_exporting`` in torch 2.6.
    """
    if torch.jit.is_tracing() or torch.onnx.is_in_onnx_export():
        return True
    compiler = torch.compiler
    if hasattr(compiler, 'is_compiling'):
        if compiler.is_compiling():
            return True
    else:
        from torch._dynamo import is_compiling
        if is_compiling():
            return True
    return bool(getattr(compiler, 'is_exporting', lambda: False)())


def autocast_cpu() -> bool:
    """Whether CPU autocast is on (``torch.is_autocast_enabled('cpu')`` is
    new in torch 2.4)."""
    try:
        return torch.is_autocast_enabled('cpu')
    except TypeError:
        return torch.is_autocast_cpu_enabled()


def missing_mmcv_ops() -> str:
    """Why mmdet's models (RoIAlign, nms) cannot load, or '' if they can.

    mmcv-lite, or an mmcv built without ops, has no ``mmcv._ext``; mmdet
    itself is an optional part of a classification-only environment.
    """
    if importlib.util.find_spec('mmdet') is None:
        return 'mmdet is not installed'
    if importlib.util.find_spec('mmcv._ext') is None:
        return ('mmcv has no compiled ops (mmcv._ext): mmcv-lite or an mmcv '
                'built without MMCV_WITH_OPS=1')
    return ''


def register_unavailable(registry, name: str, reason: str) -> None:
    """Register ``name`` as a stand-in that refuses to build.

    A config that asks for a detection module in an environment without
    mmcv's ops gets this error, naming the module and the missing piece,
    instead of mmengine's "not in the registry".

    Args:
        registry (mmengine.registry.Registry): where the module belongs.
        name (str): the module's registered name, e.g. ``'SEFPN'``.
        reason (str): what is missing, from :func:`missing_mmcv_ops`.
    """

    def unavailable(*args, **kwargs):
        raise ImportError(f'se_plugin.{name} needs mmdet with mmcv\'s '
                          f'compiled ops, but {reason}; install mmcv '
                          '(not mmcv-lite) with its ops')

    unavailable.__name__ = name
    registry.register_module(name=name, module=unavailable)
