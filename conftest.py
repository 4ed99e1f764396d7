"""Repository-wide pytest configuration.

1. nbval compares text/html, application/javascript and stderr outputs by
   default. ipympl figures store a base64 PNG inside text/html, widgets emit
   javascript, and stderr carries machine-specific warnings, so none of them
   can stay identical across machines; they are left out of the comparison
   for every notebook. text/plain (the printed numbers) is still compared.
2. Unit tests draw with matplotlib's non-interactive Agg backend, and BLAS
   runs on one thread.
3. Hypothesis draws its examples from a fixed seed (``derandomize``), so
   every test, property tests included, is reproducible run to run.
"""

from __future__ import annotations

import os

# One BLAS thread, in this process and in the kernels nbval starts (they
# inherit os.environ). The course's matrices are small: threads buy nothing,
# and on a busy 2-core machine they make every product several times slower.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

NBVAL_SKIP_COMPARE = ("text/html", "application/javascript", "stderr")

# Select Agg in this process only. Setting the MPLBACKEND environment variable
# instead would leak into the kernels nbval starts (they inherit os.environ),
# and ipykernel only selects the inline backend when MPLBACKEND is unset: the
# notebooks would then lose their figures and fail the comparison.
if not os.environ.get("MPLBACKEND"):
    import matplotlib

    matplotlib.use("Agg")


try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # only the test extra installs hypothesis
    pass
else:
    _hypothesis_settings.register_profile("course", derandomize=True, print_blob=True)
    _hypothesis_settings.load_profile("course")


def pytest_collectstart(collector):
    """Extend nbval's ``skip_compare`` before the notebook's cells are collected.

    nbval 0.11 builds ``IPyNbFile.skip_compare`` (a tuple of output keys and
    MIME types) in ``__init__`` and each cell reads it from its parent at
    comparison time, so extending it here, before ``collect()``, applies to
    every cell of the notebook.
    """
    path = getattr(collector, "path", None)
    if path is None or path.suffix != ".ipynb":
        return
    if not hasattr(collector, "skip_compare"):
        return
    extra = tuple(key for key in NBVAL_SKIP_COMPARE if key not in collector.skip_compare)
    collector.skip_compare = tuple(collector.skip_compare) + extra



# The slowest files first (longest-processing-time order): xdist's loadfile
# hands the files out in collection order (with --no-loadscope-reorder), and a
# long file started late would end the run late. The rest keep their order.
SLOWEST_FILES = (
    "tests/lite/test_lectures.py",      # every lecture in the Pyodide kernel
    "tests/browser/test_lectures.py",   # every lecture in JupyterLab
    "tests/hub/test_class.py",          # a class on JupyterHub
    "tests/test_nbgrader_cycle.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: index for index, name in enumerate(SLOWEST_FILES)}

    def order(item):
        try:
            return rank.get(item.path.relative_to(config.rootpath).as_posix(), len(rank))
        except ValueError:
            return len(rank)

    items.sort(key=order)   # stable
