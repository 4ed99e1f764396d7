"""nbgrader's whole cycle on the course, as an instructor runs it.

One course folder in tmp_path, built from ``solutions/`` as it is now:
``nbgrader_config.py``, a gradebook with four students, ``generate_assignment``,
submissions laid out as ``submitted/<student>/ch8/``, ``autograde``,
``generate_feedback`` and ``export`` to CSV. The README's "For instructors"
recipe is these commands in this order.

The students:

* ``ada`` hands in the solutions: every autograded point of the assignment;
* ``ben`` hands in the released student versions untouched: zero;
* ``cy`` answers lecture 04 with two right answers and one wrong one:
  exactly the points of the two right ones;
* ``dee`` answers lecture 04 correctly except a wrong momentum step, and
  silences the checker in the answer cell: the hidden test takes those points.

Expected scores come from the notebooks' nbgrader metadata, never from
numbers written here. Answers to the free-response questions are graded by
hand, so autograde leaves them at zero, flagged for a grader.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
import types

import pytest

from tests.hub.course_folder import (
    ASSIGNMENT,
    SOLUTIONS,
    TAMPERED,
    WRONG,
    answer,
    answer_cells,
    check_points,
    isolated_env,
    manual_points,
    nbgrader,
    solution_source,
    write_config,
)

pytest.importorskip("nbgrader", reason="the nbgrader cycle needs nbgrader (the instructor extra)")

PARTIAL = "04_momentum.ipynb"     # cy's and dee's notebook: three exercises
STUDENTS = {"ada": "Lovelace", "ben": "Franklin", "cy": "Young", "dee": "Dee"}


def solution_answers(notebook_name: str) -> dict[str, str]:
    return {grade_id: solution_source(SOLUTIONS / notebook_name, grade_id)
            for grade_id in answer_cells(SOLUTIONS / notebook_name)}


def run_cycle(root):
    """Build the course folder in ``root`` and run the whole cycle. Returns its
    root, notebooks, exported rows ({student: CSV row}) and the seconds per step."""
    env = isolated_env(root)
    seconds = {}

    def step(name, *args):
        start = time.perf_counter()
        output = nbgrader(*args, cwd=root, env=env)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return output

    notebooks = sorted(path.name for path in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    assert notebooks, "no solution notebooks"
    write_config(root)
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for name in notebooks:
        shutil.copy(SOLUTIONS / name, source / name)
    for student, last_name in STUDENTS.items():
        step("db student add", "db", "student", "add", student, f"--last-name={last_name}")
    step("generate_assignment", "generate_assignment", ASSIGNMENT)
    released = root / "release" / ASSIGNMENT

    def submit(student, name, answers=None):
        target = root / "submitted" / student / ASSIGNMENT / name
        if answers is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(released / name, target)
        else:
            answer(released / name, target, answers)

    for name in notebooks:
        submit("ada", name, solution_answers(name))
        submit("ben", name)
    correct = solution_answers(PARTIAL)
    submit("cy", PARTIAL, {**correct, **WRONG})
    submit("dee", PARTIAL, {**correct, **TAMPERED})

    step("autograde", "autograde", ASSIGNMENT)
    step("generate_feedback", "generate_feedback", ASSIGNMENT)
    step("export", "export", "--to", "grades.csv")

    course = types.SimpleNamespace(root=root, notebooks=notebooks, seconds=seconds)
    with open(root / "grades.csv", newline="", encoding="utf-8") as handle:
        course.rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    print("nbgrader cycle, seconds per step:", {k: round(v, 1) for k, v in seconds.items()})
    print("exported grades:", {s: (r["score"], r["max_score"]) for s, r in course.rows.items()})
    return course


def autograded_points(notebook_names) -> float:
    return sum(sum(check_points(SOLUTIONS / name).values()) for name in notebook_names)


def _every_student_is_exported_with_the_assignment_maximum(course):
    assert set(course.rows) == set(STUDENTS)
    maximum = sum(sum(check_points(SOLUTIONS / n).values()) + sum(manual_points(SOLUTIONS / n).values())
                  for n in course.notebooks)
    assert maximum > autograded_points(course.notebooks) > 0
    for row in course.rows.values():
        assert row["assignment"] == ASSIGNMENT
        assert float(row["max_score"]) == pytest.approx(maximum)


def _the_solutions_get_every_autograded_point(course):
    assert float(course.rows["ada"]["score"]) == pytest.approx(autograded_points(course.notebooks))


def _the_untouched_student_versions_get_zero(course):
    assert float(course.rows["ben"]["score"]) == 0.0


def _two_right_answers_and_a_wrong_one_get_exactly_the_two(course):
    points = check_points(SOLUTIONS / PARTIAL)
    wrong = {f"check_{grade_id}" for grade_id in WRONG}
    assert wrong <= points.keys() and len(points) - len(wrong) == 2
    expected = sum(value for grade_id, value in points.items() if grade_id not in wrong)
    assert 0 < expected < sum(points.values())
    assert float(course.rows["cy"]["score"]) == pytest.approx(expected)


def _a_patched_checker_loses_the_points_to_the_hidden_test(course):
    points = check_points(SOLUTIONS / PARTIAL)
    tampered = {f"check_{grade_id}" for grade_id in TAMPERED}
    assert tampered <= points.keys()
    expected = sum(value for grade_id, value in points.items() if grade_id not in tampered)
    assert float(course.rows["dee"]["score"]) == pytest.approx(expected)
    # The check cell failed on the hidden test's plain assertion, not on the
    # checker (whose CheckFailed the patch silenced).
    graded = json.loads((course.root / "autograded" / "dee" / ASSIGNMENT / PARTIAL).read_text(encoding="utf-8"))
    errors = {
        cell["metadata"]["nbgrader"]["grade_id"]: [o["ename"] for o in cell["outputs"] if o["output_type"] == "error"]
        for cell in graded["cells"] if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("grade")
    }
    assert {grade_id for grade_id, names in errors.items() if names} == tampered
    assert all(errors[grade_id] == ["AssertionError"] for grade_id in tampered)


def test_the_patch_does_fool_the_released_check(tmp_path):
    """The control: run in a plain kernel-like process, the wrong answer fails
    the released check, and with the patch it passes, so only the hidden
    test can have caught it."""
    (grade_id, source), = TAMPERED.items()
    honest = source.split("\nchecks.")[0]
    program = "import numpy as np\nfrom coursekit import checks\n{answer}\nchecks.{name}({name})\nprint('passed')\n"
    results = {}
    for label, code in (("honest", honest), ("patched", source)):
        completed = subprocess.run([sys.executable, "-c", program.format(answer=code, name=grade_id)],
                                   capture_output=True, text=True, timeout=120, cwd=tmp_path)
        results[label] = (completed.returncode, completed.stdout + completed.stderr)
    assert results["honest"][0] != 0 and "CheckFailed" in results["honest"][1], results["honest"][1][-2000:]
    assert results["patched"] == (0, "passed\n"), results["patched"][1][-2000:]


def _the_gradebook_flags_the_written_answers_for_a_grader(course):
    from nbgrader.api import Gradebook

    written = {grade_id for n in course.notebooks for grade_id in manual_points(SOLUTIONS / n)}
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
        def flagged(student):
            submission = gradebook.find_submission(ASSIGNMENT, student)
            return submission, {grade.name for notebook in submission.notebooks for grade in notebook.grades
                                if grade.needs_manual_grade}

        submission, answered = flagged("ada")
        # Untouched "YOUR ANSWER HERE" cells score zero with nothing to grade.
        _, untouched = flagged("ben")
        # Per notebook, the gradebook agrees with the metadata it was built from.
        for notebook in submission.notebooks:
            name = f"{notebook.name}.ipynb"
            assert notebook.max_score == pytest.approx(
                sum(check_points(SOLUTIONS / name).values()) + sum(manual_points(SOLUTIONS / name).values()))
            assert notebook.score == pytest.approx(sum(check_points(SOLUTIONS / name).values()))
    assert answered == written and untouched == set()


def _feedback_is_written_for_every_submitted_notebook(course):
    for student in STUDENTS:
        submitted = sorted(p.stem for p in (course.root / "submitted" / student / ASSIGNMENT).glob("*.ipynb"))
        feedback = sorted(p.stem for p in (course.root / "feedback" / student / ASSIGNMENT).glob("*.html"))
        assert feedback == submitted
    page = (course.root / "feedback" / "dee" / ASSIGNMENT / PARTIAL.replace(".ipynb", ".html")).read_text(
        encoding="utf-8")
    assert "AssertionError" in page


def test_the_whole_cycle_scores_each_student_by_the_notebooks_points(tmp_path):
    """One test, one course folder: the cycle takes half a minute, and its
    checks must not be spread over workers that would each rebuild it."""
    course = run_cycle(tmp_path)
    _every_student_is_exported_with_the_assignment_maximum(course)
    _the_solutions_get_every_autograded_point(course)
    _the_untouched_student_versions_get_zero(course)
    _two_right_answers_and_a_wrong_one_get_exactly_the_two(course)
    _a_patched_checker_loses_the_points_to_the_hidden_test(course)
    _the_gradebook_flags_the_written_answers_for_a_grader(course)
    _feedback_is_written_for_every_submitted_notebook(course)
