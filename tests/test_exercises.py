"""The exercise notebooks: their shape, the generated student versions, and
nbgrader's own commands on the sources.

nbval runs the solutions (strict: every printed line is compared), the
``tests/test_checks_*.py`` files prove that each check accepts the solution
and names each common mistake, and ``tests/test_grade.py`` grades the
solutions and the untouched student versions. These tests check the rest.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURES = sorted(p.stem for p in (ROOT / "notebooks").glob("0[1-7]_*.ipynb"))
SOLUTIONS = [ROOT / "solutions" / f"{name}.ipynb" for name in LECTURES]
EXERCISES = [ROOT / "exercises" / f"{name}.ipynb" for name in LECTURES]

_spec = importlib.util.spec_from_file_location("generate_exercises", ROOT / "scripts" / "generate_exercises.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _checks(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if _meta(c).get("grade") and not _meta(c).get("solution")]


def _answers(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if _meta(c).get("grade") and _meta(c).get("solution")]


def test_every_lecture_has_its_exercises():
    assert len(LECTURES) == 7
    for solution, exercise in zip(SOLUTIONS, EXERCISES):
        assert solution.exists(), f"missing {solution.relative_to(ROOT)}"
        assert exercise.exists(), f"missing {exercise.relative_to(ROOT)}"
    extra = {p.name for p in (ROOT / "solutions").glob("*.ipynb")} - {p.name for p in SOLUTIONS}
    assert extra == set()


def test_how_many_exercises():
    counts = {p.stem[:2]: len(_checks(_load(p))) for p in SOLUTIONS}
    assert all(n >= 2 for n in counts.values()), counts
    assert sum(counts.values()) >= 16, counts
    answers = {p.stem[:2]: len(_answers(_load(p))) for p in SOLUTIONS}
    assert all(n >= 1 for n in answers.values()), answers


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem[:2])
def test_solution_notebook_shape(path):
    nb = _load(path)
    cells = nb["cells"]
    assert _source(cells[0]).startswith(f"# Exercises {path.stem[:2]}: ")
    assert f"../notebooks/{path.name}" in _source(cells[0]), "the title cell links its lecture"
    for index, cell in enumerate(cells):
        meta = _meta(cell)
        if not meta:
            assert cell["cell_type"] == "markdown", f"cell {index}: code cells carry nbgrader metadata"
            continue
        assert meta["schema_version"] == 3
        if meta.get("solution") and not meta.get("grade"):  # a function to write
            name = meta["grade_id"]
            src = _source(cell)
            assert re.search(rf"^def {name}\(", src, re.M), f"{name}: the cell defines {name}"
            assert src.count("### BEGIN SOLUTION") == 1 and src.count("### END SOLUTION") == 1
            assert src.index(f"def {name}(") < src.index("### BEGIN SOLUTION"), "the signature stays visible"
            check = cells[index + 1]
            assert _meta(check).get("grade_id") == f"check_{name}", f"{name} is followed by its check"
            assert _source(check).startswith(f"checks.{name}({name})")
    for check in _checks(nb):
        meta = _meta(check)
        assert check["cell_type"] == "code" and meta["locked"] and meta["points"] > 0
        assert _source(check).startswith("checks."), "a check cell calls coursekit.checks"
        assert check["outputs"] and all(o["output_type"] == "stream" for o in check["outputs"])
        assert "".join(check["outputs"][-1]["text"]).rstrip().endswith("checks passed.")
    for answer in _answers(nb):
        assert answer["cell_type"] == "markdown" and _meta(answer)["points"] > 0
        assert len(_source(answer).split()) >= 40, "a model answer of a few sentences"


def test_grade_ids_are_unique_across_the_course():
    ids = [_meta(c)["grade_id"] for p in SOLUTIONS for c in _load(p)["cells"] if _meta(c)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem[:2])
def test_student_version_is_up_to_date(path):
    committed = (ROOT / "exercises" / path.name).read_text(encoding="utf-8")
    assert generate.student_version(path) == committed, (
        f"exercises/{path.name} is out of date: run python scripts/generate_exercises.py")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem[:2])
def test_nothing_from_the_solutions_leaks(path):
    exercise = ROOT / "exercises" / path.name
    text = exercise.read_text(encoding="utf-8")
    for marker in generate.LEAK_MARKERS:
        assert marker not in text
    student = _load(exercise)
    # Instructions may quote a line as a hint; the code cells must not hold the answer.
    student_code = "\n".join(_source(c) for c in student["cells"] if c["cell_type"] == "code")
    student_text = "\n".join(_source(c) for c in student["cells"])
    for cell in _load(path)["cells"]:
        meta = _meta(cell)
        src = _source(cell)
        if meta.get("solution") and cell["cell_type"] == "code":
            region = src.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            for line in region.splitlines():
                if len(line.strip()) > 12:  # a real line of the answer, not a bracket
                    assert line.strip() not in student_code, f"solution line leaked: {line.strip()}"
        if meta.get("solution") and cell["cell_type"] == "markdown":
            assert src not in student_text
    for cell in student["cells"]:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        if _meta(cell).get("solution") and cell["cell_type"] == "code":
            assert "raise NotImplementedError()" in _source(cell)


def _nbgrader(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder laid out as nbgrader expects, as the README tells instructors."""
    root = tmp_path_factory.mktemp("course")
    (root / "source" / "ch8").mkdir(parents=True)
    for path in SOLUTIONS:
        shutil.copy(path, root / "source" / "ch8" / path.name)
    return root


def test_nbgrader_generate_assignment_makes_the_committed_student_versions(course):
    done = _nbgrader("generate_assignment", "ch8", "--no-db", "--force", cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    for exercise in EXERCISES:
        released = _load(course / "release" / "ch8" / exercise.name)
        committed = _load(exercise)
        assert [(c["cell_type"], _source(c)) for c in released["cells"]] == \
            [(c["cell_type"], _source(c)) for c in committed["cells"]]
        assert [_meta(c) for c in released["cells"]] == [_meta(c) for c in committed["cells"]]


def test_nbgrader_validate_passes_the_solutions_and_fails_the_stubs(course):
    done = _nbgrader("validate", *[str(p) for p in SOLUTIONS], cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Success! Your notebook passes all the tests.") == len(SOLUTIONS), done.stdout
    done = _nbgrader("validate", str(EXERCISES[0]), cwd=course)
    assert "NOTEBOOK FAILED VALIDATION" in done.stdout or "failed" in done.stdout.lower(), done.stdout
    assert "NotImplementedError" in done.stdout


_HIDDEN = re.compile(r"^### BEGIN HIDDEN TESTS\n(.*?)^### END HIDDEN TESTS$", re.S | re.M)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_check_has_a_hidden_test_independent_of_the_checker(path):
    """A student can replace coursekit.checks in the kernel; the hidden test must still
    compute the answer on its own: it calls the student's function, asserts, and never
    names the checker."""
    import ast

    for cell in _checks(_load(path)):
        source, grade_id = _source(cell), _meta(cell)["grade_id"]
        blocks = _HIDDEN.findall(source)
        assert len(blocks) == 1, f"{grade_id}: one ### BEGIN/END HIDDEN TESTS block, on lines of their own"
        tree = ast.parse(blocks[0])
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        modules = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                   for a in n.names} | {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "checks" not in names and not any("checks" in m for m in modules), grade_id
        assert any(isinstance(n, ast.Assert) for n in ast.walk(tree)), grade_id
        student = grade_id.removeprefix("check_")
        assert student in names, f"{grade_id}: the hidden test does not call {student}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_released_check_cell_is_the_source_without_its_hidden_test(path):
    """What coursekit.grade --source compares a submission with: an untouched check cell
    is not reported as edited."""
    from coursekit.grade import _same_code, released_source

    released = {_meta(c)["grade_id"]: _source(c) for c in _checks(_load(ROOT / "exercises" / path.name))}
    for cell in _checks(_load(path)):
        grade_id = _meta(cell)["grade_id"]
        assert _same_code(released[grade_id], released_source(_source(cell))), grade_id
        assert "HIDDEN" not in released[grade_id]
