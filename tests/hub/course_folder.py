"""An nbgrader course folder built from the repository's ``solutions/``.

Shared by ``tests/test_nbgrader_cycle.py`` (the whole cycle in one folder) and
``tests/hub/test_class.py`` (the same cycle through JupyterHub's exchange).
The notebooks always come from ``solutions/`` as it is when the test runs, and
every expected score is read from the notebooks' nbgrader metadata, so a
change of points or of a hidden test never needs an edit here.

The pieces:

* :func:`nbgrader` runs one ``nbgrader`` command of this interpreter.
* :func:`write_config` writes a course's ``nbgrader_config.py``.
* :func:`check_points` and :func:`manual_points` read the points of a notebook.
* :func:`solution_source` is the model answer of a solution cell, markers removed.
* :func:`answer` writes a student notebook with some answer cells replaced.
* :data:`WRONG`, :data:`TAMPERED`: answers that must lose their points.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

__all__ = [
    "ASSIGNMENT",
    "SOLUTIONS",
    "TAMPERED",
    "WRONG",
    "answer",
    "answer_cells",
    "check_points",
    "isolated_env",
    "manual_points",
    "nbgrader",
    "solution_source",
    "write_config",
]

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
ASSIGNMENT = "ch8"

# Plausible wrong answers, by the grade_id of the answer cell. Each fails its
# check cell for an honest reason (a common mistake of the exercise).
WRONG = {
    # Polyak's α* without the square: (√κ − 1)/(√κ + 1) instead of its square.
    "optimal_heavy_ball": (
        "def optimal_heavy_ball(mu, L):\n"
        "    root_kappa = np.sqrt(L / mu)\n"
        "    lr = (2 / (np.sqrt(L) + np.sqrt(mu))) ** 2\n"
        "    return lr, (root_kappa - 1) / (root_kappa + 1)\n"
    ),
}

# A wrong momentum step (sign error in eq. 8.15) that silences the checker in
# the student's own kernel. The released check cell then passes; only the
# hidden test, which re-derives the update, can take the points away.
TAMPERED = {
    "momentum_step": (
        "def momentum_step(theta, velocity, grad, lr, momentum):\n"
        "    new_velocity = momentum * velocity + lr * grad\n"
        "    return theta + new_velocity, new_velocity\n"
        "\n"
        "checks.momentum_step = lambda *args, **kwargs: None\n"
    ),
}


def nbgrader(*args: str, cwd: Path, env: dict | None = None, timeout: float = 600.0) -> str:
    """Run ``nbgrader ARGS`` in ``cwd``; its output, or an AssertionError with it."""
    completed = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"nbgrader {' '.join(args)} failed ({completed.returncode}):\n{output[-6000:]}"
    return output


def isolated_env(home: Path, **extra: str) -> dict:
    """os.environ with a Jupyter config folder of its own: no nbgrader_config.py
    of the machine's user (~/.jupyter) leaks into the course. The interpreter's
    bin folder comes first on PATH: nbgrader runs the ``alembic`` command to
    create a gradebook, which an unactivated virtualenv does not put on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]), **extra}
    env.pop("MPLBACKEND", None)   # the kernels pick the inline backend, as in class
    return env


def write_config(course: Path, course_id: str = "optimization", **settings: str) -> Path:
    """``course/nbgrader_config.py`` with the course id, its root and any
    further ``Class.trait = value`` lines (``settings`` as {"Class.trait": repr})."""
    lines = [
        "c = get_config()  # noqa: F821 (nbgrader supplies get_config)",
        f"c.CourseDirectory.course_id = {course_id!r}",
        f"c.CourseDirectory.root = {str(course)!r}",
        # A hung student cell costs its own notebook, not the whole run.
        "c.ExecutePreprocessor.timeout = 120",
        *(f"c.{name} = {value}" for name, value in settings.items()),
    ]
    path = course / "nbgrader_config.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cells(notebook) -> list[dict]:
    data = notebook if isinstance(notebook, dict) else json.loads(Path(notebook).read_text(encoding="utf-8"))
    return data["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def check_points(notebook) -> dict[str, float]:
    """{grade_id: points} of the autograded cells (code cells with ``grade``)."""
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: float(cell["metadata"]["nbgrader"]["points"])
        for cell in _cells(notebook)
        if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("grade")
    }


def manual_points(notebook) -> dict[str, float]:
    """{grade_id: points} of the answers graded by hand (markdown cells with ``grade``)."""
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: float(cell["metadata"]["nbgrader"]["points"])
        for cell in _cells(notebook)
        if cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get("grade")
    }


def solution_source(notebook, grade_id: str) -> str:
    """The model answer of one solution cell, with nbgrader's marker lines removed."""
    for cell in _cells(notebook):
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(line for line in _source(cell).splitlines(keepends=True)
                           if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    raise KeyError(f"no cell {grade_id!r}")


def answer(released: Path, destination: Path, answers: dict[str, str]) -> Path:
    """Copy the student version ``released`` to ``destination`` with the code
    of the answer cells named in ``answers`` ({grade_id: source}) replaced,
    as a student's editor would save it. Every grade_id must exist."""
    data = json.loads(Path(released).read_text(encoding="utf-8"))
    missing = set(answers)
    for cell in data["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            assert cell["metadata"]["nbgrader"].get("solution"), f"{grade_id} is not an answer cell"
            cell["source"] = answers[grade_id]
            missing.discard(grade_id)
    assert not missing, f"{released.name} has no answer cell {sorted(missing)}"
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return destination


def answer_cells(notebook) -> list[str]:
    """The grade_ids of the answer cells (code and written answers), in order."""
    return [
        cell["metadata"]["nbgrader"]["grade_id"] for cell in _cells(notebook)
        if cell["metadata"].get("nbgrader", {}).get("solution")
    ]
