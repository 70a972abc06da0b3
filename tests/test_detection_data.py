"""The toy digits COCO data, and what bad COCO annotations do.

mmdet's own CocoDataset skips bad annotations silently; these tests pin
down exactly what it does (the behaviour documented in
se_plugin/datasets/coco_checked.py) and that CheckedCocoDataset turns the
data bugs into clear errors at start-up.
"""
import json
import shutil

import numpy as np
import pytest
from mmdet.datasets import CocoDataset
from mmdet.evaluation import CocoMetric
from mmengine.logging import MMLogger
from mmengine.registry import DATASETS, init_default_scope

from bad_inputs.data import coco_json

from se_plugin.datasets.coco_checked import CheckedCOCO, CheckedCocoDataset
from se_plugin.datasets.digits_coco import CLASSES, make_digits_coco

NUM = dict(train=6, val=3)


@pytest.fixture(scope='module')
def digits_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('digits_coco')
    counts = make_digits_coco(root, num_images=NUM, seed=3)
    return root, counts


def load(root, split):
    with open(root / 'annotations' / f'instances_{split}.json') as f:
        return json.load(f)


def test_digits_coco_files_and_boxes(digits_root):
    root, counts = digits_root
    for split in ('train', 'val'):
        coco = load(root, split)
        assert len(coco['images']) == NUM[split] == counts[split]
        assert len(coco['annotations']) == counts[f'{split}_boxes']
        assert [c['name'] for c in coco['categories']] == list(CLASSES)
        # COCO's 1-based ids, one per digit class; each box names one.
        ids = [c['id'] for c in coco['categories']]
        assert ids == list(range(1, len(CLASSES) + 1))
        assert {a['category_id'] for a in coco['annotations']} <= set(ids)
        per_image = {img['id']: [] for img in coco['images']}
        for ann in coco['annotations']:
            x, y, w, h = ann['bbox']
            assert w >= 1 and h >= 1 and ann['area'] == w * h
            assert 0 <= x and x + w <= 128 and 0 <= y and y + h <= 128
            per_image[ann['image_id']].append((x, y, w, h))
        for img in coco['images']:
            assert (root / split / img['file_name']).is_file()
            boxes = per_image[img['id']]
            assert 2 <= len(boxes) <= 5
            for i, (x, y, w, h) in enumerate(boxes):
                for bx, by, bw, bh in boxes[i + 1:]:
                    assert not (x < bx + bw and bx < x + w and y < by + bh
                                and by < y + h)


def test_digits_coco_boxes_frame_the_ink(digits_root):
    root, _ = digits_root
    from PIL import Image
    coco = load(root, 'val')
    img = coco['images'][0]
    pixels = np.asarray(Image.open(root / 'val' / img['file_name']))[..., 0]
    # The background noise stays below 40; digits are bright.
    mask = np.zeros_like(pixels, dtype=bool)
    for ann in coco['annotations']:
        if ann['image_id'] == img['id']:
            x, y, w, h = ann['bbox']
            assert pixels[y:y + h, x:x + w].max() > 200
            mask[y:y + h, x:x + w] = True
    assert pixels[~mask].max() < 100


def test_digits_coco_is_deterministic(tmp_path, digits_root):
    root, _ = digits_root
    make_digits_coco(tmp_path, num_images=NUM, seed=3)
    assert load(tmp_path, 'train') == load(root, 'train')
    make_digits_coco(tmp_path, num_images=NUM, seed=4)
    assert load(tmp_path, 'train') != load(root, 'train')


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_images=dict(train=0, val=1)), 'num_images='),
    (dict(num_images=dict(train=1)), 'num_images='),
    (dict(digit_size=(40, 20)), r'digit_size=\(40, 20\)'),
    (dict(digits_per_image=(0, 2)), 'digits_per_image='),
    (dict(canvas_size=32), 'canvas_size=32.*largest digit_size'),
    (dict(val_ratio=1.0), 'val_ratio=1.0'),
])
def test_digits_coco_rejects_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_digits_coco(tmp_path, **kwargs)


def coco_dataset(root, split='val', cls=CocoDataset, **kwargs):
    return cls(
        data_root=str(root),
        ann_file=f'annotations/instances_{split}.json',
        data_prefix=dict(img=f'{split}/'),
        metainfo=dict(classes=CLASSES),
        pipeline=[],
        **kwargs)


def test_mmdet_coco_dataset_and_metric_read_the_toy_data(digits_root):
    """The real CocoDataset and CocoMetric (pycocotools): the ground truth
    scored as predictions gives an mAP of 1."""
    root, counts = digits_root
    dataset = coco_dataset(root, test_mode=True)
    assert len(dataset) == NUM['val']
    coco = load(root, 'val')
    instances = [i for info in dataset for i in info['instances']]
    assert len(instances) == counts['val_boxes']
    first = coco['annotations'][0]
    x, y, w, h = first['bbox']
    assert dataset[0]['instances'][0]['bbox'] == [x, y, x + w, y + h]
    assert dataset[0]['instances'][0]['bbox_label'] == first[
        'category_id'] - 1

    metric = CocoMetric(
        ann_file=str(root / 'annotations' / 'instances_val.json'),
        metric='bbox')
    metric.dataset_meta = dataset.metainfo
    import torch
    for info in dataset:
        boxes = torch.tensor([i['bbox'] for i in info['instances']],
                             dtype=torch.float32)
        labels = torch.tensor([i['bbox_label'] for i in info['instances']])
        metric.process({}, [
            dict(
                img_id=info['img_id'],
                ori_shape=(128, 128),
                pred_instances=dict(
                    bboxes=boxes, scores=torch.ones(len(labels)),
                    labels=labels))
        ])
    results = metric.evaluate(len(dataset))
    assert results['coco/bbox_mAP'] == pytest.approx(1.0)


@pytest.fixture
def bad_root(tmp_path, digits_root):
    """The toy val split plus the bad cases of the issue, one each."""
    root, _ = digits_root
    shutil.copytree(root / 'val', tmp_path / 'val')
    coco = load(root, 'val')
    w = h = 128
    coco['images'] += [
        dict(id=100, file_name='000000.png', width=w, height=h),  # empty
        dict(id=101, file_name='000001.png', width=w, height=h),
    ]
    coco['annotations'] += [
        # The only box of image 101 has zero width.
        dict(id=900, image_id=101, category_id=3, bbox=[5, 5, 0, 20],
             area=0, iscrowd=0),
        # Zero height, on an image with good boxes.
        dict(id=901, image_id=0, category_id=3, bbox=[5, 5, 20, 0],
             area=0, iscrowd=0),
    ]
    return tmp_path, coco


def write(root, coco):
    (root / 'annotations').mkdir(exist_ok=True)
    with open(root / 'annotations' / 'instances_val.json', 'w') as f:
        json.dump(coco, f)


def test_mmdet_skips_degenerate_boxes_and_filters_empty_images(
        bad_root, digits_root):
    root, coco = bad_root
    write(root, coco)
    good = coco_dataset(digits_root[0], test_mode=True)
    train = coco_dataset(
        root, filter_cfg=dict(filter_empty_gt=True, min_size=0))
    test = coco_dataset(root, test_mode=True)
    # Degenerate boxes are dropped: image 0 keeps exactly its good boxes.
    assert train[0]['instances'] == good[0]['instances']
    by_id = {info['img_id']: info for info in test}
    # Test mode keeps the empty image 100 and image 101 (only a degenerate
    # box), both without instances.
    assert by_id[100]['instances'] == [] and by_id[101]['instances'] == []
    # filter_empty_gt drops image 100 (no annotation) but not 101: mmdet
    # filters on the raw annotations, so 101 trains as all background.
    assert {info['img_id'] for info in train} == set(range(3)) | {101}


def test_mmdet_drops_dangling_image_and_category_ids(bad_root, digits_root):
    root, coco = bad_root
    coco['annotations'] += [
        dict(id=902, image_id=555, category_id=3, bbox=[5, 5, 20, 20],
             area=400, iscrowd=0),
        dict(id=903, image_id=1, category_id=42, bbox=[5, 5, 20, 20],
             area=400, iscrowd=0),
    ]
    write(root, coco)
    good = coco_dataset(digits_root[0], test_mode=True)
    test = coco_dataset(root, test_mode=True)
    assert 555 not in {info['img_id'] for info in test}
    assert test[1]['instances'] == good[1]['instances']


def test_mmdet_merges_duplicate_image_ids_and_keeps_boxes_unclipped(
        tmp_path):
    """The silent results of mmdet that CheckedCocoDataset refuses or
    reports (tests/bad_inputs/data.py): two images with one id become one
    image with the boxes of both; a box partly outside its image is kept
    unclipped; one fully outside, or with a NaN size, is dropped."""
    root, coco = coco_json(tmp_path)
    coco['images'][1]['id'] = 0
    coco['annotations'][1]['image_id'] = 0
    coco['annotations'].append(
        dict(id=12, image_id=0, category_id=1, bbox=[-4, 20, 10, 8],
             area=80, iscrowd=0))
    coco['annotations'] += [
        dict(id=13 + i, image_id=0, category_id=1, bbox=bbox, area=80,
             iscrowd=0)
        for i, bbox in enumerate([[40, 3, 10, 8], [2, 3, float('nan'), 8]])
    ]
    (root / 'ann.json').write_text(json.dumps(coco))
    dataset = CocoDataset(
        data_root=str(root), ann_file='ann.json',
        data_prefix=dict(img='img/'), metainfo=dict(classes=('a', 'b')),
        pipeline=[], test_mode=True)
    assert len(dataset) == 1
    assert dataset[0]['img_path'].endswith('1.png')
    assert [i['bbox'] for i in dataset[0]['instances']] == [
        [2, 3, 12, 11], [2, 3, 12, 11], [-4, 20, 6, 28]
    ]


def test_checked_dataset_is_registered_and_equal_on_good_data(digits_root):
    root, _ = digits_root
    init_default_scope('mmdet')
    checked = DATASETS.build(
        dict(
            type='se_plugin.CheckedCocoDataset',
            data_root=str(root),
            ann_file='annotations/instances_val.json',
            data_prefix=dict(img='val/'),
            metainfo=dict(classes=CLASSES),
            test_mode=True,
            pipeline=[]))
    assert isinstance(checked, CheckedCocoDataset)
    plain = coco_dataset(root, test_mode=True)
    assert [checked[i] for i in range(len(checked))] == [
        plain[i] for i in range(len(plain))
    ]


def test_checked_dataset_skips_degenerate_boxes_with_a_warning(
        bad_root, digits_root, monkeypatch):
    root, coco = bad_root
    write(root, coco)
    warnings = []
    monkeypatch.setattr(MMLogger.get_current_instance(), 'warning',
                        warnings.append)
    checked = coco_dataset(root, cls=CheckedCocoDataset, test_mode=True)
    assert len(warnings) == 1
    assert 'skipped 2 degenerate boxes' in warnings[0]
    assert 'first annotation ids: [900, 901]' in warnings[0]
    plain = coco_dataset(root, test_mode=True)
    assert [checked[i] for i in range(len(checked))] == [
        plain[i] for i in range(len(plain))
    ]
    with pytest.raises(ValueError, match=r'annotation id=900 .*degenerate'):
        coco_dataset(
            root, cls=CheckedCocoDataset, degenerate_boxes='error',
            test_mode=True)


def test_checked_dataset_names_missing_files(bad_root):
    root, coco = bad_root
    write(root, coco)
    (root / 'val' / '000002.png').unlink()
    with pytest.raises(FileNotFoundError,
                       match=r"image id=2 .*val/000002.png' does not exist "
                       r'\(1 of 5 images are missing\)'):
        coco_dataset(root, cls=CheckedCocoDataset, test_mode=True)
    # check_files=False leaves the failure to the loading pipeline.
    dataset = coco_dataset(
        root, cls=CheckedCocoDataset, check_files=False, test_mode=True)
    assert len(dataset) == 5
    with pytest.raises(FileNotFoundError,
                       match='Detection: prepare COCO'):
        CheckedCocoDataset(
            data_root=str(root),
            ann_file='annotations/missing.json',
            metainfo=dict(classes=CLASSES),
            pipeline=[])


def test_checked_coco_api_alone(digits_root):
    root, _ = digits_root
    coco = CheckedCOCO(
        str(root / 'annotations' / 'instances_val.json'),
        classes=CLASSES,
        degenerate='error')
    assert coco.skipped == dict(degenerate=[], outside=[])
    assert coco.clipped == [] and len(coco.cats) == 10
    assert coco.box_report() == ''


def test_prepare_digits_coco_cli(tmp_path, monkeypatch, capsys):
    import runpy
    from pathlib import Path
    script = Path(__file__).resolve().parents[1] / (
        'tools/dataset_converters/prepare_digits_coco.py')
    monkeypatch.setattr(
        'sys.argv',
        [str(script), str(tmp_path), '--num-images', '3', '2', '--seed', '1'])
    runpy.run_path(str(script), run_name='__main__')
    assert 'Wrote 3 train images' in capsys.readouterr().out
    assert len(load(tmp_path, 'train')['images']) == 3
    assert len(load(tmp_path, 'val')['images']) == 2

    (tmp_path / 'val' / '000001.png').write_bytes(b'')
    monkeypatch.setattr('sys.argv', [
        str(script), str(tmp_path), '--check-images', '--nproc', '1'])
    with pytest.raises(SystemExit, match='1 images cannot be loaded'):
        runpy.run_path(str(script), run_name='__main__')
    out = capsys.readouterr().out
    assert 'train: 0 of 3 images cannot be loaded' in out
    assert (f"val/000001.png (image id=1 of {tmp_path}/annotations/"
            'instances_val.json): is empty (0 bytes)') in out
