"""How long each lecture notebook takes to execute, top to bottom, in a fresh kernel.

The same execution as ``scripts/execute_notebooks.py`` (nbclient, the
``python3`` kernel, the notebook's folder as working directory, one BLAS
thread), but nothing is written back: the notebook is read, executed in
memory and dropped. Targets: ≤ 20 s per lecture, ≤ 120 s for all.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

__all__ = ["PER_NOTEBOOK_SECONDS", "ROOT", "TOTAL_SECONDS", "lectures", "time_notebook"]

ROOT = Path(__file__).resolve().parent.parent
PER_NOTEBOOK_SECONDS = 20.0
TOTAL_SECONDS = 120.0


def lectures() -> list[Path]:
    """The lecture notebooks, in order."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def time_notebook(path: Path, timeout: int = 300) -> float:
    """Seconds to execute the notebook at ``path`` in a fresh kernel; the file is not changed.

    Raises nbclient's CellExecutionError if a cell fails: a broken notebook
    has no meaningful time.
    """
    import nbformat
    from nbclient import NotebookClient

    # The kernel inherits this environment: one BLAS thread, as under pytest,
    # and no MPLBACKEND, so that the kernel picks the inline backend.
    env_backup = {name: os.environ.get(name) for name in
                  ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "MPLBACKEND")}
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    os.environ.pop("MPLBACKEND", None)
    try:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(Path(path).parent)}},
            record_timing=False,
        )
        start = time.perf_counter()
        # The kernel's own log (a warning about TCP transport at start-up) would
        # break up the table; errors in cells still arrive as CellExecutionError.
        client.execute(stderr=subprocess.DEVNULL)
        return time.perf_counter() - start
    finally:
        for name, value in env_backup.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
