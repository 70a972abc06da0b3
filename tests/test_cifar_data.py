"""to_cifar.py writes an image-folder dataset in CIFAR's python layout that
CheckedCIFAR10/100 read back pixel for pixel (files that are not the
official ones, so mmpretrain's md5-checked readers would refuse them)."""
import numpy as np
import pytest
from PIL import Image

from bad_inputs.tools import run_tool
from se_plugin.datasets import CheckedCIFAR10, CheckedCIFAR100


def image_folder(root):
    """3 classes x (2 train + 1 val) images of known colours, 32x32 so
    resizing keeps them exact; a 64x48 grey one checks the resize."""
    pixels = {}
    for split, count in (('train', 2), ('val', 1)):
        for label, name in enumerate(('cat', 'dog', 'emu')):
            (root / split / name).mkdir(parents=True)
            for i in range(count):
                colour = (10 * label + i, 100 + label, 200 - i)
                Image.new('RGB', (32, 32), colour).save(
                    root / split / name / f'{i}.png')
                pixels[(split, label, i)] = colour
    Image.new('L', (64, 48), 77).save(root / 'val' / 'emu' / '9.png')
    return pixels


def convert(src, out, *args):
    """to_cifar.py's main in this process (its command line runs in
    test_cifar_train.py's fixture)."""
    run_tool('dataset_converters/to_cifar.py', [src, out, *args])


@pytest.mark.parametrize('layout, reader', [('cifar10', CheckedCIFAR10),
                                            ('cifar100', CheckedCIFAR100)])
def test_round_trip(tmp_path, layout, reader, capsys):
    pixels = image_folder(tmp_path / 'src')
    convert(tmp_path / 'src', tmp_path / 'out', '--layout', layout)
    assert 'Wrote 6 train and 4 test images of 3 classes' in \
        capsys.readouterr().out
    train = reader(data_root=str(tmp_path / 'out'), split='train',
                   pipeline=[])
    test = reader(data_root=str(tmp_path / 'out'), split='test', pipeline=[])
    assert train.metainfo['classes'] == ('cat', 'dog', 'emu')
    assert [train[i]['gt_label'] for i in range(6)] == [0, 0, 1, 1, 2, 2]
    for i in range(6):
        label, n = divmod(i, 2)
        img = train[i]['img']
        assert img.shape == (32, 32, 3)
        assert (img == np.array(pixels[('train', label, n)])).all()
    # The 64x48 grey image: resized to 32x32, grey to RGB.
    assert (test[3]['img'] == 77).all() and test[3]['gt_label'] == 2
