"""Every bad input and fault we know of, with the outcome it must have.

The cases live in ``tests/bad_inputs/<area>.py`` (models, data,
checkpoints, tools); this module runs them all as one parametrized test, so
a regression shows as a failing case id. See :class:`bad_inputs.Case` for
what a case states.
"""
import importlib
import pkgutil
import re
import warnings

import pytest

import bad_inputs
from bad_inputs import Case
from se_plugin.engine.errors import UserInputError


def _all_cases():
    cases = []
    for info in sorted(pkgutil.iter_modules(bad_inputs.__path__),
                       key=lambda m: m.name):
        module = importlib.import_module(f'bad_inputs.{info.name}')
        cases.extend(module.CASES)
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f'duplicate case ids: {dupes}'
    return cases


CASES = _all_cases()


def _check_words(text, words, case):
    missing = [w for w in words if w not in text]
    assert not missing, (f'{case.id}: message lacks {missing}:\n{text}')


@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, mm_logs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        if case.raises is not None:
            with pytest.raises(case.raises) as info:
                case.action(tmp_path)
            _check_words(str(info.value), case.words, case)
            if issubclass(case.raises, UserInputError):
                # The project's errors subclass each other and the
                # built-ins: a case names the exact one.
                assert type(info.value) is case.raises, (
                    f'{case.id}: {type(info.value).__name__}')
        else:
            case.action(tmp_path)
    if case.warns == 'log':
        assert any(all(w in m for w in case.words) for m in mm_logs), (
            f'{case.id}: no logged warning with {case.words}; '
            f'logged: {mm_logs}')
    elif case.warns is not None:
        texts = [str(w.message) for w in caught
                 if issubclass(w.category, case.warns)]
        assert any(all(w in t for w in case.words) for t in texts), (
            f'{case.id}: no {case.warns.__name__} with {case.words}; '
            f'got: {texts}')


def test_case_ids_name_their_area():
    # ids read as '<area>-<what>' so a failure names where to look.
    for case in CASES:
        assert re.fullmatch(r'[a-z0-9]+-[a-z0-9][a-z0-9_.=-]*', case.id), \
            case.id
