"""Bad inputs of SE's family (se_plugin/models/attention/family.py)."""
from bad_inputs import case, collect
from se_plugin.engine.errors import OptionError


def build(type, in_channels=64, **options):
    from se_plugin.registry import MODELS
    return MODELS.build(
        dict(type=f'se_plugin.{type}', in_channels=in_channels, **options))


@case('family-fca-channels-not-a-multiple', OptionError,
      ('MultiSpectralAttention.in_channels=24', 'a multiple of num_freq=16'))
def _fca_channels(tmp_path):
    build('MultiSpectralAttention', 24)


@case('family-fca-num-freq', OptionError,
      ('MultiSpectralAttention.num_freq=3', '(1, 2, 4, 8, 16, 32)'))
def _fca_num_freq(tmp_path):
    build('MultiSpectralAttention', num_freq=3)


@case('family-fca-num-freq-bool', OptionError,
      ('MultiSpectralAttention.num_freq=True', '(1, 2, 4, 8, 16, 32)'))
def _fca_num_freq_bool(tmp_path):
    build('MultiSpectralAttention', num_freq=True)


@case('family-fca-dct-size', OptionError,
      ('MultiSpectralAttention.dct_size=10', 'a multiple of 7'))
def _fca_dct_size(tmp_path):
    build('MultiSpectralAttention', dct_size=10)


@case('family-fca-squeeze', OptionError,
      ("MultiSpectralAttention.squeeze='max'", 'the squeeze is the DCT'))
def _fca_squeeze(tmp_path):
    build('MultiSpectralAttention', squeeze='max')


@case('family-fca-ratio-bool', OptionError, ('MultiSpectralAttention.ratio=True', 'finite'))
def _fca_ratio(tmp_path):
    build('MultiSpectralAttention', ratio=True)


@case('family-coord-ratio', OptionError,
      ('CoordAttention.ratio=0', 'a finite number > 0'))
def _coord_ratio(tmp_path):
    build('CoordAttention', ratio=0)


@case('family-coord-min-channels', OptionError,
      ('CoordAttention.min_channels=8.0', 'an int >= 1'))
def _coord_min(tmp_path):
    build('CoordAttention', min_channels=8.0)


@case('family-coord-bias', OptionError,
      ('CoordAttention.bias=1', '(False, True)'))
def _coord_bias(tmp_path):
    build('CoordAttention', bias=1)


@case('family-coord-act', OptionError,
      ("CoordAttention.act_cfg={'type': 'Swishy'}", 'an activation config'))
def _coord_act(tmp_path):
    build('CoordAttention', act_cfg=dict(type='Swishy'))


@case('family-ge-extent-odd', OptionError,
      ('GatherExcite.extent=3', '0 (global) or an even int >= 2'))
def _ge_extent(tmp_path):
    build('GatherExcite', extent=3)


@case('family-ge-extent-bool', OptionError,
      ('GatherExcite.extent=False', '0 (global) or an even int >= 2'))
def _ge_extent_bool(tmp_path):
    build('GatherExcite', extent=False)


@case('family-ge-ratio-without-mlp', OptionError,
      ('GatherExcite.ratio=8', 'when use_mlp=False'))
def _ge_ratio(tmp_path):
    build('GatherExcite', use_mlp=False, ratio=8)


@case('family-ge-use-mlp', OptionError,
      ("GatherExcite.use_mlp='yes'", '(False, True)'))
def _ge_use_mlp(tmp_path):
    build('GatherExcite', use_mlp='yes')


@case('family-ese-gate', OptionError,
      ("EffectiveSE.gate='softmax'", "'hsigmoid'"))
def _ese_gate(tmp_path):
    build('EffectiveSE', gate='softmax')


@case('family-simam-lambda', OptionError,
      ('SimAM.e_lambda=0', 'a finite number > 0'))
def _simam_lambda(tmp_path):
    build('SimAM', e_lambda=0)


@case('family-simam-lambda-bool', OptionError,
      ('SimAM.e_lambda=True', 'a finite number > 0'))
def _simam_lambda_bool(tmp_path):
    build('SimAM', e_lambda=True)


@case('family-in-channels-bool', OptionError,
      ('EffectiveSE.in_channels=True', 'an int >= 1'))
def _in_channels(tmp_path):
    build('EffectiveSE', True)


@case('family-through-se-cfg', OptionError,
      ('MultiSpectralAttention.in_channels=24', 'a multiple of num_freq=16'))
def _se_cfg(tmp_path):
    # Reached through a config's se_cfg, in any SE placement.
    from se_plugin.registry import MODELS
    MODELS.build(
        dict(type='se_plugin.SEResNet', depth=18, base_channels=24,
             se_cfg=dict(type='se_plugin.MultiSpectralAttention')))


@case('family-ge-theta-extent-not-power-of-two', OptionError,
      ('GatherExcite.extent=6', 'a power of two', 'extra_params=True'))
def _ge_theta_extent(tmp_path):
    build('GatherExcite', extent=6, extra_params=True)


@case('family-ge-theta-global-without-feat-size', OptionError,
      ('GatherExcite.feat_size=None', "the global conv's kernel"))
def _ge_theta_feat_size(tmp_path):
    build('GatherExcite', extra_params=True)


@case('family-ge-feat-size-without-params', OptionError,
      ('GatherExcite.feat_size=7', 'None (only the global parametric'))
def _ge_feat_size_unused(tmp_path):
    build('GatherExcite', feat_size=7)


@case('family-ge-feat-size-zero', OptionError,
      ('GatherExcite.feat_size=(7, 0)', 'an int >= 1 or (h, w)'))
def _ge_feat_size_zero(tmp_path):
    build('GatherExcite', extra_params=True, feat_size=(7, 0))


@case('family-ge-extra-params', OptionError,
      ("GatherExcite.extra_params='yes'", '(False, True)'))
def _ge_extra_params(tmp_path):
    build('GatherExcite', extra_params='yes')


@case('family-ge-theta-input-size', OptionError,
      ('GatherExcite input size=(8, 8)', 'feat_size=(7, 7)'))
def _ge_theta_input(tmp_path):
    import torch
    build('GatherExcite', extra_params=True, feat_size=7)(
        torch.zeros(1, 64, 8, 8))


CASES = collect(globals())
