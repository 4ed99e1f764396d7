"""Execute notebooks in place, the way they are stored in the repository.

    python scripts/execute_notebooks.py                      # every lecture
    python scripts/execute_notebooks.py notebooks/04_momentum.ipynb

Each notebook runs top to bottom in a fresh ``python3`` kernel with its own
folder as the working directory. The outputs (and the widget state, so that
explorers still show their last image in a static viewer) are written back,
without per-cell timestamps, so that re-running an unchanged notebook changes
nothing but the images. The time each notebook took is printed; the course's
budget is 20 s per notebook.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# The kernels inherit this: one BLAS thread, as under pytest (see conftest.py).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 20.0


def execute(path: Path, timeout: int = 120) -> float:
    """Execute the notebook at ``path`` in place and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    slow = []
    for path in paths:
        elapsed = execute(path.resolve())
        flag = "" if elapsed <= BUDGET_SECONDS else f"  (over the {BUDGET_SECONDS:.0f} s budget)"
        print(f"{elapsed:6.1f} s  {path}{flag}")
        if elapsed > BUDGET_SECONDS:
            slow.append(path)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
