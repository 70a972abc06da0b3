"""Recording SE gate values per image with forward hooks on each chosen
``gate`` (the paper's Fig. 5); NoSqueeze gates averaged over positions."""
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from se_plugin.models import SELayer

# mmpretrain ResNets name their stages layer1..layer4 (the paper's conv2..5).
_RESNET_PATH = re.compile(r'(?:^|\.)layer(\d+)\.(\d+)\.se$')


def block_name(path: str) -> str:
    """The paper's name of the SE module at ``path``: ``...layer{s}.{b}.se``
    (SE-ResNet, SE-ResNeXt, SENet-154) is ``SE_{s+1}_{b+1}`` (``layer1.2.se``
    is SE_2_3, conv2_x's last block); other paths stay."""
    match = _RESNET_PATH.search(path)
    return path if match is None else \
        f'SE_{int(match[1]) + 1}_{int(match[2]) + 1}'


def se_blocks(model: nn.Module) -> Dict[str, SELayer]:
    """All SE modules of ``model`` by :func:`block_name`, in forward order
    of construction."""
    blocks = OrderedDict((block_name(path), module)
                         for path, module in model.named_modules()
                         if isinstance(module, SELayer))
    if not blocks:
        raise ValueError(f'{type(model).__name__} has no SE modules '
                         '(se_plugin.SELayer) to record')
    return blocks


class ExcitationRecorder:
    """Context manager that records the gate values of chosen SE blocks.

    Args:
        model (nn.Module): A model with :class:`SELayer` modules.
        blocks (Sequence[str], optional): Names (see :func:`block_name`) of
            the blocks to record. Defaults to None (all).

    Example:
        >>> with ExcitationRecorder(model, ['SE_5_2']) as rec:
        ...     model(images)
        >>> rec.gates()['SE_5_2'].shape  # (N, C)
    """

    def __init__(self, model: nn.Module,
                 blocks: Optional[Sequence[str]] = None):
        available = se_blocks(model)
        blocks = list(available) if blocks is None else list(blocks)
        unknown = [b for b in blocks if b not in available]
        if unknown or not blocks:
            raise ValueError(f'blocks={unknown or blocks!r} are not SE '
                             f'blocks of the model; allowed: '
                             f'{tuple(available)}')
        self.modules = OrderedDict((b, available[b]) for b in blocks)
        self._values = {b: [] for b in blocks}
        self._handles = []

    def _hook(self, name):
        def record(module, inputs, output):
            # NoSqueeze gates vary over positions: keep one value per channel.
            self._values[name].append(
                output.detach().flatten(2).mean(2).float().cpu())

        return record

    def __enter__(self):
        self._handles = [module.gate.register_forward_hook(self._hook(name))
                         for name, module in self.modules.items()]
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def gates(self) -> Dict[str, np.ndarray]:
        """Recorded gate values per block, ``N x C`` over all forwards."""
        return {name: torch.cat(values).numpy() if values else
                np.zeros((0, 0)) for name, values in self._values.items()}


def sample_channels(num_channels: int, num: int, seed: int = 0) -> np.ndarray:
    """``num`` distinct channel indices of ``num_channels``, drawn uniformly
    with ``seed`` and sorted (all of them if ``num >= num_channels``)."""
    if not isinstance(num, int) or num < 1:
        raise ValueError(f'num_channels_sampled={num!r} must be an int >= 1')
    if num >= num_channels:
        return np.arange(num_channels)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(num_channels, size=num, replace=False))


def class_means(gates: np.ndarray, labels: np.ndarray,
                classes: Sequence[int]) -> Dict[str, np.ndarray]:
    """``str(class) -> C`` mean gates of ``N x C`` ``gates``, and ``'all'``:
    the mean over all images."""
    means = OrderedDict()
    for c in classes:
        mask = labels == c
        if not mask.any():
            raise ValueError(f'class {c!r} has no images among the '
                             f'{len(labels)} recorded')
        means[str(c)] = gates[mask].mean(0)
    means['all'] = gates.mean(0)
    return means


def select_images(labels: np.ndarray, per_class: Optional[int]) -> np.ndarray:
    """Indices of the first ``per_class`` images of every class (all images
    for None), in dataset order."""
    if per_class is None:
        return np.arange(len(labels))
    if not isinstance(per_class, int) or per_class < 1:
        raise ValueError(f'per_class={per_class!r} must be an int >= 1 or '
                         'None (all images)')
    taken, keep = {}, []
    for i, label in enumerate(labels):
        if taken.get(int(label), 0) < per_class:
            taken[int(label)] = taken.get(int(label), 0) + 1
            keep.append(i)
    return np.asarray(keep)


@torch.no_grad()
def record_dataset(model: nn.Module, loader,
                   blocks: Optional[Sequence[str]] = None) -> dict:
    """Run an mmpretrain classifier over ``loader``; returns ``gates`` (block
    -> ``N x C``), ``labels`` and top-1 ``predictions``."""
    model.eval()
    labels, predictions = [], []
    with ExcitationRecorder(model, blocks) as recorder:
        for batch in loader:
            data = model.data_preprocessor(batch, False)
            logits = model(data['inputs'], mode='tensor')
            predictions.append(logits.argmax(1).cpu())
            labels += [int(s.gt_label[0]) for s in data['data_samples']]
    return dict(gates=recorder.gates(), labels=np.asarray(labels),
                predictions=torch.cat(predictions).numpy())


def summarize(gates: Dict[str, np.ndarray], labels: np.ndarray,
              classes: Sequence[int], num_channels: int = 50,
              seed: int = 0) -> List[dict]:
    """Fig. 5's rows: ``block``, ``class`` (index or ``'all'``), ``channel``,
    ``mean_activation``, ``num_images``."""
    rows = []
    for block, values in gates.items():
        channels = sample_channels(values.shape[1], num_channels, seed)
        for cls, mean in class_means(values, labels, classes).items():
            count = len(labels) if cls == 'all' else int(
                (labels == int(cls)).sum())
            rows += [dict(block=block, cls=cls, channel=int(ch),
                          mean_activation=float(mean[ch]), num_images=count)
                     for ch in channels]
    return rows
