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

``--source`` puts back the instructor's check cells before running, which
restores a check cell a student edited and runs the hidden tests too. How
a submission is matched with its source:

- ``--source solutions/`` (a folder): the source of ``submitted/X.ipynb``
  is ``solutions/X.ipynb``, by file name, as nbgrader matches a submitted
  notebook with ``source/<assignment>/X.ipynb``. ``--source FILE.ipynb``
  is the source of every notebook graded.
- The submission must then hold at least one of the source's graded cells,
  recognised by their nbgrader ``grade_id``; otherwise it is not a version
  of that notebook.
- Every graded cell is taken from the source, by ``grade_id``: the check
  cell's code (hidden tests included) and its points, whatever the student
  changed in the cell or its metadata. A graded cell of the source that the
  submission lacks (deleted, or its ``grade_id`` changed) scores 0 as
  "missing"; a second copy of a graded cell is run but not graded.

A submission with no source (no file of that name, or no graded cell in
common) is not graded at all: grading it without its hidden tests would
report marks the instructor cannot trust. A restored check cell is reported
as edited only when it differs from the *released* cell, which is the
source's cell with its hidden tests removed (as ``nbgrader
generate_assignment`` and ``scripts/generate_exercises.py`` remove them).

Output: a table per notebook and a total, or ``--json`` for the same
numbers as JSON. The exit status is 0 when every notebook could be graded,
and 2 when a file could not be read or, with ``--source``, had no source.
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

__all__ = ["CellResult", "NoSource", "NotebookResult", "grade_notebook", "main", "released_source"]

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
    no_source: bool = False  # --source was given but no source matches this notebook

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
                "manual_max_score": self.manual_max, "error": self.error, "graded": not (self.error and not self.cells),
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


HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


def released_source(source: str) -> str:
    """A cell's code as students receive it: the hidden-test regions removed, line by
    line, as nbgrader's ClearHiddenTests removes them."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            hidden = True
        elif HIDDEN_END in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def _same_code(a: str, b: str) -> bool:
    """Equal up to trailing blanks, which editors add or remove on their own."""
    return [line.rstrip() for line in a.strip().splitlines()] == \
        [line.rstrip() for line in b.strip().splitlines()]


class NoSource(Exception):
    """A submission has no matching source notebook."""


def _restore_checks(notebook, source_path: Path) -> tuple[list[str], list]:
    """Put the source's graded cells into ``notebook`` by grade_id.

    Returns the ids of the check cells the student had edited (compared
    with the released cell, without hidden tests), and the source's graded
    cells missing from the submission. Raises NoSource when the two have
    no graded cell in common.
    """
    import nbformat

    source = nbformat.read(source_path, as_version=4)
    graded = {_meta(c).get("grade_id"): c for c in source.cells if _meta(c).get("grade")}
    present = {_meta(c).get("grade_id") for c in notebook.cells} & set(graded)
    if graded and not present:
        raise NoSource(f"none of the graded cells of {source_path} (grade_id "
                       f"{', '.join(sorted(map(str, graded)))}) is in the submission")
    edited, seen = [], set()
    for cell in notebook.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id not in graded:
            continue
        if grade_id in seen:  # a copy of a graded cell runs as an ordinary cell
            cell.setdefault("metadata", {}).setdefault("nbgrader", {})["grade"] = False
            continue
        seen.add(grade_id)
        original = graded[grade_id]
        if _meta(original).get("solution"):  # a free-response answer: keep the student's text
            cell.metadata["nbgrader"] = dict(_meta(original))
            continue
        if cell.cell_type != "code" or not _same_code(cell.source, released_source(original.source)):
            edited.append(grade_id)
        cell.cell_type, cell.source = "code", original.source
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
        cell.metadata["nbgrader"] = dict(_meta(original))  # its points, not the student's
    missing = [c for c in source.cells if _meta(c).get("grade") and _meta(c).get("grade_id") not in seen]
    return edited, missing


def _source_for(path: Path, source: Path) -> Path:
    """The source notebook of the submission ``path`` (the matching rule is in the module doc)."""
    if source.is_dir():
        candidate = source / path.name
        if not candidate.is_file():
            raise NoSource(f"no source notebook {candidate} for {path} (matched by file name)")
        return candidate
    if not source.is_file():
        raise NoSource(f"the source {source} does not exist")
    return source


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
    restored, missing = [], []
    if source is not None:
        try:
            restored, missing = _restore_checks(notebook, _source_for(path, Path(source)))
        except NoSource as exc:
            result.error = _clip(f"not graded: {exc}", 400)
            result.no_source = True
            return result
        except Exception as exc:  # an unreadable source notebook
            result.error = _clip(f"cannot read the source of {path}: {type(exc).__name__}: {exc}", 400)
            result.no_source = True
            return result

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
                    if error.startswith("AssertionError") and HIDDEN_BEGIN in cell.source:
                        # A plain assert, not the check's CheckFailed: a hidden test, whose
                        # answer is re-derived without coursekit.checks, disagreed.
                        reason += (" (a hidden test failed: the function's answer differs from the "
                                   "one the instructor's test computes)")
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
    for cell in missing:
        meta = _meta(cell)
        manual = bool(meta.get("solution"))
        result.cells.append(CellResult(
            meta.get("grade_id", "?"), "manual" if manual else "auto", float(meta.get("points", 0)),
            None if manual else 0.0, "missing",
            "this graded cell is not in the submission (deleted, or its grade_id changed)"))
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
            text = res.error if res.error.startswith("not graded") else f"not graded: {res.error}"
            lines += [f"  {text}", ""]
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
                        help="instructor version (a notebook, or a folder such as solutions/ whose "
                             "X.ipynb is the source of a submitted X.ipynb) whose check cells, hidden "
                             "tests included, replace the student's; a notebook without a source is "
                             "not graded (exit status 2)")
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
    for r in results:
        if r.no_source:  # also on stderr, so that a script that keeps only stdout still sees it
            sys.stderr.write(f"error: {r.path}: {r.error}\n")
    return 2 if any(r.error and not r.cells for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
