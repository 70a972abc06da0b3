"""Bad data: list files, COCO annotation files and image files.

Each case writes a small dataset into ``tmp_path`` (an ImageNet-layout list
dataset or a two-image COCO file), breaks one thing and builds or reads it
as training would. What mmpretrain's / mmdet's own datasets do with the
same input is in ``docs/user_guides/datasets.md``.
"""
import json
from pathlib import Path

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope
from PIL import Image

from bad_inputs import Case, case, collect
from se_plugin.datasets import (BadImageError, CheckedCocoDataset,
                                CheckedCustomDataset, ImageNet, Places365)

REPO = Path(__file__).resolve().parents[2]
IMAGES = ('n01/a.JPEG', 'n01/b.JPEG', 'n02/c.JPEG')


def write_image(path: Path, size: int = 16, height: int = None) -> Path:
    """A random RGB image, ``size`` wide and ``height`` (default: ``size``)
    high (the format follows the suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(0).integers(
        0, 256, (height or size, size, 3))
    Image.fromarray(pixels.astype(np.uint8)).save(path)
    return path


def imagenet(tmp_path, lines=None, split='val', **kwargs):
    """``se_plugin.ImageNet`` of the three :data:`IMAGES` (labels 0, 0, 1)
    whose ``meta/val.txt`` holds ``lines`` (default: the good list)."""
    root = write_imagenet(tmp_path, lines)
    # mmengine's serialization runs gc.collect() (~0.7 s per dataset here).
    kwargs.setdefault('serialize_data', False)
    return ImageNet(data_root=str(root), split=split, **kwargs)


def write_imagenet(tmp_path, lines=None):
    """Write the files of :func:`imagenet`; returns the data root."""
    root = tmp_path / 'imagenet'
    for name in IMAGES:
        if not (root / 'val' / name).exists():
            write_image(root / 'val' / name)
    if lines is None:
        lines = ['n01/a.JPEG 0', 'n01/b.JPEG 0', 'n02/c.JPEG 1']
    (root / 'meta').mkdir(exist_ok=True)
    (root / 'meta' / 'val.txt').write_text(''.join(f'{x}\n' for x in lines))
    return root


def list_line(line):
    """An ImageNet list whose second line is ``line``."""
    return lambda tmp_path: imagenet(tmp_path, ['n01/a.JPEG 0', line])


# Paths, list files, lines and labels: errors when the dataset is built.


@case('data-list-missing-root', FileNotFoundError,
      ('nowhere', 'ImageNet data root', '"Prepare ImageNet"'))
def _missing_root(tmp_path):
    ImageNet(data_root=str(tmp_path / 'nowhere'), split='val')


@case('data-list-missing-list-file', FileNotFoundError,
      ('meta/missing.txt', 'does not exist', '"Prepare ImageNet"'))
def _missing_list(tmp_path):
    imagenet(tmp_path, ann_file='meta/missing.txt')


@case('data-list-missing-image', ValueError,
      ('meta/val.txt, line 2', 'n01/gone.JPEG', 'does not exist',
       '1 of 3 listed images are missing'))
def _missing_image(tmp_path):
    imagenet(tmp_path, ['n01/a.JPEG 0', 'n01/gone.JPEG 0', 'n02/c.JPEG 1'])


@case('data-list-image-is-a-directory', ValueError,
      ('meta/val.txt, line 2', 'n01/dir.JPEG', 'is a directory'))
def _image_is_a_directory(tmp_path):
    (tmp_path / 'imagenet' / 'val' / 'n01' / 'dir.JPEG').mkdir(parents=True)
    imagenet(tmp_path, ['n01/a.JPEG 0', 'n01/dir.JPEG 0'])


# id, the list's second line, words its ValueError must contain
LIST_LINES = [
    ('line-without-label', 'n01/b.JPEG',
     ('meta/val.txt, line 2', "'n01/b.JPEG'", 'has no class index',
      '"<image path> <class index>"')),
    ('line-extra-field', 'n01/b.JPEG 0 1',
     ('meta/val.txt, line 2', "'n01/b.JPEG 0 1'", 'has 3 fields',
      '"<image path> <class index>"', 'spaces are not supported')),
    ('label-not-integer', 'n01/b.JPEG x',
     ('meta/val.txt, line 2', "class index 'x' is not an integer",
      'allowed: 0..999')),
    ('label-double-minus', 'n01/b.JPEG --1',
     ('meta/val.txt, line 2', "class index '--1' is not an integer",
      'allowed: 0..999')),
    ('label-float', 'n01/b.JPEG 1.0',
     ('line 2', "class index '1.0' is not an integer")),
    ('label-negative', 'n01/b.JPEG -1',
     ('meta/val.txt, line 2', 'class index -1 is out of range',
      'allowed: 0..999 (1000 classes)')),
    ('label-out-of-range', 'n01/b.JPEG 1000',
     ('meta/val.txt, line 2', 'class index 1000 is out of range',
      'allowed: 0..999')),
]


@case('data-list-label-out-of-range-of-classes', ValueError,
      ('line 1', 'class index 3 is out of range', 'allowed: 0..2 (3 '
       'classes)'))
def _label_of_few_classes(tmp_path):
    imagenet(tmp_path, ['n01/a.JPEG 3'],
             metainfo=dict(classes=('a', 'b', 'c')))


@case('data-list-empty', ValueError,
      ('meta/val.txt', 'lists no images', '"<image path> <class index>"'))
def _empty_list(tmp_path):
    imagenet(tmp_path, [])


@case('data-list-only-blank-lines', ValueError,
      ('meta/val.txt', 'lists no images'))
def _blank_list(tmp_path):
    imagenet(tmp_path, ['', '  '])


@case('data-list-custom-without-classes', ValueError,
      ('CheckedCustomDataset needs the class names', 'meta/val.txt',
       'metainfo=dict(classes=...)'))
def _custom_without_classes(tmp_path):
    CheckedCustomDataset(data_root=str(write_imagenet(tmp_path)),
                         ann_file='meta/val.txt',
                         data_prefix='val')


def digits_config_dataset(tmp_path, split, lines):
    """The shipped digits config's dataset of ``split`` on a list."""
    root = tmp_path / 'digits'
    write_image(root / split / '3' / '0001.png')
    (root / 'meta').mkdir()
    (root / 'meta' / f'{split}.txt').write_text(''.join(f'{x}\n'
                                                        for x in lines))
    cfg = Config.fromfile(REPO / 'configs/digits/se_resnet18_digits.py')
    init_default_scope(cfg.default_scope)
    dataset_cfg = cfg[f'{split}_dataloader'].dataset
    dataset_cfg.update(data_root=str(root), serialize_data=False)
    return DATASETS.build(dataset_cfg)


@case('data-digits-config-val-label-out-of-range', ValueError,
      ('meta/val.txt, line 1', 'class index 10 is out of range',
       'allowed: 0..9 (10 classes)'))
def _digits_val_label(tmp_path):
    digits_config_dataset(tmp_path, 'val', ['3/0001.png 10'])


@case('data-digits-config-empty-train-list', ValueError,
      ('meta/train.txt', 'lists no images', '"Prepare the digits demo data"'))
def _digits_empty_train(tmp_path):
    digits_config_dataset(tmp_path, 'train', [])


@case('data-places365-label-out-of-range', ValueError,
      ('places365_val.txt, line 2', 'class index 365 is out of range',
       'allowed: 0..364'))
def _places_label(tmp_path):
    root = tmp_path / 'places'
    write_image(root / 'val_256' / 'Places365_val_00000001.jpg')
    (root / 'categories_places365.txt').write_text(''.join(
        f'/x/class_{i} {i}\n' for i in range(365)))
    (root / 'places365_val.txt').write_text(
        'Places365_val_00000001.jpg 0\nPlaces365_val_00000001.jpg 365\n')
    Places365(data_root=str(root), split='val')


@case('data-places365-categories-out-of-order', ValueError,
      ('categories_places365.txt, line 2', "'/a/b 2'", 'index order'))
def _places_categories(tmp_path):
    root = tmp_path / 'places'
    root.mkdir()
    (root / 'categories_places365.txt').write_text('/a/a 0\n/a/b 2\n')
    Places365(data_root=str(root), split='val')


def list_bytes(tmp_path, data):
    """``se_plugin.ImageNet`` whose ``meta/val.txt`` is ``data`` (bytes)."""
    root = write_imagenet(tmp_path)
    (root / 'meta' / 'val.txt').write_bytes(data)
    return ImageNet(data_root=str(root), split='val', serialize_data=False)


def assert_good_list(dataset):
    assert [(Path(d['img_path']).name, d['gt_label'])
            for d in dataset.data_list] == [('a.JPEG', 0), ('b.JPEG', 0),
                                            ('c.JPEG', 1)]


#: List files a Windows editor or a script writes, that must read as the
#: good list: (id, bytes).
GOOD_LISTS = [
    ('crlf', b'n01/a.JPEG 0\r\nn01/b.JPEG 0\r\nn02/c.JPEG 1\r\n'),
    # The mark was read into the first path ('\ufeffn01/a.JPEG').
    ('utf8-bom-crlf',
     b'\xef\xbb\xbfn01/a.JPEG 0\r\nn01/b.JPEG 0\r\nn02/c.JPEG 1\r\n'),
    ('trailing-spaces', b'n01/a.JPEG 0  \nn01/b.JPEG 0\t\nn02/c.JPEG 1 \n'),
    ('tabs-no-final-newline', b'n01/a.JPEG\t0\nn01/b.JPEG\t0\nn02/c.JPEG\t1'),
]
for _id, _data in GOOD_LISTS:
    globals()[f'_list_{_id}'] = case(f'data-list-{_id}-works')(
        lambda tmp_path, d=_data: assert_good_list(list_bytes(tmp_path, d)))


_list_line_is_a_folder = case(
    'data-list-line-is-a-class-folder', ValueError,
    ('meta/val.txt, line 2', "val/n01' is a directory"))(list_line('n01 0'))

# Images that exist but cannot be decoded: errors when they are loaded.


def load_bad_image(tmp_path, content, **kwargs):
    """Replace ``n01/b.JPEG`` (line 2) by ``content`` (bytes, or None for
    a folder) and load it as the training pipeline does."""
    path = write_imagenet(tmp_path) / 'val' / 'n01' / 'b.JPEG'
    path.unlink()
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    dataset = imagenet(tmp_path,
                       pipeline=[LoadImageFromFile()],
                       check_files=content is not None,
                       **kwargs)
    return dataset[1]


def truncated_jpeg(tmp_path):
    good = write_image(tmp_path / 'good.jpg', size=64).read_bytes()
    return good[:len(good) // 3]


@case('data-image-empty-file', BadImageError,
      ('n01/b.JPEG', 'meta/val.txt, line 2', 'is empty (0 bytes)',
       "bad_images='skip'", 'check_images.py'))
def _empty_image(tmp_path):
    load_bad_image(tmp_path, b'')


@case('data-image-truncated', BadImageError,
      ('n01/b.JPEG', 'meta/val.txt, line 2', 'cannot be decoded', 'truncated'))
def _truncated_image(tmp_path):
    load_bad_image(tmp_path, truncated_jpeg(tmp_path))


@case('data-image-not-an-image', BadImageError,
      ('n01/b.JPEG', 'meta/val.txt, line 2', 'cannot be decoded'))
def _text_image(tmp_path):
    load_bad_image(tmp_path, b'<html>404 Not Found</html>')


@case('data-image-is-a-directory-at-run-time', BadImageError,
      ('n01/b.JPEG', 'meta/val.txt, line 2', 'is a directory'))
def _directory_image(tmp_path):
    load_bad_image(tmp_path, None)


@case('data-image-skipped-and-counted',
      None, ('skipped image', 'n01/b.JPEG', 'meta/val.txt, line 2',
             'is empty (0 bytes)', '1 bad images skipped so far'),
      warns='log')
def _skipped_image(tmp_path):
    # In training mode mmengine draws another image for a skipped one.
    out = load_bad_image(tmp_path, b'', bad_images='skip')
    assert out['img_path'].endswith(('a.JPEG', 'c.JPEG'))


@case('data-image-skip-in-test-mode', ValueError,
      ("ImageNet.bad_images='skip' needs test_mode=False", ))
def _skip_in_test_mode(tmp_path):
    imagenet(tmp_path, bad_images='skip', test_mode=True)


@case('data-image-bad-images-option', ValueError,
      ("ImageNet.bad_images='ignore' is not supported",
       "allowed: ('error', 'skip')"))
def _bad_images_option(tmp_path):
    imagenet(tmp_path, bad_images='ignore')


@case('data-image-error-in-a-dataloader-worker', BadImageError,
      ('DataLoader worker', 'n01/b.JPEG', 'meta/val.txt, line 2',
       'is empty (0 bytes)'))
def _worker_image(tmp_path):
    from torch.utils.data import DataLoader
    root = write_imagenet(tmp_path)
    (root / 'val' / 'n01' / 'b.JPEG').write_bytes(b'')
    # Serialized, as the Runner's datasets are.
    dataset = imagenet(tmp_path,
                       pipeline=[LoadImageFromFile()],
                       serialize_data=True)
    list(DataLoader(dataset, num_workers=1, collate_fn=list))


# COCO annotation files: errors (or one counted warning) when built.


def coco_json(tmp_path):
    """Two 32x24 images, categories 'a' (id 1) and 'b' (id 2), one box
    per image; returns (root, the JSON as a dict)."""
    root = tmp_path / 'coco'
    for name in ('0.png', '1.png'):
        write_image(root / 'img' / name, 32, 24)
    coco = dict(images=[
        dict(id=i, file_name=f'{i}.png', width=32, height=24) for i in range(2)
    ],
                categories=[dict(id=1, name='a'),
                            dict(id=2, name='b')],
                annotations=[
                    dict(id=10 + i,
                         image_id=i,
                         category_id=1 + i,
                         bbox=[2, 3, 10, 8],
                         area=80,
                         iscrowd=0) for i in range(2)
                ])
    return root, coco


def build_coco(root, coco=None, text=None, **kwargs):
    """CheckedCocoDataset of ``root/ann.json`` = ``coco`` or ``text``."""
    (root / 'ann.json').write_text(json.dumps(coco) if text is None else text)
    kwargs.setdefault('pipeline', [])
    kwargs.setdefault('serialize_data', False)
    return CheckedCocoDataset(data_root=str(root),
                              ann_file='ann.json',
                              data_prefix=dict(img='img/'),
                              metainfo=dict(classes=('a', 'b')),
                              **kwargs)


def broken_coco(change):
    """A case action: ``change(coco)`` breaks the good file in place."""

    def action(tmp_path):
        root, coco = coco_json(tmp_path)
        change(coco)
        return build_coco(root, coco)

    return action


def annotation(**fields):
    """A change that sets ``fields`` of the first annotation (id 10)."""
    return broken_coco(lambda coco: coco['annotations'][0].update(fields))


@case('data-coco-empty-json', ValueError,
      ('ann.json is not valid JSON', 'the file is empty',
       '"images", "annotations" and "categories"'))
def _coco_empty(tmp_path):
    build_coco(coco_json(tmp_path)[0], text='')


@case('data-coco-invalid-json', ValueError,
      ('ann.json is not valid JSON', 'line 1 column'))
def _coco_invalid(tmp_path):
    build_coco(coco_json(tmp_path)[0], text='{"images": [}')


@case('data-coco-not-an-object', ValueError,
      ('ann.json', 'not supported', 'a COCO JSON object'))
def _coco_list(tmp_path):
    build_coco(coco_json(tmp_path)[0], text='[]')


# id, the exception, the annotation file's fault, words its message must
# contain
COCO = [
    ('missing-categories', ValueError,
     broken_coco(lambda coco: coco.pop('categories')),
     ('ann.json',
      'the key "categories" is missing',
      "keys: ['annotations', 'images']")),
    ('missing-images', ValueError,
     broken_coco(lambda coco: coco.pop('images')),
     ('ann.json', 'the key "images" is missing')),
    ('missing-annotations', ValueError,
     broken_coco(lambda coco: coco.pop('annotations')),
     ('ann.json', 'the key "annotations" is missing')),
    ('no-images', ValueError,
     broken_coco(lambda coco: coco.update(images=[], annotations=[])),
     ('ann.json lists no images', '"images" is empty')),
    ('annotation-without-category_id', ValueError,
     broken_coco(lambda coco: coco['annotations'][0].pop('category_id')),
     ('ann.json: annotations[0] (image_id=0)',
      "lacks the keys ['category_id']",
      'required:')),
    ('image-without-width', ValueError,
     broken_coco(lambda coco: coco['images'][1].pop('width')),
     ("ann.json: images[1] (file_name='1.png')", "lacks the keys ['width']")),
    ('image-size-zero', ValueError,
     broken_coco(lambda coco: coco['images'][0].update(width=0)),
     ("images[0] (file_name='0.png')",
      'width=0',
      'allowed: positive numbers')),
    ('duplicate-image-id', ValueError,
     broken_coco(lambda coco: coco['images'][1].update(id=0)),
     ("ann.json: images[1] (file_name='1.png') has the same id=0 as "
      "images[0]",
      'ids must be unique in "images"')),
    ('duplicate-annotation-id', ValueError,
     broken_coco(lambda coco: coco['annotations'][1].update(id=10)),
     ('annotations[1] (image_id=1) has the same id=10 as annotations[0]',)),
    ('dangling-image-id', ValueError,
     annotation(image_id=555),
     ('ann.json: annotation id=10 (image_id=555)',
      'image_id is not an id in "images" (the file has 2 images)')),
    ('dangling-category-id', ValueError,
     annotation(category_id=42),
     ('annotation id=10',
      'category_id=42 is not an id in "categories"',
      'allowed: [1, 2]')),
    ('bbox-three-numbers', ValueError,
     annotation(bbox=[2, 3, 10]),
     ('annotation id=10 (image_id=0)',
      'bbox=[2, 3, 10]',
      'is not [x, y, width, height] numbers')),
    ('bbox-strings', ValueError,
     annotation(bbox=['2', '3', '10', '8']),
     ('annotation id=10',
      "bbox=['2', '3', '10', '8']",
      'is not [x, y, width, height] numbers')),
    ('bbox-nan', ValueError,
     annotation(bbox=[2, 3, float('nan'), 8]),
     ('annotation id=10',
      'bbox=[2, 3, nan, 8]',
      'NaN or infinite',
      'allowed: finite numbers')),
    ('bbox-negative-width', ValueError,
     annotation(bbox=[12, 3, -10, 8]),
     ('annotation id=10',
      'bbox=[12, 3, -10, 8]',
      'negative width or height',
      '[x1, y1, x2, y2] must be converted')),
    ('unknown-class-name', ValueError,
     broken_coco(lambda coco: coco['categories'][1].update(name='c')),
     ("classes ['b'] are not category names", "allowed: ['a', 'c']")),
    ('file-name-outside-the-folder', FileNotFoundError,
     broken_coco(
         lambda coco: coco['images'][0].update(file_name='../../0.png')),
     ('ann.json: image id=0', "img/../../0.png' does not exist")),
    ('file-name-empty', FileNotFoundError,
     broken_coco(lambda coco: coco['images'][1].update(file_name='')),
     ('ann.json: image id=1', "img/' is a directory, not an image file")),
    ('image-id-a-string', ValueError,
     annotation(image_id='0'),
     ("ann.json: annotations[0] (image_id='0')",
      "image_id='0' is a str",
      'allowed: an integer')),
    ('categories-empty', ValueError,
     broken_coco(lambda coco: coco.update(categories=[])),
     ("classes ['a', 'b'] are not category names", 'allowed: []')),
    ('iscrowd-a-string', ValueError,
     annotation(iscrowd='0'),
     ('ann.json: annotations[0] (image_id=0)',
      "iscrowd='0'",
      'allowed: 0 or 1')),
    ('image-id-a-float', ValueError,
     broken_coco(lambda coco: coco['images'][1].update(id=1.5)),
     ("ann.json: images[1] (file_name='1.png')",
      'id=1.5 is a float',
      'allowed: an integer')),
    ('all-crowd-training-set', ValueError,
     broken_coco(
         lambda coco: [a.update(iscrowd=1) for a in coco['annotations']]),
     ('ann.json: no box to train on',
      '2 of them iscrowd=1',
      'needs annotations with iscrowd=0')),
    ('annotation-free-training-set', ValueError,
     broken_coco(lambda coco: coco.update(annotations=[])),
     ('ann.json: no box to train on', '(0 kept annotations')),
]


@case('data-coco-box-partly-outside-is-clipped',
      None, ('ann.json: clipped 1 boxes partly outside their image to it',
             'first annotation ids: [10]'),
      warns='log')
def _coco_partly_outside(tmp_path):
    dataset = annotation(bbox=[-4, 20, 10, 8])(tmp_path)
    assert dataset[0]['instances'][0]['bbox'] == [0, 20, 6, 24]


@case('data-coco-box-fully-outside-is-skipped',
      None, ('ann.json: skipped 1 boxes outside their image, as mmdet does',
             'first annotation ids: [10]'),
      warns='log')
def _coco_outside(tmp_path):
    dataset = annotation(bbox=[40, 3, 10, 8])(tmp_path)
    assert dataset[0]['instances'] == []


@case('data-coco-degenerate-box-is-skipped',
      None, ('ann.json: skipped 1 degenerate boxes (width or height < 1',
             'first annotation ids: [10]'),
      warns='log')
def _coco_degenerate(tmp_path):
    dataset = annotation(bbox=[2, 3, 0.5, 8], area=4)(tmp_path)
    assert dataset[0]['instances'] == []


@case('data-coco-box-outside-with-degenerate-error', ValueError,
      ('annotation id=10', 'bbox=[40, 3, 10, 8] lies outside its 32x24 '
       'image', "degenerate_boxes='skip'"))
def _coco_outside_error(tmp_path):
    root, coco = coco_json(tmp_path)
    coco['annotations'][0]['bbox'] = [40, 3, 10, 8]
    build_coco(root, coco, degenerate_boxes='error')


@case('data-coco-degenerate-boxes-option', ValueError,
      ("CheckedCocoDataset.degenerate_boxes='drop' is not supported",
       "allowed: ('skip', 'error')"))
def _coco_degenerate_option(tmp_path):
    root, coco = coco_json(tmp_path)
    build_coco(root, coco, degenerate_boxes='drop')


@case('data-coco-missing-image-file', FileNotFoundError,
      ('ann.json: image id=1', "img/1.png' does not exist",
       '(1 of 2 images are missing)', '"Detection: prepare COCO"'))
def _coco_missing_file(tmp_path):
    root, coco = coco_json(tmp_path)
    (root / 'img' / '1.png').unlink()
    build_coco(root, coco)


@case('data-coco-undecodable-image', BadImageError,
      ("img/1.png'", 'image id=1 of', 'ann.json', 'cannot be decoded'))
def _coco_bad_image(tmp_path):
    root, coco = coco_json(tmp_path)
    (root / 'img' / '1.png').write_bytes(b'\x89PNG\r\n')
    build_coco(root, coco, pipeline=[LoadImageFromFile()])[1]


@case('data-coco-detection-config-duplicate-image-id', ValueError,
      ('instances_train.json: images[1]', 'has the same id=0'))
def _detection_config(tmp_path):
    # The shipped toy detection config reads through CheckedCocoDataset.
    root, coco = coco_json(tmp_path)
    coco['images'][1]['id'] = 0
    (root / 'annotations').mkdir()
    (root / 'annotations' / 'instances_train.json').write_text(
        json.dumps(coco))
    cfg = Config.fromfile(
        REPO / 'configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py')
    init_default_scope(cfg.default_scope)
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.update(data_root=str(root),
                       data_prefix=dict(img='img/'),
                       serialize_data=False)
    DATASETS.build(dataset_cfg)


@case('data-coco-annotation-free-test-set-is-allowed')
def _coco_no_annotations_test(tmp_path):
    root, coco = coco_json(tmp_path)
    coco['annotations'] = []
    assert len(build_coco(root, coco, test_mode=True)) == 2


@case('data-coco-image-size-disagrees-with-json', ValueError,
      ("ann.json: image id=1", "img/1.png' is 24x32 but the file gives "
       'width=32, height=24', '(1 of 2 images disagree)'))
def _coco_wrong_size(tmp_path):
    root, coco = coco_json(tmp_path)
    write_image(root / 'img' / '1.png', 24, 32)
    build_coco(root, coco)


@case('data-coco-image-resized-to-zero-pixels', ValueError,
      ("ann.json: image id=1", "img/1.png' is 1000x3",
       'Resize(scale=(128, 128), keep_ratio=True) makes it 128x0 pixels',
       '(1 of 2 images)'))
def _coco_resized_to_zero(tmp_path):
    # Was: cv2.error "inv_scale_x > 0" from the first batch that drew it.
    from mmdet.datasets.transforms import Resize
    root, coco = coco_json(tmp_path)
    write_image(root / 'img' / '1.png', 1000, 3)
    coco['images'][1].update(width=1000, height=3)
    build_coco(root, coco,
               pipeline=[Resize(scale=(128, 128), keep_ratio=True)])


# COCO files in other encodings (was: a raw UnicodeDecodeError).
@case('data-coco-utf-16', ValueError,
      ('ann.json: byte 0xff at position 0 is not UTF-8 text',
       'in UTF-8 (save the file as UTF-8)'))
def _coco_utf_16(tmp_path):
    root, coco = coco_json(tmp_path)
    build_coco(root, coco)  # a good file first; then the same in UTF-16
    (root / 'ann.json').write_bytes(json.dumps(coco).encode('utf-16'))
    CheckedCocoDataset(data_root=str(root), ann_file='ann.json',
                       data_prefix=dict(img='img/'),
                       metainfo=dict(classes=('a', 'b')), pipeline=[])


# List files in other encodings (was: a raw UnicodeDecodeError).
_list_latin_1 = case(
    'data-list-latin-1', ValueError,
    ('meta/val.txt, line 2: byte 0xe9 is not UTF-8 text',
     'save the list as UTF-8'))(lambda tmp_path: list_bytes(
         tmp_path, 'n01/a.JPEG 0\nn01/b\xe9.JPEG 0\n'.encode('latin-1')))
_list_utf_16_no_bom = case(
    'data-list-utf-16-without-bom', ValueError,
    ('meta/val.txt, line 1: holds NUL bytes', 'UTF-16 without a '
     'byte-order mark'))(lambda tmp_path: list_bytes(
         tmp_path, 'n01/a.JPEG 0\n'.encode('utf-16-le')))


@case('data-list-utf-16-with-bom-reads')
def _list_utf_16(tmp_path):
    # What Windows PowerShell's '>' writes.
    assert_good_list(list_bytes(tmp_path, 'n01/a.JPEG 0\nn01/b.JPEG 0\n'
                                'n02/c.JPEG 1\n'.encode('utf-16')))


# A test image of another size: mmpretrain's batch pads the others to it.


def sized_test_set(tmp_path, size):
    """The three images in test mode, ``n01/b.JPEG`` (line 2) of
    ``size``x``size`` pixels, the others 16x16; returns the inputs."""
    from mmpretrain.datasets.transforms import PackInputs
    root = write_imagenet(tmp_path)
    write_image(root / 'val' / 'n01' / 'b.JPEG', size)
    dataset = imagenet(tmp_path, test_mode=True,
                       pipeline=[LoadImageFromFile(), PackInputs()])
    return [dataset[i]['inputs'].shape for i in range(3)]


@case('data-test-image-of-another-size', ValueError,
      ("n01/b.JPEG' (", 'meta/val.txt, line 2) gives an input of shape '
       '(3, 24, 24)', "a.JPEG' gave (3, 16, 16)", 'a batch pads every input',
       'resize or crop'))
def _test_image_size(tmp_path):
    sized_test_set(tmp_path, 24)


@case('data-test-images-of-one-size-pass')
def _test_image_one_size(tmp_path):
    assert sized_test_set(tmp_path, 16) == [(3, 16, 16)] * 3


CASES = collect(globals()) + [
    Case(f'data-list-{id}', list_line(line), ValueError, words)
    for id, line, words in LIST_LINES
] + [
    Case(f'data-coco-{id}', action, raises, words)
    for id, raises, action, words in COCO
]
