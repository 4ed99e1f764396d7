"""Fixtures of the browser tests: one JupyterLab server, one chromium, one page per lecture.

The tests skip when playwright or /usr/bin/chromium is missing, and fail
instead when the environment variable ``COURSE_REQUIRE_BROWSER=1`` is set
(``.ci/run`` sets it, so CI cannot pass by skipping). Screenshots go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import (
    ROOT,
    LabServer,
    LecturePage,
    LecturePool,
    explorer_cells,
    require_browser,
)

NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LECTURES = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
#: A small notebook that tests/browser/test_harness.py writes into the server's copy.
PROBE = "probe.ipynb"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab_server():
    require_browser()
    with LabServer(NOTEBOOKS) as server:
        yield server
        # Every lecture page shuts its own kernel down; anything left is a leak.
        leftover = server.api("api/kernels")
    assert not leftover, f"kernels still running after the browser tests: {leftover}"


@pytest.fixture(scope="session")
def browser_context(lab_server, chromium):
    # One context: the pages share the cache, so JupyterLab's scripts load once.
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="session")
def lectures(browser_context, lab_server):
    pool = LecturePool(browser_context, lab_server, [PROBE] + LECTURES)
    yield pool
    pool.close()


class RanLecture:
    """A lecture after 'run all': its page and the explorers its .ipynb creates."""

    def __init__(self, name: str, page: LecturePage):
        self.name, self.page = name, page
        self.stem = Path(name).stem
        self.expected = explorer_cells(NOTEBOOKS / name)


@pytest.fixture(scope="module", params=LECTURES, ids=lambda name: name[:2])
def lecture(request, lectures):
    """The lecture's page after run-all (which may have started while the previous lecture was tested)."""
    name = request.param
    page = lectures.get(name)
    try:
        page.run_all()
        yield RanLecture(name, page)
    finally:
        lectures.release(name)
