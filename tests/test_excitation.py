"""Excitation analysis (Fig. 5): recorded gates equal an independent
computation, the summary numbers follow from them, the files hold them."""
import csv
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from se_plugin.analysis.excitation import (ExcitationRecorder, block_name,
                                           class_means, sample_channels,
                                           se_blocks, select_images)
from se_plugin.models import SEResNet

ROOT = Path(__file__).parents[1]
CONFIG = ROOT / 'configs' / 'digits' / 'se_resnet18_digits.py'
BLOCKS = ['SE_4_2', 'SE_5_1', 'SE_5_2']
CLASSES = [0, 3, 7]
PER_CLASS = 10
CHANNELS = 16


def data_options(root):
    return [
        f'{split}_dataloader.dataset.data_root={root}'
        for split in ('train', 'val', 'test')
    ]


@pytest.fixture(scope='module')
def trained(load_tool, digits_root, tmp_path_factory):
    """SE-ResNet-18 trained briefly on the digits: one epoch over the first
    320 training images (10 steps)."""
    work = tmp_path_factory.mktemp('excitation')
    load_tool('train.py').main([
        str(CONFIG), '--work-dir', str(work / 'train'), '--no-validate',
        '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.dataset.indices=320',
        'default_hooks.checkpoint.interval=1', *data_options(digits_root)
    ])
    return work, work / 'train' / 'epoch_1.pth'


@pytest.fixture(scope='module')
def fig5(load_tool, trained, digits_root):
    work, checkpoint = trained
    out = work / 'fig5'
    load_tool('analysis/excitation.py').main([
        str(CONFIG), str(checkpoint), '--out', str(out), '--blocks', *BLOCKS,
        '--classes', *map(str, CLASSES), '--per-class', str(PER_CLASS),
        '--channels', str(CHANNELS), '--batch-size', '16', '--cfg-options',
        *data_options(digits_root)
    ])
    return out, checkpoint, np.load(out / 'excitation.npz')


def build_dataset_and_model(checkpoint, digits_root):
    from mmengine.registry import init_default_scope
    from mmpretrain.apis import get_model
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(dict(a for a in (o.split('=')
                                         for o in data_options(digits_root))))
    init_default_scope('mmpretrain')
    return (DATASETS.build(cfg.test_dataloader.dataset),
            get_model(cfg, pretrained=str(checkpoint)))


def test_images_and_shapes(fig5, digits_root):
    out, checkpoint, npz = fig5
    dataset, _ = build_dataset_and_model(checkpoint, digits_root)
    labels = dataset.get_gt_labels()
    # The first PER_CLASS images of every class, in dataset order.
    assert len(npz['indices']) == PER_CLASS * 10
    assert (npz['labels'] == labels[npz['indices']]).all()
    assert np.bincount(npz['labels']).tolist() == [PER_CLASS] * 10
    for block, channels in zip(BLOCKS, (256, 512, 512)):
        gates = npz[f'gates_{block}']
        assert gates.shape == (PER_CLASS * 10, channels)
        assert ((gates > 0) & (gates < 1)).all()  # sigmoid
        sampled = npz[f'channels_{block}']
        assert len(set(sampled.tolist())) == CHANNELS
        assert (np.diff(sampled) > 0).all() and sampled[-1] < channels


def test_gates_equal_the_se_module_on_the_same_images(fig5, digits_root):
    """Recompute SE_5_2's gates from its block's input: the block's
    residual branch, then the SE module's ``excite``."""
    out, checkpoint, npz = fig5
    dataset, model = build_dataset_and_model(checkpoint, digits_root)
    block = model.backbone.layer4[1]  # SE_5_2
    inputs = []
    handle = block.register_forward_pre_hook(
        lambda module, args: inputs.append(args[0]))
    first = npz['indices'][:8].tolist()
    with torch.no_grad():
        data = model.data_preprocessor(
            dict(
                inputs=[dataset[i]['inputs'] for i in first],
                data_samples=[dataset[i]['data_samples'] for i in first]),
            False)
        model(data['inputs'], mode='tensor')
        expected = block.se.excite(block.residual(inputs[0])).flatten(1)
    handle.remove()
    np.testing.assert_allclose(
        npz['gates_SE_5_2'][:8], expected.numpy(), rtol=1e-5, atol=1e-6)


def test_csv_holds_the_class_means(fig5):
    out, _, npz = fig5
    with open(out / 'excitation.csv') as f:
        rows = list(csv.DictReader(f))
    labels = npz['labels']
    assert len(rows) == len(BLOCKS) * (len(CLASSES) + 1) * CHANNELS
    for row in rows:
        gates = npz[f'gates_{row["block"]}']
        mask = np.ones_like(labels, bool) if row['class'] == 'all' else \
            labels == int(row['class'])
        assert int(row['num_images']) == mask.sum()
        assert float(row['mean_activation']) == pytest.approx(
            gates[mask, int(row['channel'])].mean(), rel=1e-6)
    assert {r['class'] for r in rows} == {'0', '3', '7', 'all'}
    assert {r['class_name'] for r in rows if r['class'] == '3'} == {'3'}


def test_overall_mean_weights_classes_by_their_images():
    gen = np.random.default_rng(0)
    gates = gen.random((7, 5))
    labels = np.array([0, 0, 0, 1, 2, 2, 2])
    means = class_means(gates, labels, [0, 1, 2])
    weighted = sum(means[str(c)] * (labels == c).sum() for c in range(3)) / 7
    np.testing.assert_allclose(means['all'], weighted)
    # Not the unweighted mean of the class means (class 1 has 1 image).
    assert not np.allclose(means['all'],
                           np.mean([means[str(c)] for c in range(3)], 0))
    with pytest.raises(ValueError, match='class 5 has no images'):
        class_means(gates, labels, [5])


def test_plots(fig5):
    import matplotlib.image
    out, _, _ = fig5
    for block in BLOCKS:
        image = matplotlib.image.imread(out / f'{block}.png')
        assert image.shape[0] > 100 and image.shape[1] > 100
        assert image[..., :3].std() > 0  # not a blank canvas


def test_block_names():
    assert block_name('backbone.layer1.2.se') == 'SE_2_3'
    assert block_name('backbone.layer4.0.se') == 'SE_5_1'
    assert block_name('layer3.5.se') == 'SE_4_6'
    # Other backbones keep the module path.
    assert block_name('backbone.stages.3.0.se') == 'backbone.stages.3.0.se'
    names = list(se_blocks(SEResNet(depth=50)))
    assert len(names) == 16
    assert names[:3] == ['SE_2_1', 'SE_2_2', 'SE_2_3']
    assert {'SE_3_4', 'SE_4_6', 'SE_5_3'} <= set(names)


@pytest.mark.parametrize('se_cfg', [dict(), dict(squeeze='none')])
def test_recorder_on_a_backbone(se_cfg):
    model = SEResNet(depth=18, se_cfg=se_cfg).eval()
    block = model.layer2[0]  # SE_3_1
    seen = []
    block.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    x = torch.randn(3, 3, 64, 64)
    with ExcitationRecorder(model, ['SE_3_1']) as rec, torch.no_grad():
        model(x)
    with torch.no_grad():
        # NoSqueeze gates vary over positions: one mean value per channel.
        expected = block.se.excite(block.residual(seen[0])).mean((2, 3))
    np.testing.assert_allclose(rec.gates()['SE_3_1'], expected.numpy(),
                               rtol=1e-6)
    assert not block.se.gate._forward_hooks  # removed on exit


def test_recorder_works_with_attached_se():
    from mmpretrain.registry import MODELS
    model = MODELS.build(
        dict(type='se_plugin.SEMobileNetV1', widen_factor=0.25)).eval()
    blocks = se_blocks(model)
    name = list(blocks)[-1]
    assert name.endswith('.se')
    with ExcitationRecorder(model, [name]) as rec, torch.no_grad():
        model(torch.randn(2, 3, 64, 64))
    assert rec.gates()[name].shape == (2, blocks[name].in_channels)


def test_bad_input(load_tool):
    model = SEResNet(depth=18)
    with pytest.raises(ValueError, match=r"blocks=\['SE_9_9'\] are not SE "
                       r"blocks of the model; allowed: \('SE_2_1'"):
        ExcitationRecorder(model, ['SE_9_9'])
    with pytest.raises(ValueError, match='has no SE modules'):
        se_blocks(SEResNet(depth=18, se_cfg=None))
    with pytest.raises(ValueError, match='per_class=0 must be an int >= 1'):
        select_images(np.zeros(3), 0)
    with pytest.raises(ValueError, match="--classes 'cat' is neither"):
        load_tool('analysis/excitation.py').class_indices(['cat'],
                                                          ['0', '1'])


def test_channel_sample_and_image_selection():
    first = sample_channels(512, 50, seed=0)
    assert len(set(first.tolist())) == 50 and (np.diff(first) > 0).all()
    assert (sample_channels(512, 50, seed=0) == first).all()
    assert (sample_channels(8, 50) == np.arange(8)).all()
    labels = np.array([2, 0, 2, 1, 2, 0])
    assert select_images(labels, 1).tolist() == [0, 1, 3]
    assert select_images(labels, None).tolist() == list(range(6))
