"""Drop-in: a bad option raises what the toolbox raises for it (mmpretrain
asserts the style and the stage counts and raises a KeyError for an unknown
depth), as our OptionError, whose message reads plainly."""
import pytest

from se_plugin.engine.errors import OptionError, UserInputError
from se_plugin.models import SEResNet, SEResNeXt
from se_plugin.models.blocks import SEBottleneck, SEResNeXtBottleneck

#: (the bad call, the built-in type mmpretrain raises for it).
TOOLBOX_TYPES = [
    (lambda: SEResNet(20), KeyError),
    (lambda: SEResNeXt(depth=18), KeyError),
    (lambda: SEResNet(50, num_stages=0), AssertionError),
    (lambda: SEResNet(50, num_stages=5), AssertionError),
    (lambda: SEResNet(50, strides=(1, ), dilations=(1, 1), num_stages=3),
     AssertionError),
    (lambda: SEResNet(50, style='tensorflow'), AssertionError),
    (lambda: SEBottleneck(64, 64, style='tensorflow'), AssertionError),
    (lambda: SEResNeXtBottleneck(64, 64, groups=32, width_per_group=4,
                                 style='tensorflow'), AssertionError),
    (lambda: SEResNet(50, num_stage=3), TypeError),  # Python's, unknown key
]


@pytest.mark.parametrize('build, builtin', TOOLBOX_TYPES)
def test_toolbox_exception_type(build, builtin):
    with pytest.raises(builtin) as info:
        build()
    assert type(info.value) is OptionError


def test_key_error_message_is_plain():
    # KeyError's own str() would quote the message as its repr.
    with pytest.raises(KeyError) as info:
        SEResNet(20)
    text = str(info.value)
    assert text.startswith('SEResNet.depth=20 is not supported'), text


def test_every_family_error_prints_plainly():
    assert str(UserInputError('a "b"')) == 'a "b"'
