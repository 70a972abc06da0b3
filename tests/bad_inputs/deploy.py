"""Bad inputs of the deployment code: ``export_onnx``, the tools
``tools/deployment/export_onnx.py`` and ``quantize_onnx.py`` and
``quantize_int8``.

The tool's user errors end in one line on stderr and a non-zero exit
(:class:`~bad_inputs.tools.ToolExit`); a checkpoint that does not fit the
config is refused before anything is exported, and an existing ``--out`` is
never replaced without ``--overwrite``.
"""
import torch

from bad_inputs import case, collect
from bad_inputs.tools import DIGITS, ToolExit, run_tool
from se_plugin.engine.errors import OptionError

TOOL = 'deployment/export_onnx.py'


def _layer():
    from se_plugin.models import SELayer
    return SELayer(16)


def _export(tmp_path, shape, *args, **kwargs):
    from se_plugin.deployment import export_onnx
    export_onnx(_layer(), str(tmp_path / 'x.onnx'), shape, *args, **kwargs)


@case('deploy-exporter-unknown', OptionError,
      ("exporter='trt' is not supported",
       "allowed: ('torchscript', 'dynamo')"))
def _exporter(tmp_path):
    _export(tmp_path, (1, 16, 4, 4), 'trt')


@case('deploy-shape-not-4d', OptionError,
      ('shape=(1, 16, 4) must be 4 ints >= 1', ))
def _shape(tmp_path):
    _export(tmp_path, (1, 16, 4))


@case('deploy-size-multiple-without-dynamo', OptionError,
      ("size_multiple=32 needs exporter='dynamo'", ))
def _multiple_torchscript(tmp_path):
    _export(tmp_path, (1, 16, 32, 32), size_multiple=32)


@case('deploy-size-multiple-bool', OptionError,
      ('size_multiple=True', 'an int >= 1'))
def _multiple_bool(tmp_path):
    # A bool is not a number (it was taken as 1).
    _export(tmp_path, (1, 16, 32, 32), 'dynamo', size_multiple=True)


@case('deploy-size-not-a-multiple', OptionError,
      ('height and width must be multiples of size_multiple=32', ))
def _not_multiple(tmp_path):
    _export(tmp_path, (1, 16, 40, 32), 'dynamo', size_multiple=32)


@case('deploy-tool-config-missing', ToolExit,
      ('exit status 1', "config file 'no/such.py' does not exist"))
def _config_missing(tmp_path):
    run_tool(TOOL, ['no/such.py', '--out', tmp_path / 'y.onnx'])


@case('deploy-tool-checkpoint-missing', ToolExit,
      ('exit status 1', "checkpoint file 'missing.pth' does not exist"))
def _checkpoint_missing(tmp_path):
    run_tool(TOOL, [DIGITS, 'missing.pth', '--out', tmp_path / 'y.onnx'])


@case('deploy-tool-checkpoint-does-not-fit', ToolExit,
      ('exit status 1', 'does not fit model', 'nothing was loaded',
       '32 missing keys: backbone.layer1.0.se.'))
def _checkpoint_without_se(tmp_path):
    # The plain ResNet-18's weights into the SE config: the toolboxes'
    # loaders would export the SE layers with random weights.
    from se_plugin import get_model
    plain = tmp_path / 'resnet18_digits.pth'
    torch.save(dict(state_dict=get_model('resnet18_digits').state_dict()),
               plain)
    run_tool(TOOL, [DIGITS, plain, '--out', tmp_path / 'y.onnx'])


def _keeps_existing(out, tool, argv):
    """``tool`` writing onto ``out``, a file of the user: refused, kept."""
    out.write_bytes(b'a file of the user')
    try:
        run_tool(tool, argv)
    except ToolExit as error:
        assert 'exists; pass --overwrite to replace it' in str(error)
    else:
        raise AssertionError(f'an existing output was accepted: {argv}')
    assert out.read_bytes() == b'a file of the user'


@case('deploy-tool-out-exists')
def _out_exists(tmp_path):
    out = tmp_path / 'mine.onnx'
    _keeps_existing(out, TOOL, [DIGITS, '--out', out])


@case('deploy-quantize-activation-type', OptionError,
      ("activations='fp8' is not supported", "allowed: ('uint8', 'int8')"))
def _activations(tmp_path):
    import numpy as np
    from se_plugin.deployment.quantize import quantize_int8
    quantize_int8(str(tmp_path / 'm.onnx'), str(tmp_path / 'q.onnx'),
                  [np.zeros((1, 3, 8, 8), np.float32)], activations='fp8')


@case('deploy-quantize-fold-bool', OptionError,
      ('fold_se=True is not supported', 'allowed: an int >= 1 or None'))
def _fold_not_bool(tmp_path):
    import numpy as np
    from se_plugin.deployment.quantize import quantize_int8
    quantize_int8(str(tmp_path / 'm.onnx'), str(tmp_path / 'q.onnx'),
                  [np.zeros((1, 3, 8, 8), np.float32)], fold_se=True)


QUANTIZE = 'deployment/quantize_onnx.py'


def _float_file(tmp_path):
    """A tiny exported SE layer (input ``input``)."""
    path = tmp_path / 'f.onnx'
    _export(tmp_path, (1, 16, 4, 4))
    (tmp_path / 'x.onnx').rename(path)
    return path


@case('deploy-quantize-tool-input-missing', ToolExit,
      ('exit status 1', "input 'no.onnx' does not exist"))
def _quantize_input_missing(tmp_path):
    run_tool(QUANTIZE, ['no.onnx', tmp_path / 'q.onnx', '--random'])


@case('deploy-quantize-tool-no-source', ToolExit,
      ('exit status 2', 'one of the arguments --calib-config --random is '
       'required'))
def _quantize_no_source(tmp_path):
    run_tool(QUANTIZE, [_float_file(tmp_path), tmp_path / 'q.onnx'])


@case('deploy-quantize-tool-split-with-random', ToolExit,
      ('exit status 1', "--calib-split='val' is not used with --random"))
def _quantize_split_random(tmp_path):
    run_tool(QUANTIZE, [_float_file(tmp_path), tmp_path / 'q.onnx',
                        '--random', '--calib-split', 'val'])


@case('deploy-quantize-tool-shape-with-config', ToolExit,
      ('exit status 1', '--shape=[32, 32] is not used with --calib-config'))
def _quantize_shape_config(tmp_path):
    run_tool(QUANTIZE, [_float_file(tmp_path), tmp_path / 'q.onnx',
                        '--calib-config', DIGITS, '--shape', 32, 32])


@case('deploy-quantize-tool-num-images', ToolExit,
      ('exit status 1', '--num-images=0 must be >= 1'))
def _quantize_num_images(tmp_path):
    run_tool(QUANTIZE, [_float_file(tmp_path), tmp_path / 'q.onnx',
                        '--random', '--num-images', 0])


@case('deploy-quantize-tool-out-is-input', ToolExit,
      ('exit status 1', 'is one of the inputs',
       'never writes over its inputs'))
def _quantize_out_is_input(tmp_path):
    src = _float_file(tmp_path)
    run_tool(QUANTIZE, [src, src, '--random', '--overwrite'])


@case('deploy-quantize-tool-out-exists')
def _quantize_out_exists(tmp_path):
    out = tmp_path / 'mine.onnx'
    _keeps_existing(out, QUANTIZE, [_float_file(tmp_path), out, '--random'])


@case('deploy-quantize-tool-fold-nothing', ToolExit,
      ('exit status 1', 'no SE scale of', 'follows a 1x1 stride-1 '
       'convolution (1 SE scales;', "a basic block's cannot"))
def _quantize_fold_nothing(tmp_path):
    from se_plugin.deployment import export_onnx
    # SE after a 3x3 convolution, as in a basic block.
    export_onnx(torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, padding=1),
                                    _layer()).eval(),
                str(tmp_path / 'f.onnx'), (1, 3, 4, 4))
    out = tmp_path / 'q.onnx'
    try:
        run_tool(QUANTIZE, [tmp_path / 'f.onnx', out, '--random',
                            '--fold-se', 1, '--shape', 4, 4])
    finally:
        assert not out.exists()  # nothing half-made is left


@case('deploy-quantize-tool-fold-fixed-batch', ToolExit,
      ('exit status 1', "fold_se=1: the input 'input' has batch 2; a folded "
       'file takes one batch size'))
def _quantize_fold_batch(tmp_path):
    import onnx
    model = onnx.load(_float_file(tmp_path))
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 2
    onnx.save(model, tmp_path / 'b2.onnx')
    run_tool(QUANTIZE, [tmp_path / 'b2.onnx', tmp_path / 'q.onnx',
                        '--random', '--fold-se', 1, '--shape', 4, 4])


@case('deploy-quantize-tool-fold-zero', ToolExit,
      ('exit status 1', '--fold-se=0 must be >= 1'))
def _quantize_fold_zero(tmp_path):
    run_tool(QUANTIZE, [_float_file(tmp_path), tmp_path / 'q.onnx',
                        '--random', '--fold-se', 0])


CASES = collect(globals())
