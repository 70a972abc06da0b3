"""What se_plugin needs from torch and mmcv beyond their oldest versions.

setup.cfg allows torch>=2.1.2 and either mmcv with compiled ops or
mmcv-lite; these checks let the rest of the package ask instead of failing
at import.
"""
import importlib.util

import torch


def is_compiling() -> bool:
    """Whether torch.compile is tracing the caller.

    ``torch.compiler.is_compiling`` is new in torch 2.3; older ones only
    have ``torch._dynamo``'s, imported here lazily because it is heavy.
    """
    if hasattr(torch.compiler, 'is_compiling'):
        return torch.compiler.is_compiling()
    from torch._dynamo import is_compiling as dynamo_is_compiling
    return dynamo_is_compiling()


def is_exporting() -> bool:
    """Whether ``torch.export`` (the ``dynamo=True`` ONNX exporter) traces
    the caller; ``torch.compiler.is_exporting`` is new in torch 2.6, and
    older ones export through ``torch.onnx`` / tracing only."""
    is_exporting_ = getattr(torch.compiler, 'is_exporting', None)
    return bool(is_exporting_ is not None and is_exporting_())


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
