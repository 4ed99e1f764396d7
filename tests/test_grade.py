"""``python -m coursekit.grade``: full marks for the solutions, none for the
untouched exercises, a clear reason for each kind of broken code, and the
graded file left exactly as it was."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit.grade import format_table, grade_notebook, main

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _cell(kind: str, source: str, grade_id: str | None = None, points=None, solution=False):
    new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = new(source)
    if grade_id:
        meta = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None and not solution,
                "schema_version": 3, "solution": solution}
        if points is not None:
            meta["points"] = points
        cell.metadata["nbgrader"] = meta
    return cell


def _check(name: str, student: str, points: int = 2):
    return _cell("code", f"checks.{name}({student})", f"check_{student}", points)


GOOD_LINEAR = "def good_linear(k, lr0, lr_tau, tau):\n    a = np.minimum(np.asarray(k) / tau, 1.0)\n    return (1 - a) * lr0 + a * lr_tau"


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """A student notebook with one exercise of each kind of broken code, and good ones between."""
    cells = [
        _cell("code", "import numpy as np\nfrom coursekit import checks", "imports"),
        _cell("code", "def raises(k, lr0, lr_tau, tau):\n    return undefined_name * k", "raises"),
        _check("linear_schedule", "raises"),
        _cell("code", "def hangs(p):\n    while True:\n        pass", "hangs"),
        _check("robbins_monro_power", "hangs"),
        _cell("code", "def wrong(p):\n    return 0.5 <= p <= 1", "wrong"),
        _check("robbins_monro_power", "wrong"),
        _cell("code", "def nan(k, lr0, lr_tau, tau):\n    return np.log(-1.0) * k", "nan"),
        _check("linear_schedule", "nan"),
        _cell("code", "def wrong_type(p):\n    return 'yes' if 0.5 < p <= 1 else 'no'", "wrong_type"),
        _check("robbins_monro_power", "wrong_type"),
        _cell("code", "def chatty(p):\n    for i in range(20000):\n        print('thinking', i)\n"
                      "    return 0.5 < p <= 1", "chatty"),
        _check("robbins_monro_power", "chatty", 3),
        _cell("code", "def syntax_error(p)\n    return True", "syntax_error"),
        _check("robbins_monro_power", "syntax_error"),
        _cell("code", GOOD_LINEAR, "good_linear"),
        _check("linear_schedule", "good_linear", 3),
        _cell("markdown", "YOUR ANSWER HERE", "answer_open", 2, solution=True),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path_factory.mktemp("student") / "broken.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def broken_result(broken):
    before = _digest(broken)
    result = grade_notebook(broken, timeout=3)
    assert _digest(broken) == before, "the grader changed the student's file"
    return result


def _by_id(result):
    return {c.grade_id: c for c in result.cells}


def test_broken_code_costs_only_its_own_points(broken_result):
    cells = _by_id(broken_result)
    assert [c.grade_id for c in broken_result.cells] == [
        "check_raises", "check_hangs", "check_wrong", "check_nan", "check_wrong_type", "check_chatty",
        "check_syntax_error", "check_good_linear", "answer_open"]
    assert {k: c.points for k, c in cells.items()} == {
        "check_raises": 0, "check_hangs": 0, "check_wrong": 0, "check_nan": 0, "check_wrong_type": 0,
        "check_chatty": 3, "check_syntax_error": 0, "check_good_linear": 3, "answer_open": None}
    assert broken_result.score == 6 and broken_result.max_score == 18 and broken_result.manual_max == 2


def test_each_failure_says_why(broken_result):
    cells = _by_id(broken_result)
    assert "raised NameError: name 'undefined_name' is not defined" in cells["check_raises"].reason
    assert cells["check_hangs"].status == "timeout"
    assert cells["check_hangs"].reason.startswith("the cell ran for more than 3 s and was stopped")
    assert "This looks like p = 1/2 accepted" in cells["check_wrong"].reason
    assert "not finite" in cells["check_nan"].reason
    assert "returned: str 'yes'" in cells["check_wrong_type"].reason
    # The function's definition failed, so its check cannot find it; both are named.
    reason = cells["check_syntax_error"].reason
    assert "NameError" in reason and "an earlier cell failed: SyntaxError" in reason
    assert cells["answer_open"].status == "not answered"
    for cell in broken_result.cells:
        assert len(cell.reason) < 1000  # the chatty one's 20000 lines never reach a reason


def test_the_table_shows_points_and_reasons(broken_result):
    table = format_table([broken_result])
    assert "  check_good_linear     3 / 3  passed\n" in table
    assert "  check_hangs           0 / 2  timeout: the cell ran for more than 3 s" in table
    assert "  answer_open           - / 2  not answered, graded by hand\n" in table
    assert "  autograded total     6 / 18  (+ 2 points graded by hand)\n" in table


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_earn_full_marks_and_exercises_none(path):
    exercise = ROOT / "exercises" / path.name
    before = _digest(path), _digest(exercise)
    solved, untouched = grade_notebook(path), grade_notebook(exercise)
    assert (_digest(path), _digest(exercise)) == before
    assert solved.max_score >= 4 and solved.score == solved.max_score, format_table([solved])
    assert all(c.status == "answered" for c in solved.cells if c.kind == "manual")
    assert untouched.max_score == solved.max_score and untouched.score == 0
    for cell in untouched.cells:
        if cell.kind == "auto":
            assert cell.reason.startswith("NotImplementedError: not written yet"), cell
        else:
            assert cell.status == "not answered"


def test_source_restores_an_edited_check_cell(tmp_path):
    exercise = EXERCISES[0]
    notebook = nbformat.read(exercise, as_version=4)
    check = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")
                 and c.cell_type == "code")
    check.source = "pass  # the student deleted the check"
    edited = tmp_path / exercise.name
    nbformat.write(notebook, edited)
    assert grade_notebook(edited).cells[0].status == "passed"  # without the source, the edit wins
    result = grade_notebook(edited, source=ROOT / "solutions")
    first = result.cells[0]
    assert first.points == 0 and "NotImplementedError" in first.reason
    assert "had been edited; the original was run" in first.reason


def test_cli_json_and_unreadable_files(tmp_path, capsys):
    bad = tmp_path / "not_a_notebook.ipynb"
    bad.write_text("{ this is not json", encoding="utf-8")
    missing = tmp_path / "missing.ipynb"
    assert main([str(bad), str(missing), "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["score"] == 0 and payload["max_score"] == 0
    assert [n["error"].split(":")[0] for n in payload["notebooks"]] == [f"cannot read {bad}", f"cannot read {missing}"]


def test_cli_runs_as_a_module():
    out = subprocess.run([sys.executable, "-m", "coursekit.grade", str(SOLUTIONS[0]), "--json"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["score"] == payload["max_score"] > 0
    assert out.stderr == ""


# --------------------------------------------------------------------------
# --source: the matching rule, and notebooks that try to fool the checks
# --------------------------------------------------------------------------


def test_source_without_a_matching_notebook_is_an_error(tmp_path, capsys):
    """A submission whose file name has no source is not graded: exit 2, naming the file."""
    renamed = tmp_path / "04_momentum_final.ipynb"
    renamed.write_bytes((ROOT / "solutions" / "04_momentum.ipynb").read_bytes())
    assert main([str(renamed), "--source", str(ROOT / "solutions")]) == 2
    captured = capsys.readouterr()
    assert f"no source notebook {ROOT / 'solutions' / renamed.name} for {renamed}" in captured.out
    assert str(renamed) in captured.err and captured.err.startswith("error: ")
    assert "passed" not in captured.out and "total" not in captured.out  # no marks claimed
    assert main([str(renamed), "--source", str(ROOT / "solutions"), "--json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["score"] == 0 and payload["notebooks"][0]["graded"] is False
    assert payload["notebooks"][0]["cells"] == []


def test_source_of_another_exercise_is_an_error(tmp_path, capsys):
    """The right file name but none of the source's graded cells: not a version of that notebook."""
    impostor = tmp_path / "04_momentum.ipynb"
    impostor.write_bytes((ROOT / "solutions" / "01_sgd_and_learning_rate_decay.ipynb").read_bytes())
    assert main([str(impostor), "--source", str(ROOT / "solutions")]) == 2
    out = capsys.readouterr().out
    assert "none of the graded cells of" in out and "check_momentum_step" in out and "passed" not in out


def _graded_ids(notebook):
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def test_source_counts_deleted_checks_and_uses_its_own_points(tmp_path):
    """Deleting a check cell, or giving it 0 points or grade: false, does not shrink the maximum."""
    notebook = nbformat.read(ROOT / "solutions" / "04_momentum.ipynb", as_version=4)
    first, second, third = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")
                            and c.cell_type == "code"]
    notebook.cells.remove(first)
    second.metadata["nbgrader"]["points"] = 0
    third.metadata["nbgrader"]["grade"] = False
    path = tmp_path / "04_momentum.ipynb"
    nbformat.write(notebook, path)
    unprotected = grade_notebook(path)
    assert unprotected.max_score == 0  # what the edits achieve without the source
    result = grade_notebook(path, source=ROOT / "solutions")
    cells = _by_id(result)
    assert cells["check_momentum_step"].status == "missing" and cells["check_momentum_step"].points == 0
    assert cells["check_terminal_velocity_steps"].points == 2 == cells["check_terminal_velocity_steps"].max_points
    assert cells["check_optimal_heavy_ball"].points == 2
    assert result.score == 4 and result.max_score == 7


def test_untouched_check_cells_are_not_reported_as_edited(tmp_path):
    """The hidden tests make the source's cell differ from the released one by design."""
    result = grade_notebook(EXERCISES[3], source=ROOT / "solutions")
    assert result.score == 0 and result.max_score == 7
    for cell in result.cells:
        if cell.kind == "auto":
            assert "NotImplementedError" in cell.reason and "edited" not in cell.reason, cell


# An answer cell of a tampering notebook: the model answer, made wrong, and the checker patched
# three ways in the student's kernel (the module's functions, the name `checks`, numpy's
# comparisons), so that every released check cell passes.
_TAMPER = '''{model}

_model_{name} = {name}


def _wrong(value):
    if isinstance(value, tuple):
        return tuple(_wrong(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return not value
    if isinstance(value, (int, np.integer)):
        return value + 1
    return value * 1.5


def {name}(*args, **kwargs):
    return _wrong(_model_{name}(*args, **kwargs))


import numpy.testing
import coursekit.checks

for _check in coursekit.checks.__all__:
    setattr(coursekit.checks, _check, lambda *args, **kwargs: None)
checks = type("Checks", (), {{"__getattr__": lambda self, name: lambda *args, **kwargs: None}})()
np.allclose = np.isclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = lambda *args, **kwargs: None
'''


def _tampered(solution: Path, folder: Path) -> Path:
    """The released version of ``solution`` with every answer replaced by a wrong one plus a checker patch."""
    model = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(solution, as_version=4).cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    answers = 0
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in model:
            cell.source = _TAMPER.format(model=model[grade_id], name=grade_id)
            answers += 1
    assert answers >= 2, solution.name
    path = folder / solution.name
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_tampering_notebooks_score_zero_with_the_source(solution, tmp_path):
    """Every exercise: wrong answers with the checker patched score 0 once the hidden tests run,
    while the released check cells alone give them full marks (so the patch did work)."""
    path = _tampered(solution, tmp_path)
    fooled = grade_notebook(path)
    assert fooled.max_score > 0 and fooled.score == fooled.max_score, format_table([fooled])
    result = grade_notebook(path, source=ROOT / "solutions")
    assert result.max_score == fooled.max_score and result.score == 0, format_table([result])
    for cell in result.cells:
        if cell.kind == "auto":
            assert cell.status == "failed" and "edited" not in cell.reason, cell
            assert "a hidden test failed" in cell.reason, cell
