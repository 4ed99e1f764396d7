"""The lecture notebooks keep the course's shape.

nbval (run by the same ``pytest`` command) re-executes every notebook and
compares the printed numbers. These tests check what nbval does not: each
lecture is stored executed and error-free, opens with a title, its learning
objectives, the book sections and one import cell, closes with a summary and
a pointer to its exercises, defines no helper code of its own, draws its
randomness from coursekit's seeded functions, and marks every explorer cell
so that nbval skips the widget output it cannot compare.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

LECTURES = [
    "00_course_map",
    "01_sgd_and_learning_rate_decay",
    "02_tuning_the_learning_rate",
    "03_convergence_rates",
    "04_momentum",
    "05_momentum_as_physics",
    "06_nesterov_momentum",
    "07_parameter_initialization",
]
ALLOWED_IMPORTS = {"numpy", "matplotlib", "coursekit"}
MAX_BYTES = 3_000_000  # images included; keeps clones and diffs reasonable


def _lecture_paths():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _python_lines(source: str) -> str:
    """The cell without IPython magics and shell escapes, so that ast can parse it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _imports(source: str) -> list[str]:
    tree = ast.parse(_python_lines(source))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


paths = pytest.mark.parametrize("path", _lecture_paths(), ids=lambda p: p.stem)


def test_the_course_has_exactly_the_planned_lectures():
    assert [p.stem for p in _lecture_paths()] == LECTURES


@paths
def test_stored_executed_in_order_without_errors(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c.get("execution_count") for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name} is not stored executed top to bottom"
    for cell in _code_cells(nb):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name} stores an error: {_source(cell)[:80]!r}"
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            bad = re.search(r"Traceback|RuntimeWarning|\b(nan|inf)\b", text)
            assert bad is None, f"{path.name}: output contains {bad and bad.group()!r}: {text[:200]!r}"
    assert path.stat().st_size < MAX_BYTES


@paths
def test_opens_with_title_objectives_sections_and_one_import_cell(path):
    nb = _load(path)
    first = _source(nb["cells"][0])
    assert re.match(r"# Lecture \d\d: \S", first), f"{path.name} must open with '# Lecture NN: title'"
    head = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")[:6000].lower()
    assert "objectives" in head, f"{path.name} states no learning objectives"
    assert "§8." in head, f"{path.name} names no book section"
    code = _code_cells(nb)
    importing = [i for i, c in enumerate(code) if _imports(_source(c))]
    assert importing == [0], f"{path.name}: imports must all sit in the first code cell (found in {importing})"
    modules = {name.split(".")[0] for name in _imports(_source(code[0]))}
    assert modules <= ALLOWED_IMPORTS, f"{path.name} imports {sorted(modules - ALLOWED_IMPORTS)}"


@paths
def test_closes_with_summary_and_pointer_to_its_exercises(path):
    nb = _load(path)
    last = _source(nb["cells"][-1])
    assert nb["cells"][-1]["cell_type"] == "markdown" and "## Summary" in last
    if path.stem != "00_course_map":
        assert f"exercises/{path.stem}.ipynb" in last, f"{path.name} must point to its exercises"


@paths
def test_no_helper_code_and_only_seeded_randomness(path):
    for cell in _code_cells(_load(path)):
        source = _source(cell)
        tree = ast.parse(_python_lines(source))
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert not defined, f"{path.name} defines helper code; it belongs in coursekit: {source[:80]!r}"
        assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform|choice)\b", source), (
            f"{path.name} uses numpy's global random state; use default_rng(seed)"
        )


@paths
def test_explorer_cells_are_left_out_of_the_comparison(path):
    for cell in _code_cells(_load(path)):
        source = _source(cell)
        if re.search(r"\bexplorers?\b|Explorer\(", source) and "import" not in source:
            assert source.startswith("# NBVAL_IGNORE_OUTPUT"), (
                f"{path.name}: an explorer cell must start with # NBVAL_IGNORE_OUTPUT: {source[:80]!r}"
            )


@paths
def test_every_figure_is_stored_as_an_image(path):
    """A static figure must be visible without a kernel (GitHub, nbviewer)."""
    nb = _load(path)
    images = sum(
        "image/png" in out.get("data", {}) for c in _code_cells(nb) for out in c.get("outputs", [])
    )
    if path.stem != "00_course_map":
        assert images >= 2, f"{path.name} stores {images} figures"
