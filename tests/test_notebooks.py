"""The lecture notebooks keep the course's shape.

nbval (run by the same ``pytest`` command) re-executes every notebook and
compares the printed numbers. These tests check what nbval does not: each
lecture is stored executed and error-free, opens with a title, its learning
objectives, the book sections and one import cell, closes with a summary
whose every number is printed by the notebook and a pointer to its exercises,
defines no helper code of its own (only short teaching cells that write an
update by hand and assert it equals coursekit's), copies no code from another
lecture, draws its randomness from coursekit's seeded functions, and marks
every explorer cell so that nbval skips the widget output it cannot compare.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tests.summary_numbers import compared_outputs, unmatched

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


TEACHING_CELL_LINES = 12  # a from-scratch update of about ten lines, plus its assert


def _iterates(tree: ast.AST) -> bool:
    """Whether a loop updates a name from its own value (x += ..., x = f(x)): an algorithm."""
    for loop in (n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))):
        for node in ast.walk(loop):
            if isinstance(node, ast.AugAssign):
                return True
            if isinstance(node, ast.Assign):
                targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
                used = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
                if targets & used:
                    return True
    return False


def _asserts(tree: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Assert)
        or (isinstance(n, ast.Attribute) and n.attr.startswith("assert_"))
        for n in ast.walk(tree)
    )


def teaching_cell_problems(source: str) -> list[str]:
    """Why a cell that defines a function or iterates is not a short teaching cell ([] if it is).

    A teaching cell writes the update being taught by hand (at most one small
    ``def`` or loop), does not plot, and asserts that it equals coursekit's.
    """
    tree = ast.parse(_python_lines(source))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    if not (functions or classes or _iterates(tree)):
        return []
    lines = [ln for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    problems = []
    if classes:
        problems.append("defines a class")
    if len(functions) > 1:
        problems.append(f"defines {len(functions)} functions")
    if len(lines) > TEACHING_CELL_LINES:
        problems.append(f"has {len(lines)} lines of code (at most {TEACHING_CELL_LINES})")
    if re.search(r"\bplt\.|\.plot\(|\bax(es)?\b|\bfig\b", source):
        problems.append("plots")
    if not _asserts(tree):
        problems.append("asserts nothing against coursekit")
    return problems


@pytest.mark.parametrize(
    "source, ok",
    [
        ("theta = 1.0\nfor k in range(3):\n    theta = theta - 0.1 * theta\nassert abs(theta - ref) < 1e-12", True),
        ("for k in range(3):\n    theta = theta - 0.1 * theta", False),  # no check against coursekit
        ("def f(x):\n    return x\ndef g(x):\n    return x\nassert f(1) == g(1)", False),
        ("class A:\n    pass\nassert A", False),
        ("def step(t):\n    return t\nfig = plt.figure()\nassert step(1) == 1", False),
        ("for lr, f in zip(lrs, floors):\n    s = f'{lr} {f}'\n    print(s)", True),  # a print loop
        ("x = 0\n" * 14 + "for k in range(3):\n    x += k\nassert x == ref", False),
    ],
)
def test_the_teaching_cell_rule_tells_a_teaching_cell_from_helper_code(source, ok):
    assert (teaching_cell_problems(source) == []) is ok


@paths
def test_no_helper_code_and_only_seeded_randomness(path):
    for cell in _code_cells(_load(path)):
        source = _source(cell)
        problems = teaching_cell_problems(source)
        assert not problems, (
            f"{path.name}: a cell that defines code or iterates must be a short teaching cell "
            f"checked against coursekit, but it {', '.join(problems)}: {source[:80]!r}"
        )
        assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform|choice)\b", source), (
            f"{path.name} uses numpy's global random state; use default_rng(seed)"
        )


def _normalized(source: str) -> str:
    return "\n".join(ln.strip() for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


def test_no_code_cell_is_copied_from_another_lecture():
    seen: dict[str, str] = {}
    for path in _lecture_paths():
        for cell in _code_cells(_load(path)):
            code = _normalized(_source(cell))
            if code.count("\n") < 2 or "import" in code:  # one-liners and the import cells may repeat
                continue
            assert seen.setdefault(code, path.stem) == path.stem, (
                f"{path.name} repeats a cell of {seen[code]}: {code[:80]!r}; move it into coursekit"
            )


# Summary numbers that lectures 04-07 do not yet print; the list must shrink, never grow.


@paths
def test_every_summary_number_is_printed_by_the_notebook(path):
    nb = _load(path)
    missing = unmatched(_source(nb["cells"][-1]), compared_outputs(nb))
    assert missing == [], (
        f"{path.name}: the summary quotes {missing}, which no output prints at that rounding "
        "(mark a number quoted from the book with '(book)')"
    )


@pytest.mark.parametrize(
    "summary, outputs, missing",
    [
        ("- final cost 0.095, about 10× lower", ["J = 0.0954", "ratio 9.7x"], []),
        ("- final cost 0.096", ["J = 0.0954"], ["0.096"]),
        ("- below $10^{-30}$ and 2% better", ["J = 1.0e-30", "gain 0.02"], []),
        ("- slope $-0.5$ (book), measured −0.493 in eq. (8.14), §8.3.1, C8", ["slope -0.493"], []),
        ("- about 1000× lower", ["ratio 468"], ["1000"]),
        ("- within 1.18–1.50 of $\\sigma^2 d/(2k)$", ["between 1.18 and 1.50"], []),
        ("- $5.5 \\times 10^{-10}$ at $O(1/k^2)$", ["error 5.51e-10"], []),
    ],
)
def test_the_summary_check_can_fail(summary, outputs, missing):
    assert unmatched(summary, outputs) == missing


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
