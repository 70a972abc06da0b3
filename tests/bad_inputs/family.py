"""Bad inputs of SE's family (se_plugin/models/attention/family.py)."""
from bad_inputs import Case, case, collect
from se_plugin.engine.errors import OptionError


def build(type, in_channels=64, **options):
    from se_plugin.registry import MODELS
    return MODELS.build(
        dict(type=f'se_plugin.{type}', in_channels=in_channels, **options))


# id, the build, words its OptionError must contain
OPTIONS = [
    ('fca-channels-not-a-multiple',
     lambda: build('MultiSpectralAttention', 24),
     ('MultiSpectralAttention.in_channels=24', 'a multiple of num_freq=16')),
    ('fca-num-freq', lambda: build('MultiSpectralAttention', num_freq=3),
     ('MultiSpectralAttention.num_freq=3', '(1, 2, 4, 8, 16, 32)')),
    ('fca-num-freq-bool',
     lambda: build('MultiSpectralAttention', num_freq=True),
     ('MultiSpectralAttention.num_freq=True', '(1, 2, 4, 8, 16, 32)')),
    ('fca-dct-size', lambda: build('MultiSpectralAttention', dct_size=10),
     ('MultiSpectralAttention.dct_size=10', 'a multiple of 7')),
    ('fca-squeeze', lambda: build('MultiSpectralAttention', squeeze='max'),
     ("MultiSpectralAttention.squeeze='max'", 'the squeeze is the DCT')),
    ('fca-ratio-bool', lambda: build('MultiSpectralAttention', ratio=True),
     ('MultiSpectralAttention.ratio=True', 'finite')),
    ('coord-ratio', lambda: build('CoordAttention', ratio=0),
     ('CoordAttention.ratio=0', 'a finite number > 0')),
    ('coord-min-channels', lambda: build('CoordAttention', min_channels=8.0),
     ('CoordAttention.min_channels=8.0', 'an int >= 1')),
    ('coord-bias', lambda: build('CoordAttention', bias=1),
     ('CoordAttention.bias=1', '(False, True)')),
    ('coord-act', lambda: build('CoordAttention', act_cfg=dict(type='Swishy')),
     ("CoordAttention.act_cfg={'type': 'Swishy'}", 'an activation config')),
    ('ge-extent-odd', lambda: build('GatherExcite', extent=3),
     ('GatherExcite.extent=3', '0 (global) or an even int >= 2')),
    ('ge-extent-bool', lambda: build('GatherExcite', extent=False),
     ('GatherExcite.extent=False', '0 (global) or an even int >= 2')),
    ('ge-ratio-without-mlp',
     lambda: build('GatherExcite', use_mlp=False, ratio=8),
     ('GatherExcite.ratio=8', 'when use_mlp=False')),
    ('ge-use-mlp', lambda: build('GatherExcite', use_mlp='yes'),
     ("GatherExcite.use_mlp='yes'", '(False, True)')),
    ('ese-gate', lambda: build('EffectiveSE', gate='softmax'),
     ("EffectiveSE.gate='softmax'", "'hsigmoid'")),
    ('simam-lambda', lambda: build('SimAM', e_lambda=0),
     ('SimAM.e_lambda=0', 'a finite number > 0')),
    ('simam-lambda-bool', lambda: build('SimAM', e_lambda=True),
     ('SimAM.e_lambda=True', 'a finite number > 0')),
    ('in-channels-bool', lambda: build('EffectiveSE', True),
     ('EffectiveSE.in_channels=True', 'an int >= 1')),
    ('ge-theta-extent-not-power-of-two',
     lambda: build('GatherExcite', extent=6, extra_params=True),
     ('GatherExcite.extent=6', 'a power of two', 'extra_params=True')),
    ('ge-theta-global-without-feat-size',
     lambda: build('GatherExcite', extra_params=True),
     ('GatherExcite.feat_size=None', "the global conv's kernel")),
    ('ge-feat-size-without-params', lambda: build('GatherExcite', feat_size=7),
     ('GatherExcite.feat_size=7', 'None (only the global parametric')),
    ('ge-feat-size-zero',
     lambda: build('GatherExcite', extra_params=True, feat_size=(7, 0)),
     ('GatherExcite.feat_size=(7, 0)', 'an int >= 1 or (h, w)')),
    ('ge-extra-params', lambda: build('GatherExcite', extra_params='yes'),
     ("GatherExcite.extra_params='yes'", '(False, True)')),
]


@case('family-through-se-cfg', OptionError,
      ('MultiSpectralAttention.in_channels=24', 'a multiple of num_freq=16'))
def _se_cfg(tmp_path):
    # Reached through a config's se_cfg, in any SE placement.
    from se_plugin.registry import MODELS
    MODELS.build(
        dict(type='se_plugin.SEResNet', depth=18, base_channels=24,
             se_cfg=dict(type='se_plugin.MultiSpectralAttention')))


@case('family-ge-theta-input-size', OptionError,
      ('GatherExcite input size=(8, 8)', 'feat_size=(7, 7)'))
def _ge_theta_input(tmp_path):
    import torch
    build('GatherExcite', extra_params=True, feat_size=7)(
        torch.zeros(1, 64, 8, 8))


CASES = [
    Case(f'family-{id}', lambda tmp_path, make=make: make(), OptionError,
         words) for id, make, words in OPTIONS
] + collect(globals())
