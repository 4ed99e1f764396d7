"""Grade exercise notebooks: ``python -m coursekit.grade PATH.ipynb [...]``.

Each notebook runs from top to bottom in a fresh kernel (nbclient), in
memory: the file is read once and never written. Every cell has a time
limit; a cell that runs longer is interrupted and grading goes on with the
next one. The graded cells are the nbgrader ones (``grade: true`` in the
cell metadata):

- a check cell (``solution: false``) earns its points when it runs without
  an error, and none otherwise; the reason shown is the error's message
  (the check's "expected / returned / hint", a NotImplementedError for an
  untouched stub, a time-out, ...);
- a free-response answer (``solution: true``) is graded by hand: it is
  listed with its points and whether it has been answered.

``--source solutions/`` (a folder or a notebook) puts back the check cells
of the instructor's version by ``grade_id`` before running, which restores
a check cell a student edited and runs the hidden tests too.

Output: a table per notebook and a total, or ``--json`` for the same
numbers as JSON. The exit status is 0 when every notebook could be graded,
and 2 when a file could not be read.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["CellResult", "NotebookResult", "grade_notebook", "main"]

STUB_ANSWER = "YOUR ANSWER HERE"
REASON_LIMIT = 600  # characters of an error message kept in a reason


@dataclass
class CellResult:
    """The outcome of one graded cell."""

    grade_id: str
    kind: str  # "auto" (check cell) or "manual" (graded by hand)
    max_points: float
    points: float | None  # None for "manual"
    status: str  # passed, failed, timeout, not run, answered, not answered
    reason: str = ""


@dataclass
class NotebookResult:
    path: str
    cells: list[CellResult] = field(default_factory=list)
    error: str = ""  # set when the notebook could not be graded at all
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(c.points or 0.0 for c in self.cells if c.kind == "auto")

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells if c.kind == "auto")

    @property
    def manual_max(self) -> float:
        return sum(c.max_points for c in self.cells if c.kind == "manual")

    def as_dict(self) -> dict:
        return {"path": self.path, "score": self.score, "max_score": self.max_score,
                "manual_max_score": self.manual_max, "error": self.error,
                "seconds": round(self.seconds, 2), "cells": [asdict(c) for c in self.cells]}


# nbclient logs time-outs as errors; the result table reports them instead.
_QUIET = logging.getLogger("coursekit.grade.nbclient")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _clip(text: str, limit: int = REASON_LIMIT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + f" [... {len(text) - limit} more characters]"


def _error_of(cell) -> str:
    """The error a cell showed, as 'Name: message', or '' if none."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, message = output.get("ename", "Error"), output.get("evalue", "")
            if name == "NotImplementedError" and not message.strip():
                message = "not written yet (the exercise still raises NotImplementedError)"
            return _clip(f"{name}: {message}")
    return ""


def _restore_checks(notebook, source_path: Path) -> list[str]:
    """Replace check cells by the source's, matched by grade_id; return the ids restored."""
    import nbformat

    source = nbformat.read(source_path, as_version=4)
    checks = {_meta(c).get("grade_id"): c for c in source.cells
              if _meta(c).get("grade") and not _meta(c).get("solution")}
    restored = []
    for cell in notebook.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in checks and _meta(cell).get("grade") and not _meta(cell).get("solution"):
            if cell.source != checks[grade_id].source:
                restored.append(grade_id)
            cell.source = checks[grade_id].source
    return restored


def _source_for(path: Path, source: Path | None) -> Path | None:
    if source is None:
        return None
    candidate = source / path.name if source.is_dir() else source
    return candidate if candidate.exists() else None


def grade_notebook(path, *, timeout: float = 30.0, source=None) -> NotebookResult:
    """Execute the notebook at ``path`` in memory and grade its graded cells."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    result = NotebookResult(str(path))
    start = time.perf_counter()
    try:
        raw = path.read_bytes()
        notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:  # missing file, not JSON, not a notebook
        result.error = _clip(f"cannot read {path}: {type(exc).__name__}: {exc}", 300)
        return result
    source_path = _source_for(path, Path(source) if source else None)
    restored = _restore_checks(notebook, source_path) if source_path else []

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the lectures run; the kernel inherits it
    client = NotebookClient(
        notebook, log=_QUIET, timeout=timeout, kernel_name="python3", allow_errors=True,
        interrupt_on_timeout=True, record_timing=False,
        error_on_timeout={"ename": "TimeoutError", "evalue": "", "traceback": []},
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    earlier_error = ""  # the last error of an ungraded cell since the previous graded one
    dead_at = None
    # The kernel's own start-up chatter on stderr is not the student's business.
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        for index, cell in enumerate(notebook.cells):
            meta = _meta(cell)
            graded = bool(meta.get("grade"))
            manual = graded and bool(meta.get("solution"))
            if manual:
                answered = cell.cell_type != "markdown" or STUB_ANSWER not in cell.source
                result.cells.append(CellResult(
                    meta.get("grade_id", f"cell {index}"), "manual", float(meta.get("points", 0)),
                    None, "answered" if answered else "not answered"))
            if cell.cell_type != "code":
                continue
            if dead_at is not None:
                if graded and not manual:
                    result.cells.append(CellResult(
                        meta.get("grade_id", f"cell {index}"), "auto", float(meta.get("points", 0)),
                        0.0, "not run", f"the kernel died in cell {dead_at} (a crash, or exit())"))
                continue
            timed_out = False
            try:
                cell_start = time.perf_counter()
                client.execute_cell(cell, index)
                timed_out = time.perf_counter() - cell_start >= timeout
            except DeadKernelError:
                dead_at = index
                cell.outputs = [{"output_type": "error", "ename": "DeadKernelError",
                                 "evalue": "the kernel died while running this cell", "traceback": []}]
            error = _error_of(cell)
            if graded and not manual:
                points = float(meta.get("points", 0))
                grade_id = meta.get("grade_id", f"cell {index}")
                if not error:
                    result.cells.append(CellResult(grade_id, "auto", points, points, "passed"))
                else:
                    reason = error + (f" (an earlier cell failed: {earlier_error})"
                                      if earlier_error and earlier_error != error else "")
                    if grade_id in restored:
                        reason += " (this check cell had been edited; the original was run)"
                    status = "timeout" if timed_out or error.startswith("TimeoutError") else "failed"
                    if status == "timeout":  # the interrupted kernel reports a bare KeyboardInterrupt
                        reason = (f"the cell ran for more than {timeout:g} s and was stopped "
                                  "(an endless loop, or a very slow computation?)")
                    result.cells.append(CellResult(grade_id, "auto", points, 0.0, status, _clip(reason)))
                earlier_error = ""
            elif error:
                earlier_error = _clip(error, 200)
    result.seconds = time.perf_counter() - start
    if path.read_bytes() != raw:  # the student's code wrote to its own notebook
        result.error = "the notebook file changed while it was graded (by code in the notebook)"
    return result


def _fmt_points(value: float) -> str:
    return f"{value:g}"


def format_table(results: list[NotebookResult]) -> str:
    lines = []
    for res in results:
        lines.append(res.path)
        if res.error and not res.cells:
            lines += [f"  not graded: {res.error}", ""]
            continue
        width = max([len(c.grade_id) for c in res.cells] + [len("exercise")])
        lines.append(f"  {'exercise':<{width}}  {'points':>7}  result")
        for c in res.cells:
            got = "-" if c.points is None else _fmt_points(c.points)
            score = f"{got} / {_fmt_points(c.max_points)}"
            text = (f"{c.status}, graded by hand" if c.kind == "manual"
                    else c.status if not c.reason else f"{c.status}: {c.reason}")
            reason_lines = text.splitlines() or [""]
            lines.append(f"  {c.grade_id:<{width}}  {score:>7}  {reason_lines[0]}")
            lines += [f"  {'':<{width}}  {'':>7}    {r}" for r in reason_lines[1:]]
        lines.append(f"  {'autograded total':<{width}}  "
                     f"{_fmt_points(res.score) + ' / ' + _fmt_points(res.max_score):>7}"
                     + (f"  (+ {_fmt_points(res.manual_max)} points graded by hand)" if res.manual_max else ""))
        if res.error:
            lines.append(f"  warning: {res.error}")
        lines.append("")
    if len(results) > 1:
        score = sum(r.score for r in results)
        top = sum(r.max_score for r in results)
        lines.append(f"total (autograded): {_fmt_points(score)} / {_fmt_points(top)}")
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursekit.grade",
        description="Run exercise notebooks in a fresh kernel (without changing them) and "
                    "print the points of every graded cell.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH.ipynb")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds allowed per cell (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--source", type=Path, default=None,
                        help="instructor version (a notebook, or a folder such as solutions/) whose "
                             "check cells, hidden tests included, replace the student's")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout:g}")
    results = [grade_notebook(p, timeout=args.timeout, source=args.source) for p in args.paths]
    if args.json:
        payload = {"notebooks": [r.as_dict() for r in results],
                   "score": sum(r.score for r in results),
                   "max_score": sum(r.max_score for r in results)}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_table(results))
    return 2 if any(r.error and not r.cells for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
