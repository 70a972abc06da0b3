"""The shipped configs read their data through se_plugin's checked
datasets (start-up checks of lists, labels, COCO annotations and images;
docs/user_guides/datasets.md).

Here: the configs that set the dataset type of a family (the others inherit
it). The ImageNet and Places365 configs are built, datasets included, by
tests/test_configs.py.
"""
import re
from pathlib import Path

import pytest
from mmengine.config import Config

CONFIGS = Path(__file__).resolve().parents[1] / 'configs'
EXPECTED = {
    'digits/se_resnet18_digits.py':
    'se_plugin.CheckedCustomDataset',
    'detection/digits/faster-rcnn_se-r50_fpn_digits.py':
    'se_plugin.CheckedCocoDataset',
    'detection/faster-rcnn_se-r50_fpn_1x_coco.py':
    'se_plugin.CheckedCocoDataset',
    'detection/faster-rcnn_se-r50_c4_1x_coco.py':
    'se_plugin.CheckedCocoDataset',
    'detection/faster-rcnn_r50-se-plugin_fpn_1x_coco.py':
    'se_plugin.CheckedCocoDataset',
    'detection/faster-rcnn_r18-se-anywhere_fpn_1x_coco.py':
    'se_plugin.CheckedCocoDataset',
    'yolox/yolox_s_se-cspdarknet_8xb8-300e_coco.py':
    'se_plugin.CheckedCocoDataset',
}


def test_the_other_configs_inherit_one_of_these():
    # A detection or digits config whose base is a toolbox config (not one
    # of ours) sets the dataset type itself: it must be listed above.
    for path in [
            *CONFIGS.glob('detection/**/*.py'), *CONFIGS.glob('yolox/**/*.py'),
            *CONFIGS.glob('digits/*.py')
    ]:
        bases = re.findall(
            r"'([^']+\.py)'",
            path.read_text().split('_base_ =', 1)[1].split('\n\n', 1)[0])
        own = [b for b in bases if '::' not in b]
        if not own:
            assert path.relative_to(CONFIGS).as_posix() in EXPECTED, path
        for base in own:
            assert (path.parent / base).resolve().is_relative_to(CONFIGS)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_config_reads_through_a_checked_dataset(name):
    cfg = Config.fromfile(CONFIGS / name)
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        if dataset.type == 'MultiImageMixDataset':  # YOLOX's mosaic
            dataset = dataset.dataset
        assert dataset.type == EXPECTED[name]
