"""Generate the student notebooks in exercises/ from the sources in solutions/.

    python scripts/generate_exercises.py            # write exercises/NN_*.ipynb
    python scripts/generate_exercises.py --check    # exit 1 if any is out of date
    python scripts/generate_exercises.py solutions/04_momentum.ipynb   # only this one

Needs nbgrader (the ``instructor`` extra). The pipeline is the one of
``nbgrader generate_assignment`` without the database: lock the read-only
cells, replace every ``### BEGIN SOLUTION`` region (and every free-response
answer) by a stub, clear the outputs, drop the ``### BEGIN HIDDEN TESTS``
blocks and record the checksums nbgrader uses to detect edited test cells.
The output is deterministic, so the committed student versions can be
compared with a fresh generation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "solutions"
TARGETS = ROOT / "exercises"

# Strings that must never reach a student version.
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "BEGIN MARK SCHEME", "END MARK SCHEME")


def _pipeline():
    from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                        ClearOutput, ClearSolutions, ComputeChecksums, LockCells)

    # ComputeChecksums runs again after ClearHiddenTests, as in generate_assignment.
    return [LockCells(), ClearSolutions(), ClearOutput(), CheckCellMetadata(), ComputeChecksums(),
            ClearHiddenTests(), ClearMarkScheme(), ComputeChecksums(), CheckCellMetadata()]


def student_version(source: Path) -> str:
    """The student notebook generated from ``source``, as the text to write."""
    notebook = nbformat.read(source, as_version=4)
    resources: dict = {}
    for preprocessor in _pipeline():
        notebook, resources = preprocessor.preprocess(notebook, resources)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    text = nbformat.writes(notebook) + "\n"
    leaked = [m for m in LEAK_MARKERS if m in text]
    if leaked:
        raise RuntimeError(f"{source.name}: {', '.join(leaked)} would leak into the student version")
    return text


def sources() -> list[Path]:
    return sorted(SOURCES.glob("[0-9][0-9]_*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a student version differs from a fresh one")
    parser.add_argument("paths", nargs="*", type=Path, help="sources (default: all of solutions/)")
    args = parser.parse_args(argv)
    stale = []
    for source in [p.resolve() for p in args.paths] or sources():
        target = TARGETS / source.name
        text = student_version(source)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(target)
            print(f"out of date: {target.relative_to(ROOT)}")
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    orphans = [] if args.paths else sorted(
        {p.name for p in TARGETS.glob("[0-9][0-9]_*.ipynb")} - {p.name for p in sources()})
    for name in orphans:
        print(f"no source in solutions/ for exercises/{name}")
    return 1 if stale or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
