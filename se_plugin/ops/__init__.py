"""Compiled CPU kernels, built on first use with torch's C++ extension
loader (a C++ compiler and ninja are needed; the build is cached under
``TORCH_EXTENSIONS_DIR``, by default ``~/.cache/torch_extensions``)."""
import functools
import os.path as osp

import torch

_CSRC = osp.join(osp.dirname(osp.abspath(__file__)), 'csrc')


@functools.lru_cache(maxsize=None)
def excite_kernel():
    """The compiled module of ``SELayer(cpu_kernel=True)``'s fast path (float32
    CPU, no autograd): ``excite(x, w1, b1, w2, b2)``, SE's gate in one call,
    and ``scale_add_relu_(out, identity, gate)``, ``relu(identity + out *
    gate)`` into ``out``; RuntimeError with the reason if it cannot build."""
    from torch.utils.cpp_extension import load
    try:
        return load(name='se_plugin_excite', verbose=False,
                    sources=[osp.join(_CSRC, 'se_excite.cpp')],
                    extra_cflags=['-O3', '-fopenmp'])
    except Exception as e:  # compiler, ninja or headers missing
        raise RuntimeError(
            'cpu_kernel=True: building the SE CPU kernel '
            f'(se_plugin/ops/csrc/se_excite.cpp) failed: {e}. It needs a C++ '
            'compiler and ninja; use cpu_kernel=False for the PyTorch '
            'operators.') from e


def kernel_layout(t: torch.Tensor) -> bool:
    """Whether the kernels take ``t`` as it is: NCHW-contiguous or
    channels_last."""
    return t.is_contiguous() or t.is_contiguous(
        memory_format=torch.channels_last)
