"""A toy COCO-format detection dataset: scikit-learn's digits pasted onto
dark canvases, read by mmdet's own CocoDataset (docs/user_guides/
detection.md)."""
import json
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from PIL import Image

#: Class names, in label order; pass as ``metainfo=dict(classes=CLASSES)``.
CLASSES = tuple(str(i) for i in range(10))
SPLITS = ('train', 'val')


def _check_range(key: str, value: Sequence[int], low: int) -> Tuple[int, int]:
    if (not isinstance(value, Sequence) or len(value) != 2
            or not all(isinstance(v, int) for v in value)
            or not low <= value[0] <= value[1]):
        raise ValueError(f'{key}={value!r} is not allowed; it must be '
                         f'(min, max) ints with {low} <= min <= max')
    return value[0], value[1]


def _tight_box(patch: np.ndarray) -> Tuple[int, int, int, int]:
    """``(x, y, w, h)`` of the inked pixels of a pasted digit."""
    ys, xs = np.nonzero(patch > 32)
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1))


def _overlaps(box, boxes) -> bool:
    x, y, w, h = box
    return any(x < bx + bw and bx < x + w and y < by + bh and by < y + h
               for bx, by, bw, bh in boxes)


def _draw_canvas(rng: np.random.Generator, images: np.ndarray,
                 pool: np.ndarray, canvas_size: int,
                 per_image: Tuple[int, int], sizes: Tuple[int, int]):
    """One canvas and its ``[(category_index, (x, y, w, h)), ...]``."""
    canvas = rng.integers(0, 40, (canvas_size, canvas_size), dtype=np.uint8)
    placed = []
    wanted = int(rng.integers(per_image[0], per_image[1] + 1))
    # Rejection sampling of non-overlapping places; a crowded canvas simply
    # keeps fewer digits than wanted.
    for _ in range(wanted * 20):
        if len(placed) == wanted:
            break
        index = int(rng.choice(pool))
        side = int(rng.integers(sizes[0], sizes[1] + 1))
        x0, y0 = rng.integers(0, canvas_size - side + 1, 2)
        patch = np.asarray(
            Image.fromarray(images[index]).resize((side, side),
                                                  Image.BILINEAR))
        bx, by, bw, bh = _tight_box(patch)
        box = (int(x0) + bx, int(y0) + by, bw, bh)
        if _overlaps(box, [b for _, b in placed]):
            continue
        region = canvas[y0:y0 + side, x0:x0 + side]
        np.maximum(region, patch, out=region)
        placed.append((index, box))
    return canvas, placed


def make_digits_coco(root: Union[str, Path],
                     num_images: Optional[Dict[str, int]] = None,
                     canvas_size: int = 128,
                     digits_per_image: Sequence[int] = (2, 5),
                     digit_size: Sequence[int] = (24, 48),
                     val_ratio: float = 0.2,
                     seed: int = 0) -> Dict[str, int]:
    """Write the toy digits detection dataset in COCO format (the same
    arguments give the same files; existing ones are overwritten).

    Args:
        root (str | Path): Output folder (created if missing).
        num_images (dict, optional): Canvases per split. Defaults to
            ``{'train': 400, 'val': 100}``.
        canvas_size (int): Side of the square canvases in pixels, at least
            the largest digit size. Defaults to 128.
        digits_per_image (Sequence[int]): ``(min, max)`` digits pasted on a
            canvas. Defaults to ``(2, 5)``.
        digit_size (Sequence[int]): ``(min, max)`` side of an upscaled digit
            in pixels (the ink box is a little smaller). Defaults to
            ``(24, 48)``.
        val_ratio (float): Fraction of the digit images reserved for the val
            canvases, in (0, 1). Defaults to 0.2.
        seed (int): Seed of the split and of the placement. Defaults to 0.

    Returns:
        dict: ``{'train': n_images, 'val': n_images, 'train_boxes': n,
        'val_boxes': n}``.
    """
    # scikit-learn is a demo/test dependency, not a core one.
    from sklearn.datasets import load_digits

    num_images = dict(train=400, val=100) if num_images is None else dict(
        num_images)
    if set(num_images) != set(SPLITS) or not all(
            isinstance(n, int) and n >= 1 for n in num_images.values()):
        raise ValueError(f'num_images={num_images!r} is not allowed; it must '
                         f'give an int >= 1 for each of {SPLITS}')
    per_image = _check_range('digits_per_image', digits_per_image, 1)
    sizes = _check_range('digit_size', digit_size, 8)
    if not isinstance(canvas_size, int) or canvas_size < sizes[1]:
        raise ValueError(f'canvas_size={canvas_size!r} is not allowed; it '
                         f'must be an int >= the largest digit_size '
                         f'({sizes[1]})')
    if not 0 < val_ratio < 1:
        raise ValueError(f'val_ratio={val_ratio!r} is not allowed; it must '
                         'lie strictly between 0 and 1')

    digits = load_digits()
    images = (digits.images * (255 / 16)).round().astype(np.uint8)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    num_val = int(round(len(images) * val_ratio))
    pools = dict(train=order[num_val:], val=order[:num_val])
    categories = [
        dict(id=i + 1, name=name, supercategory='digit')
        for i, name in enumerate(CLASSES)
    ]

    root = Path(root)
    (root / 'annotations').mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        (root / split).mkdir(exist_ok=True)
        coco = dict(images=[], annotations=[], categories=categories)
        for img_id in range(num_images[split]):
            canvas, placed = _draw_canvas(rng, images, pools[split],
                                          canvas_size, per_image, sizes)
            file_name = f'{img_id:06d}.png'
            Image.fromarray(canvas).convert('RGB').save(root / split /
                                                        file_name)
            coco['images'].append(
                dict(
                    id=img_id,
                    file_name=file_name,
                    width=canvas_size,
                    height=canvas_size))
            for index, (x, y, w, h) in placed:
                coco['annotations'].append(
                    dict(
                        id=len(coco['annotations']) + 1,
                        image_id=img_id,
                        category_id=int(digits.target[index]) + 1,
                        bbox=[x, y, w, h],
                        area=w * h,
                        iscrowd=0))
        with open(root / 'annotations' / f'instances_{split}.json',
                  'w') as f:
            json.dump(coco, f)
        counts[split] = num_images[split]
        counts[f'{split}_boxes'] = len(coco['annotations'])
    return counts
