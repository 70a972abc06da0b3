"""mmdet's CocoDataset that names bad annotation files at start-up and
counts the boxes it skips or clips (docs/user_guides/datasets.md)."""
import math
import json
from typing import Dict, List, Sequence

from mmcv import rescale_size
from mmcv.transforms import Resize as MMCVResize
from mmdet.datasets import CocoDataset
from PIL import Image
from mmdet.datasets.api_wrappers import COCO
from mmengine.logging import MMLogger

from ..engine.errors import DataError, DataNotFoundError, fail
from ..models.checks import is_int
from se_plugin.registry import DATASETS
from .checked_list import require_images, require_path
from .image_check import DecodeCheckMixin

GUIDE_SECTION = 'Detection: prepare COCO'
DEGENERATE = ('skip', 'error')
#: The EXIF tag of the orientation (5 to 8: width and height swapped).
ORIENTATION = 0x0112
#: Keys each entry of the three lists must have (what mmdet reads).
REQUIRED = {
    'images': ('id', 'file_name', 'width', 'height'),
    'categories': ('id', 'name'),
    'annotations': ('id', 'image_id', 'category_id', 'bbox', 'area'),
}
COCO_FORMAT = ('a COCO JSON object with the lists "images", "annotations" '
               'and "categories"')


class CheckedCOCO(COCO):
    """mmdet's COCO API that checks the file when indexing it (the rules:
    docs/user_guides/datasets.md); partly outside boxes are clipped, the
    ``degenerate`` ones (:data:`DEGENERATE`) skipped or refused; ``classes``
    must be category names; image-info files (``require_annotations``
    False) may lack ``annotations``."""

    def __init__(self, annotation_file: str, classes: Sequence[str],
                 degenerate: str, require_annotations: bool = True):
        self.path, self.classes = annotation_file, tuple(classes)
        self.degenerate = degenerate
        self.require_annotations = require_annotations
        # Annotation ids, by what was done to their box.
        self.skipped: Dict[str, List[int]] = dict(degenerate=[], outside=[])
        self.clipped: List[int] = []
        try:
            super().__init__(annotation_file)
        except json.JSONDecodeError as error:
            empty = 'the file is empty; ' if not error.doc.strip() else ''
            raise self._bad(f' is not valid JSON ({empty}{error})') from error
        except UnicodeDecodeError as error:  # UTF-16, Latin-1, ...
            raise self._bad(
                f': byte {error.object[error.start]:#04x} at position '
                f'{error.start} is not UTF-8 text', ' in UTF-8 (save the file '
                'as UTF-8)') from error
        except AssertionError as error:  # pycocotools: not a JSON object
            raise self._bad(f': {error}') from error

    def _bad(self, what: str, suffix: str = '') -> DataError:
        """The file is not in COCO's format: ``what`` is wrong with it."""
        return DataError(f'{self.path}{what}; allowed: {COCO_FORMAT}{suffix}')

    def _fail(self, ann: dict, what: str):
        raise DataError(f'{self.path}: annotation id={ann.get("id")!r} '
                        f'(image_id={ann.get("image_id")!r}): {what}')

    def _check_structure(self) -> None:
        data = self.dataset
        for key, required in REQUIRED.items():
            if key not in data:
                if key == 'annotations' and not self.require_annotations:
                    continue
                raise self._bad(f': the key "{key}" is missing (keys: '
                                f'{sorted(data)})')
            if not isinstance(data[key], list):
                raise self._bad(f': "{key}" is a {type(data[key]).__name__}'
                                ', not a list')
            first_index = {}
            for index, item in enumerate(data[key]):
                name = f'{self.path}: {key}[{index}]'
                if not isinstance(item, dict):
                    raise DataError(f'{name} = {item!r} is not an object '
                                    f'with the keys {required}')
                tag = next((k for k in ('file_name', 'image_id')
                            if k in item), None)
                name += f' ({tag}={item[tag]!r})' if tag else ''
                missing = [k for k in required if k not in item]
                if missing:
                    raise DataError(f'{name} lacks the keys {missing}; '
                                    f'required: {required}')
                if item['id'] in first_index:
                    raise DataError(
                        f'{name} has the same id={item["id"]!r} as {key}['
                        f'{first_index[item["id"]]}]; ids must be unique in '
                        f'"{key}"')
                first_index[item['id']] = index
                for k in ('id', 'image_id', 'category_id'):
                    if k in item and not is_int(item[k]):
                        raise DataError(
                            f'{name}: {k}={item[k]!r} is a '
                            f'{type(item[k]).__name__}; allowed: an integer '
                            '(a JSON number without quotes)')
                crowd = item.get('iscrowd', 0)
                if key == 'annotations' and not (
                        type(crowd) in (int, bool) and crowd in (0, 1)):
                    # mmdet reads any truthy value ("0" too) as a crowd.
                    raise DataError(f'{name}: iscrowd={crowd!r}; allowed: '
                                    '0 or 1 (JSON numbers)')
                if key == 'images' and not all(
                        _is_number(item[k]) and item[k] > 0
                        for k in ('width', 'height')):
                    raise DataError(
                        f'{name}: width={item["width"]!r}, height='
                        f'{item["height"]!r}; allowed: positive numbers')
        if not data['images']:
            raise self._bad(' lists no images ("images" is empty)')

    def createIndex(self):
        self._check_structure()
        super().createIndex()
        names = {cat['name'] for cat in self.cats.values()}
        if missing := [name for name in self.classes if name not in names]:
            raise DataError(
                f'{self.path}: classes {missing} are not category names of '
                f'the file; allowed: {sorted(names)}')
        for ann in self.anns.values():
            if ann['image_id'] not in self.imgs:
                self._fail(
                    ann, f'image_id is not an id in "images" (the file '
                    f'has {len(self.imgs)} images)')
            if ann['category_id'] not in self.cats:
                self._fail(
                    ann, f'category_id={ann["category_id"]!r} is not an id '
                    f'in "categories"; allowed: {sorted(self.cats)}')
            self._check_box(ann, self.imgs[ann['image_id']])

    def _check_box(self, ann: dict, img: dict) -> None:
        """Raise for a malformed box, clip or count it as the policy says."""
        bbox = ann['bbox']
        if (not isinstance(bbox, list) or len(bbox) != 4
                or not all(_is_number(v) for v in bbox)):
            self._fail(ann, f'bbox={bbox!r} is not [x, y, width, height] '
                       'numbers')
        if not all(math.isfinite(v) for v in bbox):
            self._fail(ann, f'bbox={bbox!r} has a NaN or infinite value; '
                       'allowed: finite numbers [x, y, width, height]')
        x, y, w, h = bbox
        if w < 0 or h < 0:
            self._fail(ann, f'bbox={bbox!r} has a negative width or height; '
                       'allowed: [x, y, width, height] with width, height '
                       '>= 0 (boxes as [x1, y1, x2, y2] must be converted)')
        if (x >= img['width'] or y >= img['height'] or x + w <= 0
                or y + h <= 0):
            self._skip(ann, 'outside', f'bbox={bbox!r} lies outside its '
                       f'{img["width"]}x{img["height"]} image')
            return
        x1, y1 = max(x, 0), max(y, 0)
        x2, y2 = min(x + w, img['width']), min(y + h, img['height'])
        if (x1, y1, x2, y2) != (x, y, x + w, y + h):
            ann['bbox'] = [x1, y1, x2 - x1, y2 - y1]
            self.clipped.append(ann['id'])
        area = ann['area']
        if ann['bbox'][2] < 1 or ann['bbox'][3] < 1 or not (
                _is_number(area) and area > 0):
            self._skip(ann, 'degenerate', f'bbox={ann["bbox"]!r} (area='
                       f'{area!r}) is degenerate; width and height must be '
                       '>= 1 and area > 0')

    def _skip(self, ann: dict, kind: str, what: str) -> None:
        if self.degenerate == 'error':
            self._fail(ann, f"{what} (degenerate_boxes='skip' drops such "
                       'boxes, as mmdet does)')
        self.skipped[kind].append(ann['id'])

    def box_report(self) -> str:
        """One line on the clipped and skipped boxes; '' if there are none."""
        parts = [
            f'{done} {len(ids)} {what} (first annotation ids: {ids[:5]})'
            for done, ids, what in (
                ('clipped', self.clipped, 'boxes partly outside their image '
                 'to it'),
                ('skipped', self.skipped['degenerate'], 'degenerate boxes '
                 '(width or height < 1 or area <= 0), as mmdet does'),
                ('skipped', self.skipped['outside'], 'boxes outside their '
                 'image, as mmdet does')) if ids]
        return f'{self.path}: ' + '; '.join(parts) if parts else ''


def _is_number(value) -> bool:
    # bool is an int in Python, but never a coordinate.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@DATASETS.register_module()
class CheckedCocoDataset(DecodeCheckMixin, CocoDataset):
    """mmdet's ``CocoDataset`` (a drop-in) that fails early and clearly on
    bad files; what it checks: docs/user_guides/datasets.md.

    Args:
        degenerate_boxes (str): ``'skip'`` boxes with width or height < 1,
            area <= 0 or no overlap with their image, as mmdet does, with
            one warning giving their number; ``'error'`` raises instead.
            Defaults to ``'skip'``.
        check_files, bad_images: As in
            :class:`~se_plugin.datasets.image_check.DecodeCheckMixin`.
        **kwargs: The arguments of :class:`mmdet.datasets.CocoDataset`.
    """

    def __init__(self, *args, degenerate_boxes: str = 'skip',
                 check_files: bool = True, bad_images: str = 'error',
                 **kwargs):
        if degenerate_boxes not in DEGENERATE:
            fail('CheckedCocoDataset.degenerate_boxes', degenerate_boxes,
                 DEGENERATE, DataError)
        self.degenerate_boxes = degenerate_boxes
        super().__init__(
            *args, check_files=check_files, bad_images=bad_images, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load through :class:`CheckedCOCO`, then check the images."""
        require_path(self.ann_file, 'COCO annotation file', GUIDE_SECTION)
        # mmdet builds its COCO API as self.COCOAPI(path) inside
        # load_data_list; an instance attribute gives it our arguments.
        self.COCOAPI = self._make_coco
        data_list = super().load_data_list()
        del self.COCOAPI
        if self.box_report:
            MMLogger.get_current_instance().warning(self.box_report)
        if not self.test_mode:
            self._check_has_boxes(data_list)
        if self.check_files:
            self._check_images(data_list)
            self._check_sizes(data_list)
        self._check_resizable(data_list)
        return data_list

    def _refuse(self, bad, data_list, what, fix):
        """Refuse the first of ``bad`` ``(info, (w, h))`` images, counted."""
        if bad:
            info, (w, h) = bad[0]
            raise DataError(
                f'{self.ann_file}: image id={info["img_id"]} '
                f'{info["img_path"]!r} is {what(info, w, h)} ({len(bad)} of '
                f'{len(data_list)} images{fix}')

    def _check_resizable(self, data_list: List[dict]) -> None:
        """Refuse images the first keep-ratio ``Resize`` brings to 0 px on a
        side (by the JSON's sizes)."""
        resize = next((t for t in getattr(self.pipeline, 'transforms', [])
                       if isinstance(t, MMCVResize)), None)
        if resize is None or resize.scale is None or not resize.keep_ratio:
            return
        bad = [(info, rescale_size((info['width'], info['height']),
                                   resize.scale)) for info in data_list]
        self._refuse(
            [(info, size) for info, size in bad if min(size) < 1], data_list,
            lambda info, w, h: f'{info["width"]}x{info["height"]}: the '
            f"pipeline's {type(resize).__name__}(scale={resize.scale}, "
            f'keep_ratio=True) makes it {w}x{h} pixels',
            '); remove such images from the JSON, or resize without '
            'keep_ratio')

    def _check_has_boxes(self, data_list: List[dict]) -> None:
        """Refuse a training set without one box to learn from (no
        annotations, or all ``iscrowd=1``, which mmdet ignores)."""
        boxes = [inst for info in data_list for inst in info['instances']]
        if not any(inst['ignore_flag'] == 0 for inst in boxes):
            crowd = sum(inst['ignore_flag'] for inst in boxes)
            raise DataError(
                f'{self.ann_file}: no box to train on ({len(boxes)} kept '
                f'annotations, {crowd} of them iscrowd=1, which mmdet '
                f'ignores, in {len(data_list)} images); a training set '
                'needs annotations with iscrowd=0')

    def _check_sizes(self, data_list: List[dict]) -> None:
        """Refuse images whose header size is not the JSON's width, height."""
        wrong = []
        for info in data_list:
            try:
                with Image.open(info['img_path']) as image:
                    size = image.size
                    if size == (info['height'], info['width']) and \
                            image.getexif().get(ORIENTATION, 1) >= 5:
                        continue  # rotated by its EXIF when loaded
            except OSError:
                continue  # not decodable: named when it is loaded
            if size != (info['width'], info['height']):
                wrong.append((info, size))
        self._refuse(
            wrong, data_list, lambda info, w, h: f'{w}x{h} but the file '
            f'gives width={info["width"]}, height={info["height"]}',
            ' disagree); fix the width and height in the JSON')

    def _make_coco(self, path: str) -> CheckedCOCO:
        coco = CheckedCOCO(path, self.metainfo['classes'],
                           self.degenerate_boxes, not self.test_mode)
        # The index is complete here; mmdet frees it after loading.
        self.box_report = coco.box_report()
        return coco

    def _check_images(self, data_list: List[dict]) -> None:
        prefix = self.data_prefix['img']
        # data_prefix is already joined into img_path; check relative names.
        entries = [(info['img_id'], info['img_path'][len(prefix):].lstrip(
            '/')) for info in data_list]
        require_images(entries, prefix,
                       lambda img_id: f'{self.ann_file}: image id={img_id}',
                       GUIDE_SECTION, error=DataNotFoundError)

    def describe_images(self, infos: List[dict]) -> List[str]:
        """The annotation file and image id of each data info's image."""
        return [f'image id={info["img_id"]} of {self.ann_file}'
                for info in infos]
