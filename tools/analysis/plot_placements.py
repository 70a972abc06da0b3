"""Figure of every SE placement, traced from the real blocks.

Each variant (se_plugin's ``se_placement``, mmcv's plugin ``position``,
``se_plugin.Attach``'s ``after``/``before``/``at``) is built from its
config line; one forward of its first block is traced: every call of the
block's children (``conv1``, ``bn1``, ..., ``se``) through forward
(pre-)hooks, and the block's own tensor ops (the residual sum, SE's
excitation where the block computes it without calling ``se``) through a
``TorchFunctionMode``. Which event consumes SE's output is read from the
tensors themselves, so "SE on the identity branch" and "SE before conv1"
are told apart although both run first::

    python tools/analysis/plot_placements.py --out docs/_static/placements.png
"""
import argparse
from dataclasses import dataclass, field
from typing import List

import torch
import torch.nn as nn
from torch.overrides import TorchFunctionMode

SE_TYPE = "dict(type='se_plugin.SELayer')"
HOST = "dict(type='mmpretrain.ResNet', depth={depth})"

#: (panel, label, backbone config line) of every variant shown.
VARIANTS = [
    *[('bottleneck', f'se_placement={p!r}',
       f"dict(type='se_plugin.SEResNet', depth=50, se_placement={p!r})")
      for p in ('standard', 'pre', 'post', 'identity', '3x3')],
    *[('bottleneck', f'mmcv plugin {p}',
       f"dict(type='mmdet.ResNet', depth=50, plugins=[dict(cfg={SE_TYPE}, "
       f"position={p!r})])") for p in ('after_conv1', 'after_conv2',
                                       'after_conv3')],
    *[('bottleneck', f'Attach {k or "at only"}',
       f"dict(type='se_plugin.Attach', host={HOST.format(depth=50)}, "
       f"inserts=dict(at='layer*.*'{k and ', ' + k}))")
      for k in ("after='bn3'", "before='conv2'", '')],
    *[('basic', f'se_placement={p!r}',
       f"dict(type='se_plugin.SEResNet', depth=18, se_placement={p!r})")
      for p in ('standard', 'pre', 'post', 'identity')],
    *[('basic', f'Attach {k or "at only"}',
       f"dict(type='se_plugin.Attach', host={HOST.format(depth=18)}, "
       f"inserts=dict(at='layer*.*'{k and ', ' + k}))")
      for k in ("after='bn2'", "before='conv2'", '')],
]
ADDS = ('add', 'add_', '__add__', '__iadd__', 'addcmul', 'addcmul_')


@dataclass
class Event:
    """One step of a block's forward: a child's call or the residual sum
    (``'add'``)."""
    name: str
    inputs: List[torch.Tensor] = field(default_factory=list)
    outputs: List[torch.Tensor] = field(default_factory=list)

    def uses(self, tensors) -> bool:
        return any(t is u for t in self.inputs for u in tensors)


def _tensors(value) -> List[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    return []


class _BlockOps(TorchFunctionMode):
    """Records the tensor ops the block runs itself (not inside a child)."""

    def __init__(self, tracer):
        super().__init__()
        self.tracer = tracer

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if self.tracer.depth == 0:
            self.tracer.op(getattr(func, '__name__', str(func)),
                           _tensors(args) + _tensors(kwargs), _tensors(out))
        return out


class Tracer:
    """The events of one forward of ``block``."""

    def __init__(self, block: nn.Module):
        self.block = block
        self.events: List[Event] = []
        self.depth = 0
        self.open = []
        se = getattr(block, 'se', None)
        self.se_params = [] if se is None else list(se.parameters())
        self.in_se = None  # the SE event the block computes itself

    def op(self, name, inputs, outputs):
        if any(t is p for t in inputs for p in self.se_params):
            if self.in_se is None:  # SE's excitation, computed inline
                self.in_se = Event('se', inputs)
                self.events.append(self.in_se)
            self.in_se.outputs = outputs
        elif name in ADDS:
            self.events.append(Event('add', inputs, outputs))
            self.in_se = None
        elif self.in_se is not None:  # e.g. the gate applied in place
            self.in_se.outputs = outputs

    def _pre(self, name, module, args):
        self.depth += 1
        event = Event(name, _tensors(args))
        self.events.append(event)
        self.open.append(event)
        self.in_se = None

    def _post(self, name, module, args, output):
        self.depth -= 1
        self.open.pop().outputs = _tensors(output)

    def run(self, x: torch.Tensor) -> List[Event]:
        handles = []
        for name, child in self.block.named_children():
            if isinstance(child, nn.Identity):  # drop_path off
                continue
            handles.append(child.register_forward_pre_hook(
                lambda m, a, name=name: self._pre(name, m, a)))
            handles.append(child.register_forward_hook(
                lambda m, a, o, name=name: self._post(name, m, a, o)))
        try:
            with torch.no_grad(), _BlockOps(self):
                self.block(x)
        finally:
            for handle in handles:
                handle.remove()
        return self.events


def first_block(config: str) -> nn.Module:
    """Build a backbone from its config line and return ``layer1[0]``."""
    import se_plugin  # noqa: F401 (registers se_plugin's modules)
    from mmengine.registry import MODELS, DefaultScope
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(eval(config))
    model.eval()  # (mmdet's ResNet.train returns None)
    return model.layer1[0]


def trace(config: str) -> List[Event]:
    """The traced events of the first block of ``config``'s backbone, on a
    zero 64-channel 8x8 input (the stem's output width)."""
    block = first_block(config)
    return Tracer(block).run(torch.randn(1, 64, 8, 8))


def order(events: List[Event]) -> List[str]:
    """Event names in call order (``'se'``, ``'add'``, children)."""
    return [e.name for e in events]


def se_consumer(events: List[Event]) -> str:
    """The name of the first event that takes SE's output (``'output'``:
    none, SE's output is the block's)."""
    names = order(events)
    i = names.index('se')
    return next((e.name for e in events[i + 1:]
                 if e.uses(events[i].outputs)), 'output')


def plot(out: str) -> None:
    import matplotlib
    matplotlib.use('Agg')  # files only, no display
    import matplotlib.pyplot as plt

    panels = {'bottleneck': [], 'basic': []}
    for panel, label, config in VARIANTS:
        events = trace(config)
        panels[panel].append((label, config, order(events),
                              se_consumer(events)))
    rows = sum(len(v) for v in panels.values()) + len(panels)
    fig, ax = plt.subplots(figsize=(15, 0.78 * rows + 0.6))
    ax.set_xlim(-0.2, 15)
    ax.set_ylim(-rows, 0.6)
    ax.axis('off')
    y = 0.0
    style = dict(se=('#d62728', 'white'), add=('#7f7f7f', 'white'))
    for panel, variants in panels.items():
        title = ('Bottleneck (ResNet-50), first block of layer1'
                 if panel == 'bottleneck' else
                 'Basic block (ResNet-18), first block of layer1 (mmcv '
                 "plugins: mmdet's BasicBlock takes none)")
        ax.text(0, y, title, fontsize=13, weight='bold', va='center')
        y -= 1
        for label, config, names, consumer in variants:
            ax.text(0, y + 0.12, label, fontsize=10.5, weight='bold',
                    va='center')
            x = 2.6
            for name in names:
                face, ink = style.get(name, ('#e8eef7', 'black'))
                text = {'se': 'SE', 'add': '+'}.get(name, name)
                ax.text(x, y + 0.12, text, fontsize=9.5, color=ink,
                        ha='center', va='center', family='monospace',
                        bbox=dict(boxstyle='round,pad=0.3', fc=face,
                                  ec='#555555'))
                x += 0.95 if name != 'downsample' else 1.25
            ax.text(x - 0.3, y + 0.12, f'SE output -> {consumer}',
                    fontsize=9, color='#d62728', va='center')
            ax.text(0.1, y - 0.3, config, fontsize=8, family='monospace',
                    color='#333333', va='center')
            y -= 1
    fig.suptitle('Where SE runs: call order traced from the real blocks '
                 '(tools/analysis/plot_placements.py)', fontsize=12, y=0.995)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='docs/_static/placements.png',
                        help='image file to write (PNG or SVG)')
    plot(parser.parse_args(argv).out)


if __name__ == '__main__':
    main()
