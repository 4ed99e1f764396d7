"""The two tests of the further cases listed in each ``tests/test_checks_<topic>.py``.

Such a file lists ``FURTHER_MISTAKES``, tuples (exercise, text the check's
message must contain, a wrong answer), and ``FURTHER_CORRECT``, tuples
(exercise, a right answer written otherwise than the model answer), and
takes its two tests with::

    test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \\
        further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
"""

from __future__ import annotations

import re

import pytest

from coursekit import checks

__all__ = ["further_case_tests"]


def further_case_tests(mistakes: list, correct: list) -> tuple:
    """The test that every mistake is named (or failed) and the test that every right answer passes."""

    @pytest.mark.parametrize("exercise, match, mistake", mistakes,
                             ids=[f"{e}-{i}" for i, (e, _, _) in enumerate(mistakes)])
    def test_further_mistakes_are_named_or_failed(exercise, match, mistake):
        with pytest.raises(checks.CheckFailed, match=re.escape(match)):
            getattr(checks, exercise)(mistake)

    @pytest.mark.parametrize("exercise, version", correct,
                             ids=[f"{e}-{i}" for i, (e, _) in enumerate(correct)])
    def test_further_correct_versions_pass(exercise, version, capsys):
        getattr(checks, exercise)(version)
        assert capsys.readouterr().out.strip().endswith("checks passed.")

    return test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass
