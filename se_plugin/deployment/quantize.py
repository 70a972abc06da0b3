"""int8 post-training quantization of exported models with ONNX Runtime:
the one recipe, its accuracy and timing
(docs/user_guides/deployment.md)."""
import collections
import functools
import json
import os.path as osp
import statistics
import tempfile
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from se_plugin.utils.timing import time_interleaved
from se_plugin.engine.errors import OptionError
from .export import onnx_session, squeeze_to_gap
from .fold import check_batch, fold_se_scales


class BatchReader:
    """ONNX Runtime's calibration reader over a list of input batches
    (``get_next()`` gives ``{'input': batch}`` until they run out)."""

    def __init__(self, batches: Iterable[np.ndarray]):
        self._batches = ({'input': batch} for batch in batches)

    def get_next(self):
        return next(self._batches, None)


#: Activation types: ONNX Runtime's ``QuantType`` names.
ACTIVATIONS = dict(uint8='QUInt8', int8='QInt8')


def quantize_int8(fp32_file: str, int8_file: str,
                  calibration: Iterable[np.ndarray],
                  activations: str = 'uint8',
                  fold_se: Optional[int] = None) -> Dict[str, int]:
    """Quantize ``fp32_file`` (input ``input``) to ``int8_file``: QDQ,
    per-channel int8 weights, ``activations`` uint8 or int8, MinMax ranges
    of the normalised ``calibration`` batches (the recipe:
    docs/user_guides/deployment.md); with ``fold_se`` (a batch size), SE's
    scales folded into the convolutions before them (:mod:`.fold`) and the
    input's batch fixed to it. Returns ``{'squeezes': rewritten to
    GlobalAveragePool}``, with ``fold_se`` also ``'folded'`` and
    ``'scales'`` (SE scales found)."""
    from se_plugin.models.checks import Choice, Int
    Choice(*ACTIVATIONS)('activations', activations, {})
    Int(1, none=True)('fold_se', fold_se, {})
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, \
        quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    with tempfile.TemporaryDirectory() as tmp:
        prepared = osp.join(tmp, 'prepared.onnx')
        # As ONNX Runtime advises; the rewrite reads the inferred ranks.
        quant_pre_process(fp32_file, prepared)
        model = onnx.load(prepared)
        rewritten = squeeze_to_gap(model)
        onnx.save(model, prepared)
        if fold_se:  # another fixed batch fails before calibrating
            check_batch(model, fold_se)
        quantized = osp.join(tmp, 'int8.onnx') if fold_se else int8_file
        quantize_static(
            prepared, quantized, BatchReader(calibration),
            quant_format=QuantFormat.QDQ, per_channel=True,
            activation_type=getattr(QuantType, ACTIVATIONS[activations]),
            weight_type=QuantType.QInt8)
        if not fold_se:
            return dict(squeezes=rewritten)
        counts = fold_se_scales(int8 := onnx.load(quantized), model, fold_se)
        if not counts['folded']:
            raise OptionError(
                f'fold_se={fold_se}: no SE scale of {fp32_file} follows a 1x1 '
                f'stride-1 convolution ({counts["scales"]} SE scales; a '
                'bottleneck\'s SE can fold, a basic block\'s cannot)')
        onnx.save(int8, int8_file)
    return dict(squeezes=rewritten, **counts)


def config_batches(config: str, split: str = 'train',
                   num_images: Optional[int] = None, batch_size: int = 32,
                   data_root: Optional[str] = None
                   ) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """``(inputs, labels)`` batches of the first ``num_images`` (all if
    None) of an mmpretrain config's ``split`` set, through its
    ``test_pipeline`` and ``data_preprocessor`` (``data_root`` replaced if
    given)."""
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmpretrain.registry import DATASETS, MODELS
    from mmpretrain.utils import register_all_modules
    from se_plugin.engine.errors import OptionError
    register_all_modules(init_default_scope=False)  # no global scope change
    import se_plugin.models  # noqa: F401  (se_plugin's registry entries)
    cfg = Config.fromfile(config)
    key = f'{split}_dataloader'
    if cfg.get(key) is None:
        raise OptionError(f'--calib-split={split!r}: {config} has no {key}')
    dataset_cfg = cfg[key].dataset
    dataset_cfg.update(pipeline=cfg.test_pipeline)
    if data_root is not None:
        dataset_cfg.update(data_root=data_root)
    dataset = DATASETS.build(dataset_cfg)
    preprocessor = MODELS.build(
        dict(type='ClsDataPreprocessor', **cfg.model.data_preprocessor))
    total = min(n for n in (num_images, len(dataset)) if n is not None)
    for start in range(0, total, batch_size):
        items = pseudo_collate(
            [dataset[i] for i in range(start, min(start + batch_size, total))])
        with torch.no_grad():
            data = preprocessor(items, False)
        labels = np.array([s.gt_label.item() for s in data['data_samples']])
        yield data['inputs'].numpy(), labels


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


def time_files(files: Dict[str, str], shape: Sequence[int], repeats: int = 10,
               warmup: int = 2, threads: int = 1) -> Dict[str, dict]:
    """Time one ONNX Runtime CPU call of each file on a random ``shape``
    batch, interleaved (:func:`~se_plugin.utils.timing.time_interleaved`)."""
    x = torch.randn(*shape).numpy()
    calls = {name: functools.partial(onnx_session(file, threads).run, None,
                                     {'input': x})
             for name, file in files.items()}
    return time_interleaved(calls, repeats, warmup)


def paired_ratio(times: Dict[str, dict], num: str, den: str) -> List[float]:
    """Per-round ratios ``num / den`` of :func:`time_files`' times, so that
    each ratio shares its round's machine load."""
    return [a / b for a, b in zip(times[num]['times'], times[den]['times'])]


def profile_ops(files: Dict[str, str], shape: Sequence[int], runs: int = 3,
                threads: int = 1) -> Dict[str, Dict[str, float]]:
    """name -> op type -> ms per call (largest first) by ONNX Runtime's
    profiler over ``runs`` interleaved calls after a warm-up; each node
    counts its median kernel time (a preempted kernel's wait drops out).
    The op types are the optimized graph's (``QLinearConv``, ...)."""
    x = {'input': torch.randn(*shape).numpy()}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        sessions = {}
        for i, (name, file) in enumerate(files.items()):
            sessions[name] = onnx_session(
                file, threads, enable_profiling=True,
                profile_file_prefix=osp.join(tmp, f'profile{i}'))
            sessions[name].run(None, x)
        for _ in range(runs):
            for session in sessions.values():
                session.run(None, x)
        for name, session in sessions.items():
            with open(session.end_profiling()) as f:
                events = json.load(f)
            # The warm-up call is profiled too: only what follows counts.
            warmup_end = min(e['ts'] + e['dur'] for e in events
                             if e['name'] == 'model_run')
            durations = collections.defaultdict(list)
            for event in events:
                if (event.get('cat') == 'Node' and event['ts'] >= warmup_end
                        and event['name'].endswith('_kernel_time')):
                    durations[event['args']['op_name'],
                              event['name']].append(event['dur'])
            spent = collections.Counter()
            for (op, _), durs in durations.items():
                spent[op] += statistics.median(durs)
            out[name] = {op: t / 1e3 for op, t in spent.most_common()}
    return out
