"""The model zoo: metafiles, ``list_models`` and ``get_model``.

The golden test builds every model of the zoo and compares its parameter
count with its metafile, so a changed architecture fails here.
"""
import collections
import functools
from pathlib import Path

import goldens
import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.registry import MODELS as MODELS_REGISTRY
from mmengine.registry import DefaultScope
from modelindex.load_model_index import load

import se_plugin
from se_plugin import get_model, list_models
from se_plugin.apis import get_model_info
from se_plugin.apis.model_zoo import MODEL_INDEX

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'configs'


# mmengine re-reads the toolboxes' metafiles for every toolbox base.
pytestmark = pytest.mark.usefixtures('cached_metafiles')


def metafile_models():
    index = yaml.safe_load(Path(MODEL_INDEX).read_text())
    models = {}
    for path in index['Import']:
        meta = yaml.safe_load((Path(MODEL_INDEX).parent / path).read_text())
        for model in meta['Models']:
            models[model['Name']] = model
    return models


MODELS = metafile_models()


def metrics(name):
    """The metrics of a model's first result."""
    return MODELS[name]['Results'][0]['Metrics']


#: Configs that are no entry of the zoo because they spell one of its models
#: another way: the path users run, and the Attach and mmcv-plugin doors.
SPELLINGS = {
    'configs/se_resnet50_imagenet.py': 'se_resnet50_imagenet',
    'configs/attention/se_resnet50_imagenet.py': 'se_resnet50_imagenet',
    'configs/detection/faster-rcnn_r50-se-plugin_fpn_1x_coco.py':
    'faster-rcnn_se-r50_fpn_1x_coco',
}


def test_every_config_is_in_the_zoo():
    configs = {
        str(p.relative_to(ROOT))
        for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts
    }
    # change detector: the number of configs we ship (our choice, no source).
    assert len(configs) == 104
    assert set(SPELLINGS) <= configs
    assert {m['Config'] for m in MODELS.values()} == configs - set(SPELLINGS)
    assert sorted(MODELS) == list_models()
    # Names are the config stems.
    for name, model in MODELS.items():
        assert name == Path(model['Config']).stem, (name, model['Config'])


@functools.lru_cache(None)
def zoo_config(name):
    return se_plugin.apis.model_zoo.get_config(name)


def but_backbone(cfg):
    """A config as text, without its backbone: the recipe, head and neck."""
    cfg = cfg.to_dict()
    cfg['model'].pop('backbone')
    return repr(sorted(cfg.items()))


def backbone(cfg):
    """The backbone of a config, built in its toolbox's scope, in eval mode,
    nothing downloaded. Vectors (norm scales and shifts, running statistics,
    biases) are random too: a zero-initialised last BN makes a residual
    branch vanish, and with it the difference between SE placements."""
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        model = MODELS_REGISTRY.build(cfg.model.backbone)
    gen = torch.Generator().manual_seed(0)
    for key, value in model.state_dict().items():
        if value.dim() == 1 and value.is_floating_point():
            positive = key.endswith(('weight', 'running_var'))
            value.copy_(torch.rand(value.shape, generator=gen) * 0.5 + 0.5
                        if positive else 0.1 * torch.randn(value.shape,
                                                           generator=gen))
    model.eval()
    return model


def features(model):
    with torch.no_grad():
        out = model(torch.randn(1, 3, 32, 32,
                                generator=torch.Generator().manual_seed(0)))
    return out if isinstance(out, (tuple, list)) else [out]


def twins(models):
    """The pairs of ``models`` (name -> backbone) that compute the same
    function: the same state-dict keys and shapes, and the same features for
    the first one's weights and the same input."""
    by_shapes = collections.defaultdict(list)
    for name, model in models.items():
        shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        by_shapes[repr(sorted(shapes.items()))].append(name)
    pairs = []
    for names in by_shapes.values():
        weights = models[names[0]].state_dict()
        outs = {}
        for name in names:
            models[name].load_state_dict(weights)
            outs[name] = features(models[name])
        pairs += [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
                  if all(torch.allclose(x, y, rtol=1e-4, atol=1e-5)
                         for x, y in zip(outs[a], outs[b]))]
    return pairs


def test_no_two_entries_are_the_same_model():
    """Two names for one model (the same config apart from the backbone, and
    backbones that compute the same function) would be one model twice, as
    SE-ResNet-50 once was (``attention_se_resnet50_imagenet``). Only models
    with the same recipe and parameter and FLOP counts are built."""
    groups = collections.defaultdict(list)
    for name, model in MODELS.items():
        meta = model['Metadata']
        groups[(but_backbone(zoo_config(name)), meta['Parameters'],
                meta.get('FLOPs'))].append(name)
    candidates = [names for names in groups.values() if len(names) > 1]
    # The TPAMI ablations that change the SE block but not its weights;
    # ResNet-50 and its parameter-free GE and SimAM versions.
    assert sorted(map(len, candidates)) == [3, 6]
    for names in candidates:
        assert twins({n: backbone(zoo_config(n)) for n in names}) == []


@pytest.mark.parametrize('path', sorted(SPELLINGS))
def test_spellings_are_their_zoo_model(path):
    """Each config outside the zoo builds its zoo model: the path users run
    is the family config itself (what tools/train.py reads), the Attach and
    mmcv-plugin spellings compute the same function."""
    cfg = Config.fromfile(str(ROOT / path))
    zoo = zoo_config(SPELLINGS[path])
    if path == 'configs/se_resnet50_imagenet.py':
        assert cfg.to_dict() == zoo.to_dict()
        return
    assert but_backbone(cfg) == but_backbone(zoo)
    assert twins(dict(zoo=backbone(zoo), spelling=backbone(cfg))) == [
        ('zoo', 'spelling')]


def test_metafiles_are_valid_model_index():
    index = load(MODEL_INDEX)
    index.build_models_with_collections()
    assert len(index.models) == len(MODELS)
    for model in index.models:
        assert not model.check_errors, (model.name, model.check_errors)
        assert model.in_collection
        assert model.metadata.parameters > 0
        for result in model.results or []:
            assert all('(paper)' in k or '(ours' in k
                       for k in result.metrics), result.metrics


def test_paper_results_as_in_the_paper():
    """A few of the paper's figures, as PAPER.md gives them."""
    assert metrics('se_resnet50_imagenet') == {
        'Top 1 Error (paper)': 23.29, 'Top 5 Error (paper)': 6.62}
    assert metrics('senet154_320_imagenet')['Top 1 Error (paper)'] == 17.28
    assert metrics('faster-rcnn_se-r101_c4_1x_coco') == {
        'box AP@0.5 (paper)': 49.2, 'box AP (paper)': 27.9}
    assert 'Results' not in MODELS['se_resnet50_8xb32_imagenet']


def test_reference_results_of_the_other_attention_papers():
    """ECA-Net's, CBAM's and RegNet's own figures, each marked "paper";
    none where we could not check one (GC, timm's ECA-ResNet-50-D) or no
    paper measured the model (the detectors with SE)."""
    assert metrics('eca_resnet50_imagenet') == {
        'Top 1 Accuracy (paper)': 77.48, 'Top 5 Accuracy (paper)': 93.68}
    assert metrics('cbam_resnet50_imagenet') == {
        'Top 1 Error (paper)': 22.66, 'Top 5 Error (paper)': 6.31}
    assert metrics('regnety-400mf_8xb128_imagenet') == {
        'Top 1 Error (paper)': 25.9}
    for name in ('gc_resnet50_imagenet', 'eca_resnet50d_imagenet',
                 'yolox_s_se-cspdarknet_8xb8-300e_coco',
                 'faster-rcnn_r18-se-anywhere_fpn_1x_coco'):
        assert 'Results' not in MODELS[name]


def test_list_models_patterns():
    assert list_models('se_resnet50_ratio*') == [
        'se_resnet50_ratio32_imagenet', 'se_resnet50_ratio4_imagenet',
        'se_resnet50_ratio8_imagenet'
    ]
    # No wildcard: names that contain it; case-insensitive.
    assert list_models('SENET154') == [
        'senet154_320_imagenet', 'senet154_imagenet'
    ]
    # The paper's Table 6: Faster R-CNN C4 with (SE-)ResNet-50/101.
    assert list_models('_c4_') == [
        'faster-rcnn_r101_c4_1x_coco', 'faster-rcnn_r50_c4_1x_coco',
        'faster-rcnn_se-r101_c4_1x_coco', 'faster-rcnn_se-r50_c4_1x_coco'
    ]
    assert list_models('no-such-model') == []


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError) as error:
        get_model('se_resnet50_imgenet')
    message = str(error.value)
    assert "'se_resnet50_imgenet' is not in se_plugin's zoo" in message
    assert 'se_resnet50_imagenet' in message.split('closest: ')[1]
    with pytest.raises(ValueError, match='no name is close'):
        get_model_info('xyz')


#: Zoo models with an independent count (tests/goldens.py: timm's).
REFERENCE_COUNTS = {
    **{n: goldens.table2_params(n) for n in MODELS
       if goldens.table2_params(n)},
    'resnet50_baseline_imagenet': goldens.RESNET50,
    'senet154_imagenet': goldens.SENET154,
    'senet154_320_imagenet': goldens.SENET154,
    'inception_resnet_v2_imagenet': goldens.INCEPTION_RESNET_V2,
    'vgg16bn_imagenet': goldens.VGG16_BN,
    'regnety-400mf_8xb128_imagenet': goldens.REGNETY_400MF,
    'eca_resnet50d_imagenet': goldens.ECA_RESNET50D,
    'cbam_resnet50_imagenet': goldens.CBAM_RESNET50,
}


@pytest.mark.parametrize('name', sorted(REFERENCE_COUNTS))
def test_metafile_count_is_the_reference(name):
    """Where an independent count exists, the metafile holds it (so
    test_zoo_parameter_counts checks the built model against it)."""
    assert MODELS[name]['Metadata']['Parameters'] == REFERENCE_COUNTS[name]


@pytest.mark.parametrize('name', sorted(MODELS))
def test_zoo_parameter_counts(name, no_weight_init):
    """The built model has its metafile's parameter count (the independent
    goldens are in test_configs.py, test_senet_family_complexity.py and
    test_se_anywhere_configs.py)."""
    # change detector: metafile counts were written from this implementation
    # (but those of REFERENCE_COUNTS, which are timm's).
    family = Path(MODELS[name]['Config']).parts[1]
    toolbox = dict(detection='mmdet', yolox='mmdet', seg='mmseg',
                   pose='mmpose').get(family, 'mmpretrain')
    if family in ('seg', 'pose'):  # the optional extras
        pytest.importorskip(toolbox, reason=f'se_plugin[{family}] absent')
    model = get_model(name)
    params = sum(p.numel() for p in model.parameters())
    assert params == MODELS[name]['Metadata']['Parameters']
    assert model.cfg.default_scope == toolbox


def test_get_model_builds_in_the_toolbox_scope():
    from mmdet.models import FasterRCNN
    from mmpretrain.models import ImageClassifier
    assert isinstance(get_model('se_resnet18_digits'), ImageClassifier)
    detector = get_model('faster-rcnn_se-r50_c4_1x_coco')
    assert isinstance(detector, FasterRCNN)
    assert type(detector.roi_head.shared_head).__name__ == 'SEResLayer'


def test_overrides_reach_the_model():
    model = get_model('se_resnet18_digits', head=dict(num_classes=4),
                      backbone=dict(se_cfg=dict(ratio=8)))
    assert model.head.fc.out_features == 4
    se = model.backbone.layer1[0].se
    assert se.squeeze_channels == 64 // 8
    # The config's top-level preprocessor went into the model.
    assert model.data_preprocessor.mean.flatten().tolist() == [127.5] * 3


@pytest.fixture(scope='module')
def digits_checkpoint(tmp_path_factory):
    """A runner-style checkpoint of the digits model (random weights)."""
    torch.manual_seed(0)
    model = get_model('se_resnet18_digits')
    path = tmp_path_factory.mktemp('ckpt') / 'epoch_6.pth'
    torch.save(dict(meta=dict(epoch=6), state_dict=model.state_dict()), path)
    return path, model.state_dict()


def test_pretrained_loads_every_weight(digits_checkpoint):
    path, state = digits_checkpoint
    model = get_model('se_resnet18_digits', pretrained=str(path))
    loaded = model.state_dict()
    assert loaded.keys() == state.keys()
    assert all(torch.equal(loaded[k], state[k]) for k in state)


@pytest.mark.parametrize('change, words', [
    ('drop', '1 missing'),
    ('extra', '1 unexpected'),
    ('reshape', '1 mis-shaped'),
])
def test_pretrained_that_does_not_fit_fails_loudly(digits_checkpoint,
                                                   tmp_path, change, words):
    path, state = digits_checkpoint
    state = dict(state)
    key = 'backbone.layer1.0.se.fc1.weight'
    if change == 'drop':
        del state[key]
    elif change == 'extra':
        state['backbone.layer9.weight'] = torch.zeros(1)
    else:
        state[key] = torch.zeros(3, 3, 1, 1)
    bad = tmp_path / 'bad.pth'
    torch.save(dict(state_dict=state), bad)
    with pytest.raises(ValueError) as error:
        get_model('se_resnet18_digits', pretrained=str(bad))
    assert words in str(error.value)
    assert 'nothing was loaded' in str(error.value)


def test_pretrained_of_another_model_fails(digits_checkpoint, tmp_path):
    """The SE model's checkpoint in the plain ResNet: its SE weights are
    unexpected there."""
    path, _ = digits_checkpoint
    with pytest.raises(ValueError, match=r'\d+ unexpected'):
        get_model('se_resnet18_digits', pretrained=str(path),
                  backbone=dict(se_cfg=None))


def test_pretrained_bad_values(tmp_path):
    with pytest.raises(FileNotFoundError, match='no.pth'):
        get_model('se_resnet18_digits', pretrained=str(tmp_path / 'no.pth'))
    with pytest.raises(ValueError, match='publishes no weights'):
        get_model('se_resnet18_digits', pretrained=True)


def test_configs_still_inherit_through_mim(tmp_path):
    """mmengine reads the model index before it resolves se_plugin::."""
    assert se_plugin.list_models  # imported: se_plugin:: is registered
    leaf = tmp_path / 'mine.py'
    leaf.write_text("_base_ = 'se_plugin::configs/se_resnet50_imagenet.py'\n"
                    'model = dict(head=dict(num_classes=200))\n')
    cfg = Config.fromfile(str(leaf))
    assert cfg.model.head.num_classes == 200
    assert cfg.model.backbone.type == 'se_plugin.SEResNet'


def test_metafile_flops_are_measured():
    """The FLOPs of the metafiles are cost_table.py's count (one small
    model here; tools/analysis/cost_table.py measures the others)."""
    # change detector: cost_table.py wrote these FLOPs; no published count.
    from se_plugin.analysis.cost import model_cost
    model = get_model('se_resnet18_digits')
    cost = model_cost(model, (3, 32, 32))
    meta = MODELS['se_resnet18_digits']['Metadata']
    assert (cost.params, cost.flops) == (meta['Parameters'], meta['FLOPs'])


@pytest.mark.parametrize('name', [
    'regnety-400mf_8xb128_imagenet', 'cbam_resnet50_imagenet'])
def test_attached_models_flops_are_measured(name, no_weight_init):
    """The same for two models of se_plugin.Attach: RegNetY-400MF and
    CBAM (whose mean / amax the count leaves out) at 224x224."""
    # change detector: cost_table.py wrote these FLOPs; no published count.
    from se_plugin.analysis.cost import model_cost
    cost = model_cost(get_model(name), (3, 224, 224))
    meta = MODELS[name]['Metadata']
    assert (cost.params, cost.flops) == (meta['Parameters'], meta['FLOPs'])
