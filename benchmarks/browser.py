"""From a key press on a slider to the new figure on screen, in JupyterLab in chromium.

For each lecture with an explorer (00 shows 01's and is left out), the
lecture runs in a real JupyterLab (the harness of ``tests/browser``: a
temporary copy of the notebooks, the system chromium through playwright),
then the first slider of its first explorer is moved ``moves`` times, one
arrow key each, and each move is timed in the page from the ``keydown`` to
the ``load`` of the new image: the round trip to the kernel, the update, the
PNG, and the browser decoding it. Target: median ≤ 1 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MEDIAN_SECONDS", "BrowserRow", "measure_browser", "pick_control", "time_moves"]

MEDIAN_SECONDS = 1.0


@dataclass
class BrowserRow:
    lecture: str
    explorer: str
    control: str
    seconds: np.ndarray  # (moves,); NaN for a move whose image did not change within the timeout


def pick_control(view):
    """The first slider of an explorer as found in the page (else its first control)."""
    return next((c for c in view.controls if c.kind == "slider"), view.controls[0])


def time_moves(page, view, control, moves: int, timeout: float = 5.0) -> np.ndarray:
    """Seconds from key press to new image for ``moves`` single steps of ``control``.

    ``page`` is a :class:`tests.browser.harness.LecturePage` after run-all,
    ``view`` one of its explorers. NaN for a move that showed no new image
    within ``timeout``.
    """
    view.image.scroll_into_view_if_needed()
    seconds = []
    for _ in range(moves):
        move = page.move(view, control, times=1, timeout=timeout, settle=0.2)
        seconds.append(move.seconds if move.changed else np.nan)
    return np.array(seconds)


def measure_browser(lectures: list[str], moves: int = 10, timeout: float = 5.0) -> list[BrowserRow]:
    """One row per lecture in ``lectures`` (notebook file names); raises if no browser can run."""
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import (
        ROOT,
        LabServer,
        LecturePool,
        browser_missing,
        explorer_cells,
        launch_browser,
    )

    reason = browser_missing()
    if reason is not None:
        raise RuntimeError(reason)
    rows = []
    notebooks = ROOT / "notebooks"
    with LabServer(notebooks) as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            # Nothing ahead: another page loading or running would share the machine with the timings.
            pool = LecturePool(context, server, lectures, ahead=False)
            try:
                for name in lectures:
                    page = pool.get(name)
                    page.run_all()
                    errors = page.errors()
                    if errors:
                        raise RuntimeError(f"{name} failed in the browser: {errors}")
                    views = page.explorers(explorer_cells(notebooks / name))
                    if not views:
                        raise RuntimeError(f"{name} shows no explorer")
                    view = views[0]
                    control = pick_control(view)
                    seconds = time_moves(page, view, control, moves, timeout)
                    rows.append(BrowserRow(name, view.name, control.label, seconds))
                    pool.release(name)
            finally:
                pool.close()
                context.close()
        finally:
            browser.close()
    return rows
