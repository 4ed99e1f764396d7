"""The functions defined in an exercise notebook, for the tests of the checks.

``solution_namespace("01_sgd_and_learning_rate_decay")`` runs the code cells
of the solutions notebook that define the student's functions (the nbgrader
solution cells, plus the locked setup cells) and returns the namespace;
``stub_namespace`` does the same with the generated student version. The
graded check cells are not run: each test calls the check itself.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _namespace(path: Path) -> dict:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "exercise"}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or meta.get("grade"):
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        exec(compile(source, f"{path.name}:{meta.get('grade_id', '?')}", "exec"), namespace)
    return namespace


def solution_namespace(name: str) -> dict:
    return _namespace(ROOT / "solutions" / f"{name}.ipynb")


def stub_namespace(name: str) -> dict:
    return _namespace(ROOT / "exercises" / f"{name}.ipynb")
