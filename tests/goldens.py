"""Reference numbers from sources independent of se_plugin, one place.

Each parameter count is that of a reference implementation with a 1000-class
head; test_goldens.py checks every one against it (timm / torchvision, built
on the meta device). ``se_params`` is the paper's formula for the extras.
"""
import re

RESNET18 = 11_689_512  # timm resnet18
RESNET34 = 21_797_672  # timm resnet34
RESNET50 = 25_557_032  # torchvision / timm resnet50 (the paper's 25.6M)
SE_RESNET50 = 28_088_024  # timm seresnet50 (the paper's 28.1M)
INCEPTION_RESNET_V2 = 55_843_464  # timm inception_resnet_v2 (TF-slim port)
SENET154 = 115_088_984  # timm legacy_senet154 (the released Caffe model)
REGNETY_400MF = 4_344_144  # timm regnety_004
ECA_RESNET50D = 25_576_350  # timm ecaresnet50d
CBAM_RESNET50 = 28_073_576  # timm ResNet(Bottleneck, [3, 4, 6, 3], cbam)
VGG16_BN = 138_365_992  # timm vgg16_bn
#: timm.create_model(name)'s count for the paper's Table 2 ResNet/ResNeXt rows.
TIMM_TABLE2 = {
    'resnet50': RESNET50,
    'resnet101': 44_549_160,
    'resnet152': 60_192_808,
    'resnext50_32x4d': 25_028_904,
    'resnext101_32x4d': 44_177_704,
    'seresnet50': SE_RESNET50,
    'seresnet101': 49_326_872,
    'seresnet152': 66_821_848,
    'seresnext50_32x4d': 27_559_896,
    'seresnext101_32x4d': 48_955_416,
}

#: Parameters of a ResNet-18/34 head: a 512 -> 1000 FC with biases.
RESNET_BASIC_HEAD = 512 * 1000 + 1000
#: Output channels of the basic blocks of ResNet-18 (ResNet-34: 3, 4, 6, 3).
BASIC_WIDTHS = (64, 128, 256, 512)
STAGES_50 = (3, 4, 6, 3)
WIDTHS_50 = (256, 512, 1024, 2048)  # output channels of each stage


def table2_params(stem):
    """timm's count for a Table 2 ResNet/ResNeXt config or zoo name
    (``[se_]resnet101[_8xb32]_imagenet``, ``..._places365-challenge`` with
    a 365-class FC), or None for any other name."""
    m = re.fullmatch(
        r'(se_)?(resnet\d+|resnext\d+-32x4d)_(8xb32_)?'
        r'(imagenet|places365-challenge)', stem)
    if m is None:
        return None
    params = TIMM_TABLE2[('se' if m.group(1) else '') +
                        m.group(2).replace('-', '_')]
    if m.group(4) == 'places365-challenge':
        params -= (2048 + 1) * (1000 - 365)  # the smaller FC
    return params


def se_params(channels, r=16, bias=True):
    """PAPER.md's extra parameters, ``2 C^2 / r`` per SE (plus the FCs'
    ``C / r + C`` biases), one SE per entry of ``channels``."""
    return sum(2 * c * (c // r) + (c // r + c if bias else 0)
               for c in channels)


def per_block(widths, stages):
    """One entry of ``widths`` per block of each stage."""
    return [w for w, n in zip(widths, stages) for _ in range(n)]
