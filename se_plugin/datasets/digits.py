"""The demo's embedded dataset: scikit-learn's 1,797 8x8 digits written in
ImageNet's folder and list layout (docs/user_guides/datasets.md)."""
import os.path as osp
from pathlib import Path
from typing import Dict, Union

import numpy as np
from PIL import Image

from ..models.checks import Num, Rule, check_options, is_int

SPLITS = ('train', 'val')
#: A fraction of the images for validation.
RATIO = Num(0, 1, low_open=True, high_open=True)


def load_digit_images():
    """scikit-learn's digits and their 8x8 images as uint8 (0..16 scaled to
    0..255); scikit-learn is a demo/test dependency, not a core one."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    return digits, (digits.images * (255 / 16)).round().astype(np.uint8)


def prepare_digits(root: Union[str, Path], val_ratio: float = 0.2,
                   seed: int = 0, image_size: int = 32) -> Dict[str, int]:
    """Write scikit-learn's digits as RGB PNGs with ImageNet-style lists, split
    by class with ``seed`` (deterministic; existing files overwritten).

    Args:
        root (str | Path): Folder to write to (created if missing).
        val_ratio (float): Fraction of each class put in the validation
            split, in (0, 1). Defaults to 0.2.
        seed (int): Seed of the split. Defaults to 0.
        image_size (int): Side of the written images in pixels; the 8x8
            originals are upscaled bilinearly. At least 8. Defaults to 32.

    Returns:
        dict: Number of images per split and of classes, e.g.
        ``{'train': 1437, 'val': 360, 'classes': 10}``.
    """
    from sklearn.model_selection import train_test_split
    check_options('prepare_digits', dict(
        val_ratio=RATIO, image_size=Rule(lambda v, o: is_int(v) and v >= 8,
                                         'an int >= 8 (the originals are 8x8)')
    ), dict(val_ratio=val_ratio, image_size=image_size))
    digits, pixels = load_digit_images()
    split_indices = dict(zip(SPLITS, train_test_split(
        np.arange(len(digits.target)), test_size=val_ratio,
        random_state=seed, stratify=digits.target)))
    classes = [str(c) for c in digits.target_names]

    root = Path(root)
    (root / 'meta').mkdir(parents=True, exist_ok=True)
    (root / 'meta' / 'classes.txt').write_text('\n'.join(classes) + '\n')
    for split, idx in split_indices.items():
        lines = []
        for i in sorted(idx):
            label = int(digits.target[i])
            name = osp.join(classes[label], f'{i:04d}.png')
            path = root / split / name
            path.parent.mkdir(parents=True, exist_ok=True)
            image = Image.fromarray(pixels[i]).resize(
                (image_size, image_size), Image.BILINEAR)
            image.convert('RGB').save(path)
            lines.append(f'{name} {label}\n')
        (root / 'meta' / f'{split}.txt').write_text(''.join(lines))
    return dict({split: len(idx) for split, idx in split_indices.items()},
                classes=len(classes))
