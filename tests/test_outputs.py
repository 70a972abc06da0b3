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


# what is passed as the output, extra options, what the error says
CASES = {
    'existing_output': ('out', [], 'exists; pass --overwrite'),
    'own_input_even_with_overwrite': ('in', ['--overwrite'],
                                      'is one of the inputs'),
}


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('name', TOOLS)
def test_output_refused(tmp_path, name, case):
    tool, argv, option = TOOLS[name]
    target, extra, message = CASES[case]
    inp, out = _files(tmp_path)
    target = {'in': inp, 'out': out}[target]
    kept = target.read_text()
    with pytest.raises((ToolExit, SystemExit),
                       match=f"{option} '{target}' {message}"):
        run_tool(tool, argv(inp, target) + extra)
    assert target.read_text() == kept


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
