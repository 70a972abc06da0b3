"""The options tools/train.py and tools/test.py share with mmpretrain's and
mmdet's own tools, each checked by what it changes: the Runner config, or
the files and numbers of a test run on the digits data (20 images, an
untrained SE-ResNet-18: the options, not the model, are under test)."""
import json
import pickle
from types import SimpleNamespace

import mmengine
import numpy as np
import pytest
import torch
from bad_inputs.tools import DIGITS, REPO, ToolExit, load_tool, run_tool
from mmengine.dataset import pseudo_collate

from se_plugin.apis import build_model
from se_plugin.engine.runner import (dump_predictions, load_config,
                                     merge_test_args)

NUM_TEST = 20


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """The digits model's initial weights, saved as the Runner saves."""
    path = tmp_path_factory.mktemp('ckpt') / 'init.pth'
    torch.manual_seed(0)
    torch.save(dict(state_dict=build_model(DIGITS).state_dict(), meta={}),
               path)
    return path


def data_options(root):
    return [
        f'test_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.indices={NUM_TEST}'
    ]


def run_test(checkpoint, root, *options):
    """tools/test.py on the digits config; returns its metrics."""
    return run_tool('test.py', [
        DIGITS, checkpoint, *options, '--cfg-options', *data_options(root)
    ])


def tool_config_of_test(config, *argv):
    test = load_tool('test.py')
    args = test.parse_args([str(config), 'x.pth', *map(str, argv)])
    return merge_test_args(load_config(args), args)


def train_config(config, *argv):
    train = load_tool('train.py')
    args = train.parse_args([str(config), *map(str, argv)])
    return train.merge_train_args(train.load_config(args), args)


LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def test_train_dataloader_options_follow_the_configs_toolbox(mmdet_config):
    # mmpretrain's tool: pin_memory defaults to True where the config does
    # not say; persistent_workers keeps the config's (default off: an exact
    # --resume needs workers re-created per epoch).
    cfg = train_config(DIGITS)
    assert [cfg[k].pin_memory for k in LOADERS] == [True] * 3
    assert [cfg[k].persistent_workers for k in LOADERS] == [False] * 3
    assert cfg.train_dataloader.collate_fn == dict(type='default_collate')
    cfg = train_config(DIGITS, '--no-pin-memory', '--no-persistent-workers',
                       '--cfg-options', 'val_dataloader.persistent_workers='
                       'True')
    assert [cfg[k].pin_memory for k in LOADERS] == [False] * 3
    assert [cfg[k].persistent_workers for k in LOADERS] == [False] * 3
    cfg = train_config(REPO / 'configs' / 'se_resnet50_imagenet.py',
                       '--cfg-options', 'val_dataloader.num_workers=0',
                       'train_dataloader.persistent_workers=True')
    assert (cfg.train_dataloader.persistent_workers,
            cfg.val_dataloader.persistent_workers) == (True, False)
    # mmdet's tool sets neither; ours turns them off when asked.
    cfg = train_config(mmdet_config)
    assert 'pin_memory' not in cfg.train_dataloader
    cfg = train_config(mmdet_config, '--no-pin-memory',
                       '--no-persistent-workers')
    assert [(cfg[k].pin_memory, cfg[k].persistent_workers)
            for k in LOADERS] == [(False, False)] * 3


def test_no_validate_drops_validation(mmdet_config):
    for config in (DIGITS, mmdet_config):
        cfg = train_config(config, '--no-validate')
        assert (cfg.val_cfg, cfg.val_dataloader, cfg.val_evaluator) == (
            None, None, None)


def test_test_options_reach_the_config(tmp_path):
    cfg = tool_config_of_test(DIGITS, '--amp', '--no-pin-memory', '--show',
                      '--show-dir', tmp_path, '--interval', 3,
                      '--wait-time', 0.5)
    assert cfg.test_cfg.fp16 is True
    assert cfg.test_dataloader.pin_memory is False
    assert cfg.load_from == 'x.pth'
    vis = cfg.default_hooks.visualization
    assert (vis.enable, vis.show, vis.out_dir, vis.interval,
            vis.wait_time) == (True, True, str(tmp_path), 3, 0.5)


def test_mmdet_test_options_are_mmdets(mmdet_config, tmp_path):
    cfg = tool_config_of_test(mmdet_config, '--tta', '--show-dir', tmp_path,
                      '--interval', 4, '--amp')
    vis = cfg.default_hooks.visualization
    assert (vis.draw, vis.test_out_dir, vis.interval) == (True,
                                                          str(tmp_path), 4)
    assert cfg.test_cfg.fp16 is True
    assert cfg.model.type == 'DetTTAModel'
    assert cfg.model.module.backbone.type == 'se_plugin.SEResNet'
    flips, packs = cfg.test_dataloader.dataset.pipeline[-1].transforms
    assert [f['prob'] for f in flips] == [1., 0.]
    assert packs[0]['type'] == 'PackDetInputs'
    runner = SimpleNamespace(test_evaluator=SimpleNamespace(metrics=[]))
    dump_predictions(runner, cfg, str(tmp_path / 'p.pkl'))
    assert type(runner.test_evaluator.metrics[0]).__name__ == \
        'DumpDetResults'


def test_out_writes_metrics_or_predictions(checkpoint, digits_root,
                                           tmp_path):
    metrics = run_test(checkpoint, digits_root, '--out',
                       tmp_path / 'm.json')
    assert json.loads((tmp_path / 'm.json').read_text()) == pytest.approx(
        metrics)
    run_test(checkpoint, digits_root, '--out', tmp_path / 'p.pkl')
    with open(tmp_path / 'p.pkl', 'rb') as f:
        predictions = pickle.load(f)
    assert len(predictions) == NUM_TEST
    scores = np.stack([p['pred_score'].numpy() for p in predictions])
    labels = np.array([int(p['gt_label'][0]) for p in predictions])
    assert 100 * np.mean(scores.argmax(1) == labels) == pytest.approx(
        metrics['accuracy/top1'])
    for suffix in ('yaml', 'pkl'):
        out = tmp_path / f'metrics.{suffix}'
        run_test(checkpoint, digits_root, '--out', out, '--out-item',
                 'metrics')
        assert mmengine.load(str(out)) == pytest.approx(metrics)


def test_out_never_replaces_a_file_unasked(checkpoint, digits_root,
                                           tmp_path):
    out = tmp_path / 'm.json'
    out.write_text('mine')
    with pytest.raises(ToolExit) as error:
        run_test(checkpoint, digits_root, '--out', out)
    assert str(error.value) == (
        f"exit status 1: error: --out '{out}' exists; pass --overwrite to "
        'replace it, or give another --out')
    assert out.read_text() == 'mine'
    run_test(checkpoint, digits_root, '--out', out, '--overwrite')
    assert 'accuracy/top1' in json.loads(out.read_text())


@pytest.mark.parametrize('which', ['checkpoint', 'annotations'])
def test_out_is_never_an_input(which, checkpoint, digits_root, tmp_path):
    ann = tmp_path / 'val.txt'
    ann.write_text((digits_root / 'meta' / 'val.txt').read_text())
    out = {'checkpoint': checkpoint, 'annotations': ann}[which]
    before = out.read_bytes()
    with pytest.raises(ToolExit, match=f'--out {str(out)!r} is one of the '
                       'inputs.*never writes over its inputs'):
        run_test(checkpoint, digits_root, '--out', out, '--overwrite',
                 '--cfg-options', f'test_dataloader.dataset.ann_file={ann}')
    assert out.read_bytes() == before


def test_show_dir_draws_every_interval_th_image(checkpoint, digits_root,
                                                tmp_path):
    run_test(checkpoint, digits_root, '--show-dir', tmp_path / 'vis',
             '--interval', 5, '--work-dir', tmp_path / 'work')
    assert len(list((tmp_path / 'vis').glob('*.png'))) == NUM_TEST // 5
    # --work-dir: the Runner's metrics file of the run is there.
    (log, ) = (tmp_path / 'work').glob('*/*.json')
    assert 'accuracy/top1' in json.loads(log.read_text())


def test_tta_averages_the_image_and_its_flip(checkpoint, digits_root,
                                             tmp_path):
    """mmpretrain's default TTA: the mean of the softmax scores of each
    image and its horizontal flip, computed here by hand."""
    run_test(checkpoint, digits_root, '--tta', '--out', tmp_path / 't.pkl')
    with open(tmp_path / 't.pkl', 'rb') as f:
        tta = np.stack([p['pred_score'].numpy() for p in pickle.load(f)])
    model = build_model(DIGITS, checkpoint)
    cfg = model.cfg
    cfg.merge_from_dict(
        dict(a.split('=') for a in data_options(digits_root)))
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    init_default_scope('mmpretrain')
    cfg.test_dataloader.dataset.indices = NUM_TEST
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    batch = model.data_preprocessor(
        pseudo_collate([dataset[i] for i in range(NUM_TEST)]))
    with torch.no_grad():
        scores = [
            model(x, mode='tensor').softmax(1)
            for x in (batch['inputs'], batch['inputs'].flip(-1))
        ]
    expected = ((scores[0] + scores[1]) / 2).numpy()
    np.testing.assert_allclose(tta, expected, rtol=1e-4, atol=1e-6)
    assert not np.allclose(tta, scores[0].numpy(), atol=1e-4)
