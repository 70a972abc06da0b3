"""The documentation: the README stays short and its links hold, and the
Sphinx site builds offline in strict mode (a warning fails the build)."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / 'README.md').read_text()


def test_readme_is_short_and_keeps_the_two_commands():
    assert len(README.splitlines()) <= 200
    for command in ('bash tools/demo.sh', 'bash tools/run_tests.sh'):
        assert command in README
    # CI runs the README's test command.
    assert 'bash tools/run_tests.sh' in (ROOT / '.ci' / 'run').read_text()


def test_readme_links_point_to_files():
    targets = re.findall(r'\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)', README)
    # change detector: the README's links today (our text, no source), so a
    # broken pattern that finds none cannot pass the check below.
    assert len(targets) >= 15
    missing = [t for t in targets
               if not (ROOT / t).exists()]
    assert not missing


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """Build the site once, in this process (the toolboxes are imported
    already), with ``-W``: every warning is an error."""
    # A hard import: sphinx is in the tests extra, and a skipped build
    # would hide a broken site.
    from sphinx.cmd import build as sphinx_build
    out = tmp_path_factory.mktemp('site')
    status = sphinx_build.build_main([
        '-W', '--keep-going', '-q', '-b', 'html', '-d',
        str(out / 'doctrees'),
        str(ROOT / 'docs'),
        str(out / 'html')
    ])
    assert status == 0, 'sphinx-build -W failed; see the warnings above'
    return out / 'html'


def test_site_builds_strictly(site):
    index = (site / 'index.html').read_text()
    for page in ('get_started/quick_run', 'user_guides/se_options',
                 'model_zoo/index', 'api/index'):
        assert f'{page}.html' in index


def test_api_reference_comes_from_the_docstrings(site):
    page = (site / 'api' / 'generated' /
            'se_plugin.apis.model_zoo.html').read_text()
    # The signature and the docstring's Args section of get_model.
    assert 'se_plugin.apis.model_zoo.get_model' in page
    assert 'A name from' in page
    backbones = (site / 'api' / 'generated' /
                 'se_plugin.models.backbones.se_resnet.html').read_text()
    assert 'SEResNet' in backbones


def test_speed_chart_from_benchmark_json(load_tool, tmp_path):
    plot_speed = load_tool('analysis/plot_speed.py')

    def ratio(median):
        return dict(median=median, q1=median - 0.01, q3=median + 0.02)

    runs = {
        'b1.json': {'infer-1': {'se_plugin/se': ratio(1.037),
                                'timm/se': ratio(1.055)}},
        'b32.json': {'infer-32': {'se_plugin/se': ratio(0.998)},
                     'train-32': {'se_plugin/se': ratio(1.030)}},
    }
    for name, modes in runs.items():
        (tmp_path / name).write_text(json.dumps(dict(modes={
            mode: dict(times={}, ratios=ratios)
            for mode, ratios in modes.items()})))
    paths = [str(tmp_path / n) for n in runs]
    modes = plot_speed.read_ratios(paths)
    assert list(modes) == ['infer-1', 'infer-32', 'train-32']
    assert modes['infer-1']['timm/se']['median'] == 1.055
    out = tmp_path / 'speed.png'
    plot_speed.main([*paths, '--out', str(out)])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_speed_chart_refuses_other_json(load_tool, tmp_path):
    plot_speed = load_tool('analysis/plot_speed.py')
    (tmp_path / 'other.json').write_text('{"rows": []}')
    with pytest.raises(ValueError, match='other.json: no "modes" key'):
        plot_speed.read_ratios([str(tmp_path / 'other.json')])


def test_pictures_in_the_docs_exist():
    """Every image the pages show is committed under docs/_static/."""
    shown = set()
    for page in (ROOT / 'docs').rglob('*.md'):
        for target in re.findall(r'!\[[^\]]*\]\(([^)]+)\)', page.read_text()):
            shown.add((page.parent / target).resolve())
    assert len(shown) >= 5
    assert all(p.is_file() and p.parent.name == '_static' for p in shown)


def test_config_paths_in_the_docs_exist():
    """Every ``configs/...py`` that README.md, docs/ or a family README
    names exists; the configs guide alone names the old paths of moved
    configs, and only those of ``MOVED_CONFIGS``."""
    from _se_plugin_hook import MOVED_CONFIGS
    pages = [ROOT / 'README.md', *(ROOT / 'docs').rglob('*.md'),
             *(ROOT / 'configs').rglob('README.md')]
    missing = []
    for page in pages:
        for path in re.findall(r'(?<![\w/.-])configs/[\w./-]+\.py',
                               page.read_text()):
            moved = page.name == 'configs.md' and path in MOVED_CONFIGS
            example = path == 'configs/x.py'  # an error message's file
            if not (ROOT / path).is_file() and not (moved or example):
                missing.append((page.relative_to(ROOT).as_posix(), path))
    assert missing == []
