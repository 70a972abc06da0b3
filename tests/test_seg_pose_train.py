"""MMSegmentation's and MMPose's own ``tools/train.py`` train our configs
(shrunk: narrow SE-ResNet-50, small crops, two iterations) on data made
here in their formats (ADE20K folders; COCO keypoint JSON), each in a fresh
interpreter; and the configs' models export to ONNX.

Skipped when the optional extras are not installed (CI installs them).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.model import revert_sync_batchnorm
from PIL import Image

mmseg = pytest.importorskip('mmseg', reason='se_plugin[seg] not installed')
mmpose = pytest.importorskip('mmpose', reason='se_plugin[pose] not installed')

ROOT = Path(__file__).resolve().parents[1]
SE_KEY = 'backbone.layer1.0.se.fc1.weight'

# Narrow ResNet-50s (base width 8: stages of 32..256 channels) and heads.
SEG_SHRINK = """
crop_size = (64, 64)
# Without weight decay an SE weight changes only if a gradient reached it.
optim_wrapper = dict(optimizer=dict(weight_decay=0.))
model = dict(
    pretrained=None,
    data_preprocessor=dict(size=crop_size),
    # mmseg zero-initialises each block's last BN, so SE sees a constant 0
    # at first and its FC weights move below float32's resolution in two
    # SGD steps; off here (mmpose's run, with Adam, keeps it on).
    backbone=dict(stem_channels=8, base_channels=8,
                  zero_init_residual=False),
    decode_head=dict(in_channels=[32, 64, 128, 256], channels=16,
                     num_classes=NUM_CLASSES),
    auxiliary_head=dict(in_channels=128, channels=8,
                        num_classes=NUM_CLASSES))
"""
POSE_SHRINK = """
codec = dict(type='MSRAHeatmap', input_size=(64, 64), heatmap_size=(16, 16),
             sigma=2)
model = dict(
    backbone=dict(stem_channels=8, base_channels=8, init_cfg=None),
    head=dict(in_channels=256, deconv_out_channels=(16, 16, 16),
              decoder=codec))
"""
RUN = """
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=2,
                 val_interval=100)
param_scheduler = []
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(_delete_=True, type='CheckpointHook', interval=1,
                    by_epoch=False))
randomness = dict(seed=0)
"""


def toolbox_train(toolbox, config, work_dir):
    """``python <toolbox>/.mim/tools/train.py config`` in a new process."""
    train = Path(sys.modules[toolbox].__file__).parent / '.mim/tools/train.py'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    result = subprocess.run(
        [sys.executable, str(train), str(config), '--work-dir',
         str(work_dir)], capture_output=True, text=True, timeout=600,
        env=env, cwd=work_dir.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def check_trained(work_dir):
    """The SE weights changed in the second step (a gradient reached them:
    no weight decay in either recipe here), and the logged losses are
    finite numbers."""
    first = torch.load(work_dir / 'iter_1.pth', map_location='cpu',
                       weights_only=False)
    second = torch.load(work_dir / 'iter_2.pth', map_location='cpu',
                        weights_only=False)
    assert SE_KEY in second['state_dict']
    assert not torch.equal(first['state_dict'][SE_KEY],
                           second['state_dict'][SE_KEY])
    (scalars, ) = work_dir.glob('*/vis_data/scalars.json')
    losses = [json.loads(line)['loss']
              for line in scalars.read_text().splitlines()]
    assert len(losses) == 2 and all(np.isfinite(losses)), losses


def test_mmseg_train_py_trains_upernet_on_ade20k_folders(tmp_path):
    data = tmp_path / 'ade'
    rng = np.random.default_rng(0)
    for split in ('training', 'validation'):
        (data / 'images' / split).mkdir(parents=True)
        (data / 'annotations' / split).mkdir(parents=True)
        for i in range(2):
            image = rng.integers(0, 256, (72, 80, 3), dtype=np.uint8)
            Image.fromarray(image).save(data / 'images' / split / f'{i}.jpg')
            # ADE20K's labels: 0 is "other" (ignored), classes 1..150.
            mask = rng.integers(0, 4, (72, 80), dtype=np.uint8)
            Image.fromarray(mask).save(
                data / 'annotations' / split / f'{i}.png')
    config = tmp_path / 'tiny_upernet.py'
    config.write_text(
        f"_base_ = '{ROOT}/configs/seg/upernet_se-r50_4xb4-160k_ade20k-"
        "512x512.py'\n" + SEG_SHRINK.replace('NUM_CLASSES', '3') + RUN +
        f"""
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root='{data}', pipeline=train_pipeline))
""")
    work_dir = tmp_path / 'work'
    toolbox_train('mmseg', config, work_dir)
    check_trained(work_dir)


KEYPOINTS = 17


def coco_keypoints(root, rng):
    """Two 96x80 images with one person each, COCO keypoint JSON."""
    (root / 'images').mkdir(parents=True)
    images, annotations = [], []
    for i in range(2):
        image = rng.integers(0, 256, (96, 80, 3), dtype=np.uint8)
        Image.fromarray(image).save(root / 'images' / f'{i}.jpg')
        images.append(dict(id=i + 1, file_name=f'{i}.jpg', width=80,
                           height=96))
        xy = rng.uniform((10, 10), (70, 86), (KEYPOINTS, 2))
        keypoints = np.concatenate([xy, np.full((KEYPOINTS, 1), 2)], 1)
        annotations.append(dict(
            id=i + 1, image_id=i + 1, category_id=1, iscrowd=0,
            bbox=[8., 8., 64., 80.], area=64. * 80.,
            num_keypoints=KEYPOINTS,
            keypoints=keypoints.flatten().round(1).tolist()))
    categories = [dict(id=1, name='person',
                       keypoints=[f'k{j}' for j in range(KEYPOINTS)],
                       skeleton=[])]
    (root / 'train.json').write_text(json.dumps(
        dict(images=images, annotations=annotations,
             categories=categories)))


def test_mmpose_train_py_trains_simplebaseline_on_coco_keypoints(tmp_path):
    data = tmp_path / 'coco'
    coco_keypoints(data, np.random.default_rng(0))
    config = tmp_path / 'tiny_pose.py'
    config.write_text(
        f"_base_ = '{ROOT}/configs/pose/td-hm_se-res50_8xb64-210e_coco-"
        "256x192.py'\n" + POSE_SHRINK + RUN + f"""
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root='{data}/', ann_file='train.json',
                 data_prefix=dict(img='images/'), pipeline=train_pipeline))
""")
    work_dir = tmp_path / 'work'
    toolbox_train('mmpose', config, work_dir)
    check_trained(work_dir)


# The models of the three configs, narrowed (base width 8) for the CPU.
NARROW = dict(stem_channels=8, base_channels=8)
EXPORTED = {
    'upernet_se-r50_4xb4-160k_ade20k-512x512': dict(
        pretrained=None, backbone=NARROW,
        decode_head=dict(in_channels=[32, 64, 128, 256], channels=16),
        auxiliary_head=dict(in_channels=128, channels=8)),
    'fcn_se-r50-d8_4xb2-80k_cityscapes-512x1024': dict(
        pretrained=None, backbone=NARROW,
        decode_head=dict(in_channels=256, channels=16),
        auxiliary_head=dict(in_channels=128, channels=8)),
    'td-hm_se-res50_8xb64-210e_coco-256x192': dict(
        backbone=dict(NARROW, init_cfg=None),
        head=dict(in_channels=256, deconv_out_channels=(16, 16, 16))),
}


class TensorMode(torch.nn.Module):
    """mmpose's estimators take ``data_samples`` positionally, which
    se_plugin's GraphModel (``model(x, mode='tensor')``) does not pass."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x, None, mode='tensor')


@pytest.mark.parametrize('exporter', ['torchscript', 'dynamo'])
@pytest.mark.parametrize('name', sorted(EXPORTED))
def test_config_model_exports_to_onnx(name, exporter, tmp_path):
    """Backbone and decode/keypoint head (the toolboxes' ``mode='tensor'``
    graph; UPerNet: the backbone, its whole graph at a fixed size below),
    dynamic batch and size, equal to PyTorch in ONNX Runtime."""
    import onnx

    from se_plugin import get_model
    from se_plugin.deployment import export_onnx, max_difference
    torch.manual_seed(0)
    # mmseg's SyncBN becomes BN outside distributed runs, as in training.
    model = revert_sync_batchnorm(get_model(name, **EXPORTED[name])).eval()
    if name.startswith('upernet'):
        # UPerNet's pyramid pooling (AdaptiveAvgPool2d to 1, 2, 3, 6) has
        # no ONNX form at a dynamic size (mmdeploy exports it at a static
        # one, as the tests below): the backbone only.
        model = model.backbone
    elif name.startswith('td-hm'):
        model = TensorMode(model)
    file = str(tmp_path / 'model.onnx')
    export_onnx(model, file, (1, 3, 64, 64), exporter)
    nodes = {n.op_type for n in onnx.load(file).graph.node}
    assert 'Sigmoid' in nodes  # the SE gates are in the graph
    diffs = max_difference(file, model, [(2, 3, 96, 64), (1, 3, 64, 96)])
    assert max(diffs) < 1e-4, diffs


UPERNET_NAME = 'upernet_se-r50_4xb4-160k_ade20k-512x512'


def upernet():
    from se_plugin import get_model
    torch.manual_seed(0)
    return revert_sync_batchnorm(
        get_model(UPERNET_NAME, **EXPORTED[UPERNET_NAME])).eval()


def export_fixed(model, file, shape, exporter):
    """``GraphModel(model)`` exported at ``shape`` only (no dynamic axes):
    the one form UPerNet's pyramid pooling has in ONNX."""
    from se_plugin.deployment import GraphModel
    kwargs = dict(dynamo=True) if exporter == 'dynamo' else dict(
        dynamo=False, opset_version=17)
    torch.onnx.export(GraphModel(model).eval(), (torch.randn(shape), ), file,
                      input_names=['input'], output_names=['output0'],
                      **kwargs)


#: (exporter, input size): torchscript needs the pooled sizes 1, 2, 3, 6 to
#: divide the last map (192 / 32 = 6); dynamo also takes 64 (a 2 x 2 map).
#: 20-60 s each on the shared 2-core CPU: slow.
@pytest.mark.slow
@pytest.mark.parametrize('exporter, size', [('torchscript', 192),
                                            ('dynamo', 64)])
def test_upernet_whole_exports_at_a_fixed_size(exporter, size, tmp_path):
    """Backbone, UPerNet's PPM and FPN and its classifier (``mode='tensor'``
    logits) at one batch and size, equal to PyTorch in ONNX Runtime within
    the scaled bound on another random input."""
    from se_plugin.deployment import compare_onnx
    model = upernet()
    file = str(tmp_path / 'upernet.onnx')
    export_fixed(model, file, (1, 3, size, size), exporter)
    for diff, allowed in compare_onnx(file, model, [(1, 3, size, size)]):
        assert diff < allowed


@pytest.mark.slow
def test_upernet_torchscript_refuses_pools_that_do_not_divide_the_map(
        tmp_path):
    """At 64 x 64 the last map is 2 x 2: torchscript has no ONNX form for
    adaptive pooling to 3 and 6 there."""
    from torch.onnx.errors import SymbolicValueError
    with pytest.raises(SymbolicValueError, match='not factor of input'):
        export_fixed(upernet(), str(tmp_path / 'u.onnx'), (1, 3, 64, 64),
                     'torchscript')
