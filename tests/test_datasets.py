"""ImageNet and Places365 datasets: the official on-disk formats and errors.

``write_places365`` writes a small Places365 in the official layout; the
end-to-end tests import it too.
"""
import os.path as osp
from pathlib import Path

import numpy as np
import pytest
from mmengine.fileio.backends import LocalBackend
from PIL import Image

from se_plugin.datasets import ImageNet, Places365
from se_plugin.registry import DATASETS

# Two of the real category lines; the other 363 are written as /x/class_NNN.
REAL_CATEGORIES = {0: '/a/airfield', 9: '/a/apartment_building/outdoor'}


def write_image(path: Path, seed: int, size: int = 40) -> None:
    """Write a random RGB JPEG (the official archives hold JPEGs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (size, size, 3))
    Image.fromarray(pixels.astype(np.uint8)).save(path)


def write_places365(root, per_class=2, num_labelled=5, val_per_class=1):
    """Write Places365 in the official format with few images.

    ``categories_places365.txt`` has all 365 lines; images exist for classes
    ``0 .. num_labelled - 1`` only: ``per_class`` standard training images,
    one more per class in the challenge list, ``val_per_class`` validation
    images per class.

    Returns:
        dict: Number of lines of each list.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cats = [REAL_CATEGORIES.get(i, f'/x/class_{i:03d}') for i in range(365)]
    (root / 'categories_places365.txt').write_text(''.join(
        f'{name} {i}\n' for i, name in enumerate(cats)))
    standard, challenge, val = [], [], []
    n_val = 0
    for label in range(num_labelled):
        for k in range(per_class + 1):
            name = f'{cats[label]}/{k + 1:08d}.jpg'
            write_image(root / 'data_256' / name[1:], seed=label * 100 + k)
            challenge.append(f'{name} {label}\n')
            if k < per_class:
                standard.append(f'{name} {label}\n')
        for _ in range(val_per_class):
            n_val += 1
            name = f'Places365_val_{n_val:08d}.jpg'
            write_image(root / 'val_256' / name, seed=10000 + n_val)
            val.append(f'{name} {label}\n')
    for split, lines in (('train_standard', standard),
                         ('train_challenge', challenge), ('val', val)):
        (root / f'places365_{split}.txt').write_text(''.join(lines))
    return dict(standard=len(standard), challenge=len(challenge),
                val=len(val))


def write_imagenet(root, lines, images):
    """Write ``root/val/<images>`` and ``root/meta/val.txt`` = ``lines``."""
    root = Path(root)
    for i, name in enumerate(images):
        write_image(root / 'val' / name, seed=i, size=8)
    (root / 'meta').mkdir(parents=True, exist_ok=True)
    (root / 'meta' / 'val.txt').write_text(''.join(f'{x}\n' for x in lines))
    return root


@pytest.fixture
def imagenet_root(tmp_path):
    images = ['n01/a.JPEG', 'n01/b.JPEG', 'n02/c.JPEG']
    lines = ['n01/a.JPEG 0', '', 'n01/b.JPEG 0', 'n02/c.JPEG 999']
    return write_imagenet(tmp_path / 'imagenet', lines, images)


def test_imagenet_reads_meta_list(imagenet_root):
    dataset = DATASETS.build(
        dict(type='se_plugin.ImageNet', data_root=str(imagenet_root),
             split='val'))
    assert isinstance(dataset, ImageNet)
    assert len(dataset) == 3  # the blank line is skipped
    assert [dataset.get_data_info(i)['gt_label'] for i in range(3)] == [
        0, 0, 999
    ]
    assert dataset.get_data_info(2)['img_path'] == osp.join(
        str(imagenet_root), 'val', 'n02/c.JPEG')
    assert len(dataset.CLASSES) == 1000


def test_imagenet_missing_split_folder(imagenet_root):
    # No meta/train.txt: mmpretrain falls back to scanning train/, absent.
    with pytest.raises(FileNotFoundError,
                       match=r'imagenet/train\'.*"Prepare ImageNet"'):
        ImageNet(data_root=str(imagenet_root), split='train')


def test_imagenet_line_with_missing_image(imagenet_root):
    (imagenet_root / 'meta' / 'val.txt').write_text(
        'n01/a.JPEG 0\nn01/gone.JPEG 1\nn03/x.JPEG 2\nn02/c.JPEG 3\n')
    with pytest.raises(ValueError) as info:
        ImageNet(data_root=str(imagenet_root), split='val')
    message = str(info.value)
    assert 'meta/val.txt, line 2' in message
    assert 'n01/gone.JPEG' in message
    assert '2 of 4 listed images are missing' in message
    # The same list builds when the check is switched off.
    dataset = ImageNet(data_root=str(imagenet_root), split='val',
                       check_files=False)
    assert len(dataset) == 4


# Bad lines, labels, lists and images: tests/bad_inputs/data.py.


def test_file_check_lists_each_folder_once(tmp_path, monkeypatch):
    images = [f'n{c:02d}/{k}.JPEG' for c in range(3) for k in range(4)]
    # Lines in an order that interleaves the folders.
    lines = [f'{name} 0' for name in sorted(images, key=lambda x: x[-6:])]
    root = write_imagenet(tmp_path, lines, images)
    calls = []
    listing = LocalBackend.list_dir_or_file

    def spy(self, dir_path, *args, **kwargs):
        calls.append(dir_path)
        return listing(self, dir_path, *args, **kwargs)

    monkeypatch.setattr(LocalBackend, 'list_dir_or_file', spy)
    assert len(ImageNet(data_root=str(root), split='val')) == 12
    assert sorted(calls) == [osp.join(str(root), 'val', f'n{c:02d}')
                             for c in range(3)]


@pytest.fixture(scope='module')
def places_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('places365')
    counts = write_places365(root)
    return root, counts


@pytest.mark.parametrize('split, key, folder', [
    ('train-standard', 'standard', 'data_256'),
    ('train-challenge', 'challenge', 'data_256'),
    ('val', 'val', 'val_256'),
])
def test_places365_splits(places_root, split, key, folder):
    root, counts = places_root
    dataset = DATASETS.build(
        dict(type='se_plugin.Places365', data_root=str(root), split=split))
    assert len(dataset) == counts[key]
    classes = dataset.metainfo['classes']
    assert len(classes) == 365
    assert classes[0] == 'airfield'
    assert classes[9] == 'apartment_building/outdoor'
    info = dataset.get_data_info(len(dataset) - 1)
    assert info['gt_label'] == 4
    assert info['img_path'].startswith(osp.join(str(root), folder) + '/')
    assert osp.isfile(info['img_path'])


def test_places365_bad_split(places_root):
    with pytest.raises(ValueError) as info:
        Places365(data_root=str(places_root[0]), split='train')
    assert "Places365.split='train'" in str(info.value)
    assert "('train-standard', 'train-challenge', 'val')" in str(info.value)


def test_places365_missing_files(tmp_path, places_root):
    with pytest.raises(FileNotFoundError, match='"Prepare Places365"'):
        Places365(data_root=str(tmp_path / 'none'), split='val')
    (tmp_path / 'places').mkdir()
    with pytest.raises(FileNotFoundError, match=r'categories_places365\.txt'
                       r'.*"Prepare Places365"'):
        Places365(data_root=str(tmp_path / 'places'), split='val')


def test_places365_bad_lines(tmp_path):
    root = tmp_path / 'places'
    write_places365(root, num_labelled=2)
    val = root / 'places365_val.txt'
    val.write_text(val.read_text() + 'Places365_val_00000003.jpg 365\n')
    with pytest.raises(ValueError, match=r'places365_val\.txt, line 3: '
                       r'class index 365 is out of range; allowed: 0\.\.364'):
        Places365(data_root=str(root), split='val')
    val.write_text('Places365_val_00000001.jpg 0\n'
                   'Places365_val_00000009.jpg 1\n')
    with pytest.raises(ValueError, match=r'places365_val\.txt, line 2: image '
                       r'.*val_256/Places365_val_00000009\.jpg'):
        Places365(data_root=str(root), split='val')
    cats = root / 'categories_places365.txt'
    cats.write_text('/a/airfield 0\n/a/airport_terminal 2\n')
    with pytest.raises(ValueError, match=r'categories_places365\.txt, line 2'):
        Places365(data_root=str(root), split='val')


def test_images_load_and_other_pipeline_errors_pass_unchanged(imagenet_root):
    from mmcv.transforms import LoadImageFromFile

    def fail(results):
        raise KeyError('gt_score')

    dataset = ImageNet(data_root=str(imagenet_root), split='val',
                       pipeline=[LoadImageFromFile()], serialize_data=False)
    assert dataset[2]['img'].shape == (8, 8, 3)
    # The image decodes, so the pipeline's own error is not renamed.
    dataset = ImageNet(data_root=str(imagenet_root), split='val',
                       pipeline=[LoadImageFromFile(), fail],
                       serialize_data=False)
    with pytest.raises(KeyError, match='gt_score'):
        dataset[0]
