"""ONNX export (both torch exporters, dynamic N, H, W) and its check with
ONNX Runtime (docs/user_guides/deployment.md)."""
import copy
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from se_plugin.engine.errors import OptionError

#: The exporters of ``torch.onnx.export``: ``dynamo=False`` / ``True``.
EXPORTERS = ('torchscript', 'dynamo')


class GraphModel(nn.Module):
    """What an exported graph computes from a normalised batch, as a tuple:
    a detector's ``extract_feat``, an mmengine model's ``mode='tensor'``,
    else ``model``'s forward."""

    def __init__(self, model: nn.Module):
        super().__init__()
        from mmdet.models.detectors import BaseDetector
        from mmengine.model import BaseModel
        self.model = model
        self.kind = ('detector' if isinstance(model, BaseDetector) else
                     'mmengine' if isinstance(model, BaseModel) else 'module')

    def forward(self, x: torch.Tensor) -> tuple:
        out = (self.model.extract_feat(x) if self.kind == 'detector' else
               self.model(x, mode='tensor') if self.kind == 'mmengine' else
               self.model(x))
        return tuple(out) if isinstance(out, (tuple, list)) else (out, )


def _check_shape(shape: Sequence[int], key: str = 'shape') -> Tuple[int]:
    shape = tuple(shape)
    if len(shape) != 4 or not all(
            isinstance(s, int) and s >= 1 for s in shape):
        raise OptionError(f'{key}={shape!r} must be 4 ints >= 1 (N, C, H, W)')
    return shape


def export_onnx(model: nn.Module, file: str, shape: Sequence[int],
                exporter: str = 'torchscript', opset: Optional[int] = None,
                size_multiple: int = 1) -> List[str]:
    """Export ``GraphModel(model)`` to ``file`` with dynamic batch, height
    and width.

    Args:
        model (nn.Module): The model (see :class:`GraphModel`).
        file (str): The ``.onnx`` file to write.
        shape (Sequence[int]): ``(N, C, H, W)`` of the example input.
        exporter (str): One of :data:`EXPORTERS`. Defaults to
            ``'torchscript'``.
        opset (int, optional): ONNX opset. Defaults to None: 17 for
            ``'torchscript'``, the exporter's own default (18 or later) for
            ``'dynamo'``.
        size_multiple (int): ``'dynamo'`` only: H and W are multiples of
            it. Defaults to 1.

    Returns:
        list[str]: The output names, ``output0``, ``output1``, ...
    """
    from se_plugin.models.checks import Choice, Int
    Choice(*EXPORTERS)('exporter', exporter, {})
    shape = _check_shape(shape)
    Int(1)('size_multiple', size_multiple, {})  # a bool is not a number
    if size_multiple != 1 and exporter != 'dynamo':
        raise OptionError(f'size_multiple={size_multiple} needs '
                         f"exporter='dynamo' (got {exporter!r}, whose "
                         'graphs take any size)')
    if shape[2] % size_multiple or shape[3] % size_multiple:
        raise OptionError(f'shape={shape!r}: height and width must be '
                         f'multiples of size_multiple={size_multiple}')
    graph = GraphModel(model).eval()
    x = torch.randn(shape)
    # One eager call names the outputs (autograd on: no CPU fast path).
    with torch.enable_grad():
        outputs = graph(x)
    names = [f'output{i}' for i in range(len(outputs))]
    if exporter == 'torchscript':
        # Every output dim except the channels follows the input's.
        axes = {'input': {0: 'batch', 2: 'height', 3: 'width'}}
        for name, out in zip(names, outputs):
            axes[name] = {d: f'{name}_{d}' for d in range(out.dim()) if d != 1}
        torch.onnx.export(
            graph, (x, ), file, dynamo=False,
            opset_version=17 if opset is None else opset,
            input_names=['input'], output_names=names, dynamic_axes=axes)
    else:
        dim = torch.export.Dim.DYNAMIC
        sizes = {2: dim, 3: dim} if size_multiple == 1 else {
            d: size_multiple * torch.export.Dim(name, min=1)
            for d, name in ((2, 'height'), (3, 'width'))}
        kwargs = {} if opset is None else dict(opset_version=opset)
        torch.onnx.export(
            graph, (x, ), file, dynamo=True, input_names=['input'],
            output_names=names, dynamic_shapes=({0: dim, **sizes}, ),
            verbose=False, **kwargs)
    import onnx
    # Without external data: tensors stored beside the file stay there.
    exported = onnx.load(file, load_external_data=False)
    if squeeze_to_gap(exported):
        onnx.save(exported, file)
    return names


def _reduce_axes(node, initializers) -> Optional[List[int]]:
    """The axes of a ``ReduceMean`` (attribute before opset 18, constant
    input from 18), or None where they are not constant."""
    from onnx import numpy_helper
    axes = next((list(a.ints) for a in node.attribute if a.name == 'axes'),
                None)
    if axes is None and len(node.input) > 1 and node.input[1] in initializers:
        return numpy_helper.to_array(initializers[node.input[1]]).tolist()
    return axes


def squeeze_to_gap(model) -> int:
    """Rewrite, in place, each ``ReduceMean`` over H and W (``keepdims=1``)
    of a 4-d tensor in onnx ``model`` as ``GlobalAveragePool``, dropping
    unread axes constants; returns how many (see docs/user_guides/
    deployment.md)."""
    import onnx
    from onnx import helper
    graph = model.graph
    inferred = onnx.shape_inference.infer_shapes(model).graph
    ranks = {v.name: len(v.type.tensor_type.shape.dim)
             for v in (*inferred.input, *inferred.value_info,
                       *inferred.output)}
    inits = {i.name: i for i in graph.initializer}
    count, axes_inputs = 0, set()
    for index, node in enumerate(list(graph.node)):
        if node.op_type != 'ReduceMean' or ranks.get(node.input[0]) != 4:
            continue
        keep = next((a.i for a in node.attribute if a.name == 'keepdims'), 1)
        axes = _reduce_axes(node, inits)
        if keep != 1 or axes is None or sorted(a % 4 for a in axes) != [2, 3]:
            continue
        graph.node.remove(node)
        graph.node.insert(index, helper.make_node(
            'GlobalAveragePool', [node.input[0]], list(node.output),
            name=node.name))
        axes_inputs.update(node.input[1:])
        count += 1
    read = {name for n in graph.node for name in n.input}
    read.update(o.name for o in graph.output)
    for name in axes_inputs - read:
        graph.initializer.remove(inits[name])
        for value in [v for v in graph.input if v.name == name]:
            graph.input.remove(value)
    return count


def onnx_session(file: str, threads: int = 1, **options):
    """An ONNX Runtime CPU session for ``file`` with ``threads`` intra-op
    threads and other ``SessionOptions`` attributes."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    for key, value in dict(intra_op_num_threads=threads,
                           inter_op_num_threads=1, **options).items():
        setattr(opts, key, value)
    return ort.InferenceSession(
        file, opts, providers=['CPUExecutionProvider'])


#: ONNX Runtime may differ from PyTorch by ``max(ABS_FLOOR, FP32_FACTOR *
#: e)``, ``e`` PyTorch's own float32-vs-float64 error (deep nets round more).
ABS_FLOOR = 1e-4
FP32_FACTOR = 3.0


def scaled_bound(model: nn.Module, x: torch.Tensor,
                 ref: Sequence[torch.Tensor] = None) -> float:
    """The largest difference a correct export of ``model`` may show on
    ``x`` (float32 outputs ``ref`` if given): the one rule for every check
    of an exported graph against PyTorch."""
    graph = GraphModel(model).eval()
    with torch.no_grad():
        ref = graph(x) if ref is None else ref
        ref = ref if isinstance(ref, (tuple, list)) else (ref, )
        out64 = copy.deepcopy(graph).double()(x.double())
    error = max(float((a.double() - b).abs().max())
                for a, b in zip(ref, out64))
    return max(ABS_FLOOR, FP32_FACTOR * error)


def compare_onnx(file: str, model: nn.Module, shapes: Sequence[Sequence[int]],
                 bound: bool = True) -> List[Tuple[float, float]]:
    """``(largest |ONNX Runtime - PyTorch|, scaled_bound or nan)`` on a
    random input of each ``(N, C, H, W)`` in ``shapes``; AssertionError
    when the outputs differ in number or shape."""
    session = onnx_session(file)
    graph = GraphModel(model).eval()
    results = []
    for i, shape in enumerate(shapes):
        x = torch.randn(_check_shape(shape, f'shapes[{i}]'))
        with torch.no_grad():
            ref = graph(x)
        got = session.run(None, {'input': x.numpy()})
        if len(got) != len(ref) or any(
                g.shape != tuple(r.shape) for g, r in zip(got, ref)):
            raise AssertionError(
                f'{file} at input {tuple(shape)}: ONNX Runtime gives shapes '
                f'{[g.shape for g in got]}, PyTorch '
                f'{[tuple(r.shape) for r in ref]}')
        diff = max(float((torch.from_numpy(g) - r).abs().max())
                   for g, r in zip(got, ref))
        results.append((diff, scaled_bound(model, x, ref)
                        if bound else float('nan')))
    return results


def max_difference(file: str, model: nn.Module,
                   shapes: Sequence[Sequence[int]]) -> List[float]:
    """Largest absolute difference between ONNX Runtime and PyTorch per
    input shape (:func:`compare_onnx` without the bound)."""
    return [d for d, _ in compare_onnx(file, model, shapes, bound=False)]
