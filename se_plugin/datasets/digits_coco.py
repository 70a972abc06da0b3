"""A toy COCO-format detection dataset: scikit-learn's digits pasted onto
dark canvases, read by mmdet's own CocoDataset (docs/user_guides/
detection.md)."""
import json
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from PIL import Image

from ..models.checks import Rule, check_options, is_int
from .digits import RATIO, SPLITS, load_digit_images

#: Class names, in label order; pass as ``metainfo=dict(classes=CLASSES)``.
CLASSES = tuple(str(i) for i in range(10))


def _span(low):
    return Rule(lambda v, o: isinstance(v, Sequence) and len(v) == 2 and all(
        map(is_int, v)) and low <= v[0] <= v[1],
                f'(min, max) ints with {low} <= min <= max')


OPTIONS = dict(
    num_images=Rule(lambda v, o: isinstance(v, dict) and set(v) == set(
        SPLITS) and all(is_int(n) and n >= 1 for n in v.values()),
                    f'an int >= 1 for each of {SPLITS}'),
    digits_per_image=_span(1), digit_size=_span(8),
    canvas_size=Rule(lambda v, o: is_int(v) and v >= o['digit_size'][1],
                     lambda o: 'an int >= the largest digit_size '
                     f'({o["digit_size"][1]})'),
    val_ratio=RATIO)


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
        patch = np.asarray(Image.fromarray(images[index]).resize(
            (side, side), Image.BILINEAR))
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
    num_images = dict(train=400, val=100) if num_images is None else num_images
    check_options('make_digits_coco', OPTIONS, locals())
    per_image, sizes = tuple(digits_per_image), tuple(digit_size)
    digits, images = load_digit_images()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    num_val = int(round(len(images) * val_ratio))
    pools = dict(train=order[num_val:], val=order[:num_val])
    categories = [dict(id=i + 1, name=name, supercategory='digit')
                  for i, name in enumerate(CLASSES)]

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
            Image.fromarray(canvas).convert('RGB').save(
                root / split / file_name)
            coco['images'].append(dict(id=img_id, file_name=file_name,
                                       width=canvas_size, height=canvas_size))
            for index, (x, y, w, h) in placed:
                coco['annotations'].append(dict(
                    id=len(coco['annotations']) + 1, image_id=img_id,
                    category_id=int(digits.target[index]) + 1,
                    bbox=[x, y, w, h], area=w * h, iscrowd=0))
        (root / 'annotations' / f'instances_{split}.json').write_text(
            json.dumps(coco))
        counts[split] = num_images[split]
        counts[f'{split}_boxes'] = len(coco['annotations'])
    return counts
