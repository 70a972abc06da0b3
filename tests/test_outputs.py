"""Every tool that writes refuses an existing output without --overwrite
and its own input even with it (:mod:`se_plugin.engine.outputs`)."""
import pytest
from bad_inputs.tools import DIGITS, ToolExit, run_tool

from se_plugin.engine.outputs import MANIFEST


def _files(tmp_path):
    inp = tmp_path / 'in.pkl'
    out = tmp_path / 'out.pkl'
    inp.write_text('input')
    out.write_text('mine')
    return inp, out


# tool, argv(input, output), what the input is called in the message
TOOLS = {
    'test': ('test.py', lambda i, o: [DIGITS, i, '--out', o], '--out'),
    'export_onnx': ('deployment/export_onnx.py',
                    lambda i, o: [DIGITS, i, '--out', o], '--out'),
    'to_se_plugin': ('model_converters/to_se_plugin.py',
                     lambda i, o: ['torchvision', 'resnet18', i, o], 'dst'),
    'compare_runs': ('analysis/compare_runs.py',
                     lambda i, o: [i, '--plot', o], '--plot'),
}


@pytest.mark.parametrize('name', TOOLS)
def test_existing_output_refused(tmp_path, name):
    tool, argv, option = TOOLS[name]
    inp, out = _files(tmp_path)
    with pytest.raises((ToolExit, SystemExit),
                       match=f"{option} '{out}' exists; pass --overwrite"):
        run_tool(tool, argv(inp, out))
    assert out.read_text() == 'mine'


@pytest.mark.parametrize('name', TOOLS)
def test_own_input_refused_even_with_overwrite(tmp_path, name):
    tool, argv, option = TOOLS[name]
    inp, _ = _files(tmp_path)
    with pytest.raises((ToolExit, SystemExit),
                       match=f"{option} '{inp}' is one of the inputs"):
        run_tool(tool, argv(inp, inp) + ['--overwrite'])
    assert inp.read_text() == 'input'


PREPARE = ['dataset_converters/prepare_digits.py',
           'dataset_converters/prepare_digits_coco.py']


@pytest.mark.parametrize('tool', PREPARE)
def test_prepare_refuses_folder_it_did_not_write(tmp_path, tool):
    mine = tmp_path / 'meta' / 'train.txt'
    mine.parent.mkdir()
    mine.write_text('my list\n')
    with pytest.raises(ToolExit, match='holds 1 file.* this tool did not '
                       'write'):
        run_tool(tool, [tmp_path, '--overwrite'])
    assert mine.read_text() == 'my list\n'


def test_prepare_rewrites_own_output_only_with_overwrite(tmp_path):
    tool = PREPARE[1]
    run_tool(tool, [tmp_path, '--num-images', '2', '1'])
    assert (tmp_path / MANIFEST).exists()
    with pytest.raises(ToolExit, match='holds an earlier output; pass '
                       '--overwrite'):
        run_tool(tool, [tmp_path, '--num-images', '2', '1'])
    run_tool(tool, [tmp_path, '--num-images', '1', '1', '--overwrite'])
    assert len(list((tmp_path / 'train').iterdir())) == 1
