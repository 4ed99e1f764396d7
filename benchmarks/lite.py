"""The course in JupyterLite (Pyodide, WebAssembly) in chromium: load, run all, explorer latency.

The default site is built (``scripts/build_lite.py``) into a temporary
folder and served on 127.0.0.1; Pyodide's CDN is answered from the local,
verified files (``.lite-files/``, see ``.ci/fetch-lite``), so nothing leaves
the machine. Per lecture, in a fresh browser context (a cold kernel): the
seconds from opening the notebook to an idle kernel, the seconds to run all
cells (the install cell included), then, for every explorer, one control
(its first slider) moved ``moves`` times, one key press each, timed in the
page from the ``keydown`` to the ``load`` of the new image. Targets: median
≤ 300 ms and p95 ≤ 600 ms per explorer. Also the size of both sites.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["MEDIAN_MS", "P95_MS", "ExplorerTiming", "LiteLecture", "measure_lite", "site_sizes"]

MEDIAN_MS = 300.0
P95_MS = 600.0


@dataclass
class ExplorerTiming:
    explorer: str
    control: str
    seconds: np.ndarray  # (moves,); NaN for a move whose image did not change within the timeout


@dataclass
class LiteLecture:
    lecture: str
    load_seconds: float   # open the notebook until its kernel is idle (cold: a new browser context)
    run_seconds: float    # run all cells, the install cell included
    explorers: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # what run-all reported (the harness's errors())


def site_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """{mode: (bytes, files)} of the default and the offline site, built into ``folder``."""
    from tests.lite.site import build_lite

    sizes = {}
    for mode in ("default", "offline"):
        output = build_lite.build(Path(folder) / mode, offline=mode == "offline", log=lambda text: None)
        sizes[mode] = build_lite.site_size(output)
    return sizes


def measure_lite(lectures: list[str] | None = None, moves: int = 10, timeout: float = 10.0,
                 folder: Path | None = None) -> tuple[list[LiteLecture], dict]:
    """Rows per lecture (notebook file names in notebooks/; default all) and the site sizes.

    Raises RuntimeError when the browser or the pinned files are missing, or a lecture fails.
    """
    from benchmarks.browser import pick_control, time_moves
    from tests.browser.harness import ROOT, browser_missing, explorer_cells, launch_browser
    from tests.lite.site import FILES, LitePage, Network, SiteServer, build_lite, start_playwright

    for reason in (browser_missing(), build_lite.missing_files(FILES)):
        if reason is not None:
            raise RuntimeError(reason)
    if lectures is None:
        lectures = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    pins = build_lite.load_pins()
    files = build_lite.pyodide_files(FILES, pins)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as tmp:
        sizes = site_sizes(Path(tmp))
        site = Path(tmp) / "default"
        playwright = start_playwright()
        try:
            browser = launch_browser(playwright)
            with SiteServer(site) as server:
                for lecture in lectures:
                    name = f"notebooks/{lecture}"
                    page = LitePage(browser, server, name, Network(cdn=pins["pyodide"]["cdn"], files=files))
                    try:
                        start = time.perf_counter()
                        page.open(timeout=300)
                        row = LiteLecture(lecture, time.perf_counter() - start, page.run_all(timeout=600))
                        row.errors = page.errors()  # reported in the table; the explorers before an error still count
                        if page.network.reached_network():
                            raise RuntimeError(f"{lecture}: requests left 127.0.0.1: {page.network.reached_network()}")
                        for view in page.explorers(explorer_cells(site / "files" / name)):
                            control = pick_control(view)
                            seconds = time_moves(page, view, control, moves, timeout)
                            row.explorers.append(ExplorerTiming(view.name, control.label, seconds))
                        rows.append(row)
                    finally:
                        page.close()
            browser.close()
        finally:
            playwright.stop()
    return rows, sizes
