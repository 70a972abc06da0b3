"""mmdet's CocoDataset with clear errors for inconsistent annotation files.

What mmdet's own ``CocoDataset`` does with bad annotations (tested in
``tests/test_detection_data.py``):

- an annotation whose ``image_id`` is not in ``images``: silently never read;
- an annotation whose ``category_id`` is not in ``categories``, or whose
  category is not one of the dataset's ``classes``: silently dropped;
- a box of zero (or negative, or < 1 px) width or height, zero area, or
  outside the image: silently dropped;
- an image without (kept) boxes: dropped from training by
  ``filter_cfg=dict(filter_empty_gt=True)`` (mmdet's COCO configs), kept in
  test mode; with ``filter_empty_gt=False`` it trains as all background;
- an image file that does not exist: ``FileNotFoundError`` from the loading
  pipeline, only when that image is first drawn (possibly hours in).

:class:`CheckedCocoDataset` keeps mmdet's behaviour for degenerate boxes and
empty images (real COCO has a few sub-pixel boxes) but logs how many boxes
it skips, and raises at start-up, naming the file, the annotation and the
allowed values, for the data bugs: dangling image or category ids, class
names absent from the categories, malformed boxes and missing image files.
"""
from typing import List, Sequence

from mmdet.datasets import CocoDataset
from mmdet.datasets.api_wrappers import COCO
from mmengine.fileio import get_file_backend
from mmengine.logging import MMLogger

from se_plugin.registry import DATASETS
from .checked_list import find_missing_files, require_path

README_SECTION = 'Detection: prepare COCO'
DEGENERATE = ('skip', 'error')


class CheckedCOCO(COCO):
    """mmdet's COCO API that checks the file's references when indexing.

    Args:
        annotation_file (str): Path of the COCO json file.
        classes (Sequence[str]): Class names the dataset uses; each must be
            the name of a category of the file.
        degenerate (str): ``'skip'`` degenerate boxes (mmdet's behaviour,
            counted in ``self.degenerate_ids``) or raise an ``'error'``.
    """

    def __init__(self, annotation_file: str, classes: Sequence[str],
                 degenerate: str):
        self.path = annotation_file
        self.classes = tuple(classes)
        self.degenerate = degenerate
        self.degenerate_ids: List[int] = []
        super().__init__(annotation_file)

    def _fail(self, ann: dict, what: str):
        raise ValueError(f'{self.path}: annotation id={ann.get("id")!r} '
                         f'(image_id={ann.get("image_id")!r}): {what}')

    def createIndex(self):
        super().createIndex()
        names = {cat['name'] for cat in self.cats.values()}
        missing = [name for name in self.classes if name not in names]
        if missing:
            raise ValueError(
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
            bbox = ann.get('bbox')
            if (not isinstance(bbox, list) or len(bbox) != 4
                    or not all(isinstance(v, (int, float)) for v in bbox)):
                self._fail(ann, f'bbox={bbox!r} is not [x, y, width, '
                           'height] numbers')
            if bbox[2] < 1 or bbox[3] < 1 or ann.get('area', 1) <= 0:
                if self.degenerate == 'error':
                    self._fail(
                        ann, f'bbox={bbox!r} (area={ann.get("area")!r}) is '
                        'degenerate; width and height must be >= 1 and area '
                        "> 0 (degenerate_boxes='skip' drops such boxes, as "
                        'mmdet does)')
                self.degenerate_ids.append(ann['id'])


@DATASETS.register_module()
class CheckedCocoDataset(CocoDataset):
    """mmdet's ``CocoDataset`` that fails early and clearly on bad files.

    Same arguments and outputs as :class:`mmdet.datasets.CocoDataset` (it
    is a drop-in: ``type='se_plugin.CheckedCocoDataset'``), plus checks when
    the dataset is built: a missing annotation file raises
    ``FileNotFoundError`` naming it and the README section "Detection:
    prepare COCO"; an annotation with an ``image_id`` not in ``images``, a
    ``category_id`` not in ``categories`` or a malformed ``bbox``, and a
    class name that is no category name, raise ``ValueError`` naming the
    file and the annotation; a missing image file raises
    ``FileNotFoundError`` naming the path and how many are missing.

    Args:
        degenerate_boxes (str): ``'skip'`` boxes with width or height < 1 or
            area <= 0, as mmdet does, with a warning giving their number;
            ``'error'`` raises instead. Defaults to ``'skip'``.
        check_files (bool): Check that every image file exists (one
            directory listing per image folder). Defaults to True.
        **kwargs: The arguments of :class:`mmdet.datasets.CocoDataset`.
    """

    def __init__(self,
                 *args,
                 degenerate_boxes: str = 'skip',
                 check_files: bool = True,
                 **kwargs):
        if degenerate_boxes not in DEGENERATE:
            raise ValueError(
                f'CheckedCocoDataset.degenerate_boxes={degenerate_boxes!r} '
                f'is not supported; allowed: {DEGENERATE}')
        self.degenerate_boxes = degenerate_boxes
        self.check_files = check_files
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load the annotations through :class:`CheckedCOCO`, then check
        that the images exist."""
        require_path(self.ann_file, 'COCO annotation file', README_SECTION)
        # mmdet builds its COCO API as self.COCOAPI(path) inside
        # load_data_list; an instance attribute gives it our arguments.
        self.COCOAPI = self._make_coco
        data_list = super().load_data_list()
        del self.COCOAPI
        if self.degenerate_ids:
            MMLogger.get_current_instance().warning(
                f'{self.ann_file}: skipped {len(self.degenerate_ids)} '
                f'degenerate boxes (width or height < 1 or area <= 0), as '
                f'mmdet does; first annotation ids: '
                f'{self.degenerate_ids[:5]}')
        if self.check_files:
            self._check_images(data_list)
        return data_list

    def _make_coco(self, path: str) -> CheckedCOCO:
        coco = CheckedCOCO(
            path,
            classes=self.metainfo['classes'],
            degenerate=self.degenerate_boxes)
        self.degenerate_ids = coco.degenerate_ids
        return coco

    def _check_images(self, data_list: List[dict]) -> None:
        prefix = self.data_prefix['img']
        backend = get_file_backend(prefix, enable_singleton=True)
        # data_prefix is already joined into img_path; check relative names.
        entries = [(info['img_id'], info['img_path'][len(prefix):].lstrip(
            '/')) for info in data_list]
        missing = find_missing_files(entries, prefix)
        if missing:
            img_id, path = missing[0]
            raise FileNotFoundError(
                f'{self.ann_file}: image id={img_id} '
                f'{backend.join_path(prefix, path)!r} does not exist '
                f'({len(missing)} of {len(entries)} images are missing); '
                f'see "{README_SECTION}" in README.md')
