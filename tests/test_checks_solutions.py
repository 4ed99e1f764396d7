"""Every check accepts its solution and lets the untouched stub's
NotImplementedError through, for every exercise of every lecture.

The exercises are read from the solutions notebooks (the nbgrader solution
cells), so a new exercise is covered without editing this file; the
``test_checks_<topic>.py`` files prove that each check also names the
common mistakes.
"""

from __future__ import annotations

import json

import pytest

from coursekit import checks
from tests.exercise_code import ROOT, solution_namespace, stub_namespace


def _exercises() -> list[tuple[str, str]]:
    pairs = []
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "code" and meta.get("solution") and not meta.get("grade"):
                pairs.append((path.stem, meta["grade_id"]))
    return pairs


EXERCISES = _exercises()


@pytest.fixture(scope="module")
def namespaces():
    cache: dict = {}

    def get(kind: str, notebook: str) -> dict:
        if (kind, notebook) not in cache:
            load = solution_namespace if kind == "solution" else stub_namespace
            cache[kind, notebook] = load(notebook)
        return cache[kind, notebook]

    return get


def test_every_exercise_has_a_check():
    assert len(EXERCISES) >= 16
    missing = [name for _, name in EXERCISES if name not in checks.__all__]
    assert missing == []


@pytest.mark.parametrize("notebook, exercise", EXERCISES, ids=[e for _, e in EXERCISES])
def test_the_solution_passes(namespaces, notebook, exercise, capsys):
    getattr(checks, exercise)(namespaces("solution", notebook)[exercise])
    assert capsys.readouterr().out.strip().endswith("checks passed.")


@pytest.mark.parametrize("notebook, exercise", EXERCISES, ids=[e for _, e in EXERCISES])
def test_the_untouched_stub_raises_not_implemented(namespaces, notebook, exercise):
    with pytest.raises(NotImplementedError):
        getattr(checks, exercise)(namespaces("stub", notebook)[exercise])
