"""SE's scale folded into the int8 convolution before it (fixed batch).

In a bottleneck SE scales ``y = W h + b``, a 1x1 convolution's output. The
mean of ``y`` is ``W mean(h) + b``, so the squeeze pools ``h`` and ``fc1``
absorbs ``W`` (one convolution: ``W1 W``, ``W1 b + b1``). ``y * g`` is that
convolution with its per-channel weight scales times ``g``, so ONNX
Runtime's ``QLinearConv`` writes the scaled map itself and no ``QLinearMul``
passes over it. ``g`` is one image's: the folded file takes one batch
size, split into single images for the scaled convolution.
Measured in docs/user_guides/deployment.md.
"""
import collections
from typing import Dict, List, Optional

import numpy as np

from se_plugin.engine.errors import OptionError


def _only(readers, name: str, op: str):
    """The one node reading ``name`` if it is an ``op``, else None."""
    nodes = readers[name]
    return nodes[0] if len(nodes) == 1 and nodes[0].op_type == op else None


def _is_pointwise(conv) -> bool:
    from onnx import helper
    attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    return (attrs.get('kernel_shape') == [1, 1] and attrs.get('group', 1) == 1
            and set(attrs.get('strides', [1])) == {1}
            and set(attrs.get('dilations', [1])) == {1}
            and not any(attrs.get('pads', [0])))


class _Graph:
    """Producers, readers and constant arrays of a QDQ graph."""

    def __init__(self, graph):
        from onnx import numpy_helper
        self.producer = {out: n for n in graph.node for out in n.output}
        self.readers = collections.defaultdict(list)
        for node in graph.node:
            for name in node.input:
                self.readers[name].append(node)
        self.consts = {t.name: numpy_helper.to_array(t)
                       for t in graph.initializer}

    def chain(self, name: str, *ops) -> Optional[list]:
        """Producers of ``name`` back through ``ops`` (first input each)."""
        nodes = []
        for op in ops:
            node = self.producer.get(name)
            if node is None or node.op_type != op:
                return None
            nodes.append(node)
            name = node.input[0]
        return nodes

    def real(self, dq_name: str, shape=(-1, )) -> Optional[np.ndarray]:
        """The float value of a constant ``DequantizeLinear`` output."""
        dq = self.producer.get(dq_name)
        if dq is None or dq.op_type != 'DequantizeLinear' or any(
                n not in self.consts for n in dq.input):
            return None
        q = self.consts[dq.input[0]].astype(np.float64)
        zero = self.consts[dq.input[2]] if len(dq.input) > 2 else 0
        scale = self.consts[dq.input[1]]
        return (q - np.reshape(zero, shape)) * np.reshape(scale, shape)


def _match(g: _Graph, mul, float_convs) -> Optional[Dict]:
    """The nodes and weights of one SE scale that can fold, or None."""
    for i in (0, 1):
        y = g.chain(mul.input[i], 'DequantizeLinear', 'QuantizeLinear', 'Conv')
        if y and g.chain(mul.input[1 - i], 'DequantizeLinear',
                         'QuantizeLinear', 'Sigmoid'):
            break
    else:
        return None
    dq_y, q_y, conv = y
    pools = [n for n in g.readers[dq_y.output[0]] if n is not mul]
    # A Conv that took over a Relu's output name had the Relu removed by
    # the quantizer (its Q clips): SE scales relu(y), which cannot fold.
    if (not _is_pointwise(conv) or conv.output[0] not in float_convs
            or len(g.readers[q_y.output[0]]) != 1
            or len(pools) != 1 or pools[0].op_type != 'GlobalAveragePool'):
        return None
    q_s = _only(g.readers, pools[0].output[0], 'QuantizeLinear')
    dq_s = q_s and _only(g.readers, q_s.output[0], 'DequantizeLinear')
    fc1 = dq_s and _only(g.readers, dq_s.output[0], 'Conv')
    q_1 = fc1 and _only(g.readers, fc1.output[0], 'QuantizeLinear')
    q_m = _only(g.readers, mul.output[0], 'QuantizeLinear')
    dq_h = g.producer.get(conv.input[0])
    if not (q_1 and q_m and _is_pointwise(fc1) and len(conv.input) == 3
            and len(fc1.input) == 3 and dq_h is not None
            and dq_h.op_type == 'DequantizeLinear'
            and dq_h.input[1] in g.consts):
        return None
    weights = [g.real(conv.input[1], (-1, 1, 1, 1)), g.real(conv.input[2]),
               g.real(fc1.input[1], (-1, 1, 1, 1)), g.real(fc1.input[2])]
    if any(w is None for w in weights):
        return None
    return dict(mul=mul, gate=mul.input[1 - i], conv=conv, dq_h=dq_h,
                pool=pools[0], q_1=q_1, q_m=q_m, weights=weights,
                gone=[dq_y, q_y, conv, pools[0], q_s, dq_s, fc1, q_1, mul,
                      q_m])


def _quantized(w: np.ndarray, b: np.ndarray, x_scale: float):
    """Per-channel symmetric int8 weights (as the recipe's), their scales
    and the int32 bias at ``x_scale * w_scale``."""
    # Scales large enough for the bias to fit int32; rows of zeros (timm's
    # zero-initialised last BN) get 1 / 127.
    scale = np.maximum(np.abs(w).max(1) / 127, np.abs(b) / (x_scale * 2**30))
    scale[scale == 0] = 1 / 127
    q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
    return (q[:, :, None, None], scale.astype(np.float32),
            np.round(b / (x_scale * scale)).astype(np.int32))


def _folded(m: Dict, g: _Graph, add, batch: int, opset: int) -> List:
    """New nodes: [squeeze of ``h`` and fc1 with W folded in, gated
    convolution(s)] (``add`` registers initializers, returns their names).
    Each image has its own gate: a batch is split into single images."""
    from onnx import helper
    h, h_scale, h_zero = m['dq_h'].input
    w, b, w1, b1 = m['weights']
    w, w1 = w[:, :, 0, 0], w1[:, :, 0, 0]
    x_scale = float(g.consts[h_scale])
    name = m['conv'].name or m['conv'].output[0]
    merged = add(name + '_se_fc1', *_quantized(w1 @ w, w1 @ b + b1, x_scale))
    conv_w, conv_scale, conv_b, shape, *at = add(
        name + '_gated', *_quantized(w, b, x_scale),
        np.array([-1] if batch == 1 else [batch, -1], np.int64),
        *(np.array(i, np.int64) for i in range(batch if batch > 1 else 0)))
    zeros = add(name + '_zeros', np.zeros(len(w1), np.int8),
                np.zeros(len(w), np.int8))
    q_1, q_m = m['q_1'], m['q_m']
    scales = name + '_gated_scales'  # [C] at batch 1, else [batch, C]
    gated = [helper.make_node('Reshape', [m['gate'], shape], [name + '_gate'],
                              name=name + '_gate'),
             helper.make_node('Mul', [conv_scale, name + '_gate'], [scales],
                              name=scales)]
    images, outs = [(h, scales)], list(q_m.output)
    if batch > 1:
        images = [(f'{name}_x{i}', f'{scales}{i}') for i in range(batch)]
        outs = [f'{name}_y{i}' for i in range(batch)]
        gated.append(helper.make_node(
            'Split', [h], [x for x, _ in images], name=name + '_split',
            axis=0, **dict(num_outputs=batch) if opset >= 18 else {}))
        gated += [helper.make_node('Gather', [scales, i], [s], axis=0)
                  for i, (_, s) in zip(at, images)]
    gated += [helper.make_node('QLinearConv', [
        x, h_scale, h_zero, conv_w, s, zeros[1], *q_m.input[1:3], conv_b],
        [y], name=f'{name}_gated{i}') for i, ((x, s), y) in enumerate(
            zip(images, outs))]
    if batch > 1:
        gated.append(helper.make_node('Concat', outs, list(q_m.output),
                                      name=name + '_concat', axis=0))
    return [
        [helper.make_node('QLinearGlobalAveragePool',
                          [h, h_scale, h_zero, h_scale, h_zero],
                          [name + '_pooled'], name=name + '_squeeze',
                          domain='com.microsoft', channels_last=0),
         helper.make_node('QLinearConv', [
             name + '_pooled', h_scale, h_zero, merged[0], merged[1],
             zeros[0], *q_1.input[1:3], merged[2]], list(q_1.output),
             name=name + '_se_fc1')], gated]


def check_batch(model, batch: int) -> None:
    """Refuse a model whose input has a fixed batch other than ``batch``."""
    value = model.graph.input[0]
    dim = value.type.tensor_type.shape.dim[0]
    if dim.HasField('dim_value') and dim.dim_value != batch:
        raise OptionError(f'fold_se={batch}: the input {value.name!r} has '
                          f'batch {dim.dim_value}; a folded file takes one '
                          f'batch size (a dynamic batch is fixed to {batch})')


def fold_se_scales(model, float_model, batch: int = 1) -> Dict[str, int]:
    """Fold, in place, each SE scale of a QDQ ``model`` (as
    :func:`~se_plugin.deployment.quantize.quantize_int8` writes it from
    ``float_model``) whose map is a 1x1 stride-1 convolution's output, and
    fix the input's batch to ``batch`` (:func:`check_batch` it first, as
    ``quantize_int8`` does before calibrating). Returns ``{'folded': n,
    'scales': SE scales found}``."""
    from onnx import helper, numpy_helper
    opset = next(o.version for o in model.opset_import
                 if o.domain in ('', 'ai.onnx'))
    graph = model.graph
    g = _Graph(graph)
    scales = [n for n in graph.node if n.op_type == 'Mul' and any(
        g.chain(x, 'DequantizeLinear', 'QuantizeLinear', 'Sigmoid')
        for x in n.input)]
    float_convs = {n.output[0] for n in float_model.graph.node
                   if n.op_type == 'Conv'}
    matches = [m for m in (_match(g, n, float_convs) for n in scales) if m]

    def add(prefix, *arrays):
        names = [f'{prefix}_{i}' for i in range(len(arrays))]
        graph.initializer.extend(
            numpy_helper.from_array(a, n) for a, n in zip(arrays, names))
        return names

    # The squeeze goes where the old one was, the gated convolution where
    # the multiply was: the node order stays topological.
    at = {}
    for m in matches:
        squeeze, gated = _folded(m, g, add, batch, opset)
        at[id(m['pool'])], at[id(m['mul'])] = squeeze, gated
    gone = {id(n) for m in matches for n in m['gone']}
    nodes = []
    for node in graph.node:
        if id(node) in at:
            nodes += at[id(node)]
        elif id(node) not in gone:
            nodes.append(node)
    outputs = {o.name for o in graph.output}
    read = {name for node in nodes for name in node.input} | outputs
    # The old convolutions' weight and input DQs are read no more.
    nodes = [n for n in nodes
             if n.op_type != 'DequantizeLinear' or n.output[0] in read]
    read = {name for node in nodes for name in node.input} | outputs
    del graph.node[:]
    graph.node.extend(nodes)
    for init in [i for i in graph.initializer if i.name not in read]:
        graph.initializer.remove(init)
    if matches:
        for value in (graph.input[0], *graph.output):
            value.type.tensor_type.shape.dim[0].dim_value = batch
        if not any(o.domain == 'com.microsoft' for o in model.opset_import):
            model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return dict(folded=len(matches), scales=len(scales))
