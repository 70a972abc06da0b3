"""The data-preparation helpers on tiny copies of the official layouts."""
from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat
from test_datasets import write_image, write_places365

TOOLS = Path(__file__).resolve().parents[1] / 'tools' / 'dataset_converters'


def write_devkit(devkit, id_to_wnid, truth):
    """meta.mat (one parent synset too) and the validation ground truth."""
    rows = [(i, w, 0) for i, w in id_to_wnid.items()] + [(1001, 'n0', 3)]
    synsets = np.array(rows, dtype=[('ILSVRC2012_ID', 'O'), ('WNID', 'O'),
                                    ('num_children', 'O')])
    (devkit / 'data').mkdir(parents=True)
    savemat(devkit / 'data' / 'meta.mat', {'synsets': synsets})
    (devkit / 'data' / 'ILSVRC2012_validation_ground_truth.txt').write_text(
        ''.join(f'{i}\n' for i in truth))


def test_prepare_imagenet_from_official_archives(load_tool, tmp_path, capsys):
    tool = load_tool('dataset_converters/prepare_imagenet.py')
    root = tmp_path / 'imagenet'
    wnids = ['n01440764', 'n01443537', 'n01484850']
    for c, wnid in enumerate(wnids):
        for k in range(2):
            write_image(root / 'train' / wnid / f'{wnid}_{k}.JPEG', c, 8)
    # The devkit numbers classes its own way: ILSVRC2012_ID 1 is n01484850.
    id_to_wnid = {1: 'n01484850', 2: 'n01440764', 3: 'n01443537'}
    truth = [3, 1, 2, 1]
    for i in range(len(truth)):
        write_image(root / 'val' / f'ILSVRC2012_val_{i + 1:08d}.JPEG', i, 8)
    write_devkit(tmp_path / 'devkit', id_to_wnid, truth)

    with pytest.raises(ValueError, match='--devkit'):
        tool.write_meta(str(root))
    tool.main([str(root), '--devkit', str(tmp_path / 'devkit')])
    assert (root / 'meta' / 'val.txt').read_text().splitlines() == [
        'ILSVRC2012_val_00000001.JPEG 1', 'ILSVRC2012_val_00000002.JPEG 2',
        'ILSVRC2012_val_00000003.JPEG 0', 'ILSVRC2012_val_00000004.JPEG 2'
    ]
    train = (root / 'meta' / 'train.txt').read_text().splitlines()
    assert train[0] == 'n01440764/n01440764_0.JPEG 0'
    assert train[-1] == 'n01484850/n01484850_1.JPEG 2'
    assert 'train: 6 images (ImageNet-1k has 1,281,167)' in (
        capsys.readouterr().out)

    tool.main([str(root), '--check'])
    assert 'val: 4 images' in capsys.readouterr().out
    (root / 'val' / 'ILSVRC2012_val_00000003.JPEG').unlink()
    with pytest.raises(ValueError, match=r'val\.txt, line 3: image'):
        tool.main([str(root), '--check'])


def test_prepare_imagenet_class_folder_val(load_tool, tmp_path):
    tool = load_tool('dataset_converters/prepare_imagenet.py')
    for split in ('train', 'val'):
        for c, wnid in enumerate(['n02', 'n01']):
            write_image(tmp_path / split / wnid / f'{split}{c}.JPEG', c, 8)
    assert tool.write_meta(str(tmp_path)) == {'train': 2, 'val': 2}
    assert (tmp_path / 'meta' / 'val.txt').read_text() == (
        'n01/val1.JPEG 0\nn02/val0.JPEG 1\n')


def test_prepare_places365_check(load_tool, tmp_path, capsys):
    tool = load_tool('dataset_converters/prepare_places365.py')
    write_places365(tmp_path, per_class=1, num_labelled=2)
    tool.main([str(tmp_path), '--splits', 'train-standard', 'val'])
    out = capsys.readouterr().out
    assert 'train-standard: 2 images (the official list has 1,803,460)' in out
    assert 'val: 2 images' in out
    with pytest.raises(SystemExit):
        tool.main([str(tmp_path), '--splits', 'test'])


def write_bad_images(root, names):
    """Break listed images: the first empty, the second truncated, the
    third removed."""
    empty, truncated, gone = (root / name for name in names)
    empty.write_bytes(b'')
    truncated.write_bytes(truncated.read_bytes()[:200])
    gone.unlink()


def test_prepare_imagenet_check_images_lists_every_bad_image(
        load_tool, tmp_path, capsys):
    tool = load_tool('dataset_converters/prepare_imagenet.py')
    root = tmp_path / 'imagenet'
    for split in ('train', 'val'):
        for c, wnid in enumerate(['n01', 'n02']):
            for k in range(3):
                write_image(root / split / wnid / f'{k}.JPEG', c * 3 + k, 32)
    tool.write_meta(str(root))
    tool.main([str(root), '--check-images', '--nproc', '2'])
    out = capsys.readouterr().out
    assert 'train: 0 of 6 images cannot be loaded' in out
    assert 'val: 6 images' in out

    write_bad_images(root / 'val', ['n01/1.JPEG', 'n02/0.JPEG', 'n02/2.JPEG'])
    with pytest.raises(SystemExit, match='3 images cannot be loaded'):
        tool.main([str(root), '--check-images', '--nproc', '2'])
    out = capsys.readouterr().out
    val_list = root / 'meta' / 'val.txt'
    assert 'val: decoding 6 images with 2 processes' in out
    assert '6/6' in out  # mmengine's progress bar
    assert 'val: 3 of 6 images cannot be loaded:' in out
    assert (f'{root}/val/n01/1.JPEG ({val_list}, line 2): is empty (0 bytes)'
            in out)
    assert (f'{root}/val/n02/0.JPEG ({val_list}, line 4): cannot be decoded'
            in out)
    assert f'{root}/val/n02/2.JPEG ({val_list}, line 6): does not exist' in out
    # Without decoding, the first missing file stops the check.
    with pytest.raises(ValueError, match=r'val\.txt, line 6: image'):
        tool.main([str(root), '--check'])


def test_prepare_places365_check_images(load_tool, tmp_path, capsys):
    tool = load_tool('dataset_converters/prepare_places365.py')
    write_places365(tmp_path, per_class=1, num_labelled=3)
    write_bad_images(tmp_path / 'val_256', [
        f'Places365_val_{i:08d}.jpg' for i in (1, 2, 3)])
    with pytest.raises(SystemExit, match='3 images cannot be loaded'):
        tool.main([str(tmp_path), '--splits', 'val', '--check-images',
                   '--nproc', '1'])
    out = capsys.readouterr().out
    assert 'val: 3 of 3 images cannot be loaded:' in out
    assert ('Places365_val_00000002.jpg (' f'{tmp_path}/places365_val.txt, '
            'line 2): cannot be decoded') in out


def test_check_images_tool_on_the_digits_config(load_tool, tmp_path, capsys):
    tool = load_tool('dataset_converters/check_images.py')
    config = str(TOOLS.parents[1] / 'configs/digits/se_resnet18_digits.py')
    # The layout of prepare_digits, 5 images per split.
    root = tmp_path / 'digits'
    (root / 'meta').mkdir(parents=True)
    for split in ('train', 'val'):
        names = [f'{k}/{split}{k}.png' for k in range(5)]
        for k, name in enumerate(names):
            write_image(root / split / name, k, 8)
        (root / 'meta' / f'{split}.txt').write_text(''.join(
            f'{name} {k}\n' for k, name in enumerate(names)))
    options = ['--cfg-options'] + [
        f'{s}_dataloader.dataset.{key}'
        for s in ('train', 'val', 'test')
        for key in (f'data_root={root}', 'serialize_data=False')
    ]
    tool.main([config, '--nproc', '1', *options])
    out = capsys.readouterr().out
    assert 'train: 0 of 5 images cannot be loaded' in out
    assert 'val: 0 of 5 images cannot be loaded' in out
    assert 'test:' not in out  # the same dataset as val, checked once

    bad = 'val3.png'
    (root / 'val' / '3' / bad).write_bytes(b'not a png')
    with pytest.raises(SystemExit, match='1 images cannot be loaded'):
        tool.main([config, '--splits', 'val', '--nproc', '1', *options])
    out = capsys.readouterr().out
    assert (f'{root}/val/3/{bad} ({root}/meta/val.txt, line 4): cannot be '
            'decoded (9 bytes, not an image or truncated)') in out

    with pytest.raises(SystemExit, match="type='CustomDataset' is not one of"
                       " se_plugin's checked datasets"):
        tool.main([config, *options,
                   'train_dataloader.dataset.type=CustomDataset'])


def test_prepare_digits_check_images(load_tool, digits_root, capsys):
    tool = load_tool('dataset_converters/prepare_digits.py')
    tool.main([str(digits_root), '--check-images', '--nproc', '2'])
    out = capsys.readouterr().out
    assert 'train: 0 of 1,437 images cannot be loaded' in out
    assert 'val: 0 of 360 images cannot be loaded' in out
    assert 'Wrote' not in out  # the check writes nothing
