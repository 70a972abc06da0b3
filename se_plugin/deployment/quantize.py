"""int8 post-training quantization with ONNX Runtime, and what it costs.

Static quantization in the QDQ format (QuantizeLinear / DequantizeLinear
around each quantized operator), int8 weights per output channel, uint8
activations with MinMax ranges calibrated on real images. uint8 activations
(ONNX Runtime's "U8S8") because its x86 CPU kernels are built for them:
measured here (AVX-512 VNNI), SE-ResNet-18 on 32 digits took 101 ms with
uint8 activations, 601 ms with int8 ("S8S8", ONNX Runtime's default) and
156 ms in float32.
"""
import functools
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np
import torch

from se_plugin.utils.timing import time_interleaved
from .export import onnx_session


class BatchReader:
    """ONNX Runtime's calibration reader over a list of input batches
    (``get_next()`` gives ``{'input': batch}`` until they run out)."""

    def __init__(self, batches: Iterable[np.ndarray]):
        self._batches = iter(batches)

    def get_next(self):
        batch = next(self._batches, None)
        return None if batch is None else {'input': batch}


#: Activation types: ONNX Runtime's ``QuantType`` names.
ACTIVATIONS = dict(uint8='QUInt8', int8='QInt8')


def quantize_int8(fp32_file: str,
                  int8_file: str,
                  calibration: Iterable[np.ndarray],
                  activations: str = 'uint8') -> None:
    """Quantize ``fp32_file`` (an exported model with the input ``input``)
    to ``int8_file`` statically, in the QDQ format.

    Args:
        fp32_file (str): The float model.
        int8_file (str): Where the int8 model goes.
        calibration (Iterable[np.ndarray]): Normalised ``N x C x H x W``
            float32 batches whose activation ranges set the scales.
        activations (str): ``'uint8'`` or ``'int8'``. Defaults to
            ``'uint8'`` (see the module's note).
    """
    from se_plugin.models.checks import Choice
    Choice(*ACTIVATIONS)('activations', activations, {})
    from onnxruntime.quantization import QuantFormat, QuantType, \
        quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    prepared = int8_file + '.prep.onnx'
    # Constant folding and shape inference first, as ONNX Runtime advises.
    quant_pre_process(fp32_file, prepared)
    quantize_static(
        prepared, int8_file, BatchReader(calibration),
        quant_format=QuantFormat.QDQ, per_channel=True,
        activation_type=getattr(QuantType, ACTIVATIONS[activations]),
        weight_type=QuantType.QInt8)


def top1(file: str, batches: Iterable[Tuple[np.ndarray, np.ndarray]],
         threads: int = 1) -> float:
    """Top-1 accuracy (%) of a classifier file over ``(inputs, labels)``
    batches, run with ONNX Runtime on the CPU."""
    session = onnx_session(file, threads)
    correct = total = 0
    for inputs, labels in batches:
        scores = session.run(None, {'input': inputs})[0]
        correct += int((scores.argmax(1) == labels).sum())
        total += len(labels)
    return 100.0 * correct / total


def time_files(files: Dict[str, str],
               shape: Sequence[int],
               repeats: int = 10,
               warmup: int = 2,
               threads: int = 1) -> Dict[str, dict]:
    """Time one ONNX Runtime CPU call of each file on a random ``shape``
    batch, interleaved (see :func:`se_plugin.utils.timing.
    time_interleaved`): name -> ``median``, ``q1``, ``q3``, ``times``."""
    x = torch.randn(*shape).numpy()
    sessions = {name: onnx_session(file, threads)
                for name, file in files.items()}
    calls = {name: functools.partial(s.run, None, {'input': x})
             for name, s in sessions.items()}
    return time_interleaved(calls, repeats, warmup)


def paired_ratio(times: Dict[str, dict], num: str, den: str) -> List[float]:
    """Per-round ratios ``num / den`` of :func:`time_files`' times, so that
    each ratio shares its round's machine load."""
    return [a / b for a, b in zip(times[num]['times'], times[den]['times'])]
