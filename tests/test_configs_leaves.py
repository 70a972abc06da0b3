"""Configs inherit instead of repeating, and stay shallow (STYLE.md: two
levels of our own files, so a reader merges few files in their head).

Read as source (``ast``), not parsed by mmengine: this is about how the
files are written; ``test_configs.py`` checks what they contain.
Config lint: the rules come from STYLE.md, not from an independent golden.
"""
import ast
from pathlib import Path

import pytest

CONFIGS = Path(__file__).resolve().parents[1] / 'configs'
LEAVES = sorted(p for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts)
# Baselines that inherit their SE config because it also sets the input
# pipelines (299 / 320 crops): one level more, said in their docstrings.
# The R-18 toy-data detector takes the data, anchors and schedule of the
# R-50 toy-data detector, which is itself the COCO config on toy data.
# configs/se_resnet50_imagenet.py only names se_resnet/se_resnet50_imagenet.py
# (the path users run stays where it was).
DEEPER = {
    'se_inception_resnet_v2/inception_resnet_v2_imagenet.py',
    'senet154/senet154_320_imagenet.py',
    'detection/digits/faster-rcnn_r18-se-anywhere_fpn_digits.py',
    'se_resnet50_imagenet.py'
}


def assignments(path):
    """Top-level ``name = value`` statements of a config, as a dict."""
    tree = ast.parse(path.read_text())
    return {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0],
                                                       ast.Name)
    }


def local_bases(path):
    value = assignments(path).get('_base_')
    if value is None:
        return []
    names = ast.literal_eval(value)
    names = [names] if isinstance(names, str) else names
    return [(path.parent / n).resolve() for n in names if '::' not in n]


# configs/cifar: a base over a base instead of a copy of it (the CIFAR-100
# data base is the CIFAR-10 one with other files; ResNet-110's schedule is
# He et al.'s with a warm-up), so its leaves are one level deeper.
DEEPER_DIRS = ('cifar', )
#: A baseline that only turns SE off over its SE leaf; it adds no level (a
#: reader merges one switch), so pairs need no copies at any depth.
SE_OFF = "dict(backbone=dict(se_cfg=None))"


def se_off_only(path):
    names = assignments(path)
    return (set(names) == {'_base_', 'model'} and len(local_bases(path)) == 1
            and ast.unparse(names['model']) == SE_OFF)


def depth(path):
    """Levels of our own files: a leaf over toolbox bases only is 1."""
    below = max((depth(b) for b in local_bases(path)), default=0)
    return below if se_off_only(path) else 1 + below


@pytest.mark.parametrize('path', LEAVES,
                         ids=lambda p: p.relative_to(CONFIGS).as_posix())
def test_inheritance_is_shallow(path):
    assert all(b.is_file() for b in local_bases(path))
    name = path.relative_to(CONFIGS).as_posix()
    deeper = name in DEEPER or name.split('/')[0] in DEEPER_DIRS
    assert depth(path) <= (3 if deeper else 2)


RESNET_LEAVES = [
    p for p in LEAVES
    if p.parent.name in ('se_resnet', 'se_resnext')
] + sorted(CONFIGS.glob('ablations/*ratio*.py')) + sorted(
    CONFIGS.glob('places365/*.py'))


@pytest.mark.parametrize('path', RESNET_LEAVES, ids=lambda p: p.name)
def test_resnet_leaves_are_bases_and_one_line(path):
    """A model base, a recipe base and at most one ``model`` override."""
    bases = [b.relative_to(CONFIGS / '_base_').as_posix()
             for b in local_bases(path)]
    family = 'models/se_resnext.py' if 'resnext' in path.name else \
        'models/se_resnet.py'
    assert bases[0] == family and len(bases) == 2
    assert set(assignments(path)) <= {'_base_', 'model'}
    model = assignments(path).get('model')
    assert model is None or len(ast.unparse(model)) <= 79


def test_resnet_family_counted():
    # The paper's Table 2 (5 networks x base/SE x 2 recipes = 20 leaves),
    # Table 7's 3 ratios besides 16, Table 5's 2 Places365 rows: a lost
    # file cannot pass unseen.
    assert len(RESNET_LEAVES) == 20 + 3 + 2
