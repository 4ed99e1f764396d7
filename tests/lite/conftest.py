"""Fixtures of the in-browser (JupyterLite) tests: the built sites, one chromium, one page per notebook.

The tests need the pinned files that ``.ci/fetch-lite`` puts in
``.lite-files/`` (the npm pyodide package and the Pyodide wheels, each
checked against its sha256), playwright and /usr/bin/chromium. Without them
they skip with the reason, and fail instead when ``COURSE_REQUIRE_BROWSER=1``
is set (as ``.ci/run`` does). Nothing is downloaded here. Screenshots go to
``test-artifacts/lite/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.harness import ROOT, explorer_cells, require

from .site import FILES, LitePage, Network, SiteServer, build_lite

ARTIFACTS = ROOT / "test-artifacts" / "lite"
LECTURES = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def files_missing() -> str | None:
    problem = build_lite.missing_files(FILES, pyodide=True)
    if problem is None:
        return None
    return f"the in-browser tests need the pinned files in {FILES} (run: bash .ci/fetch-lite): {problem}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def pins() -> dict:
    return build_lite.load_pins()


@pytest.fixture(scope="session")
def pyodide_files(pins) -> dict:
    """{file name: bytes} of the Pyodide runtime and packages, each verified against its pin or the lock."""
    require(files_missing())
    return build_lite.pyodide_files(FILES, pins)


def _build(tmp_path_factory, offline: bool) -> Path:
    require(files_missing())
    output = tmp_path_factory.mktemp("lite-offline" if offline else "lite-default") / "site"
    return build_lite.build(output, offline=offline, log=lambda text: None)


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    """The standard site (Pyodide from its CDN), built by scripts/build_lite.py into a temporary folder."""
    return _build(tmp_path_factory, offline=False)


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The self-contained site (``--offline``), built into a temporary folder."""
    return _build(tmp_path_factory, offline=True)


@pytest.fixture(scope="session")
def browser(chromium):
    """The test process's chromium (tests/conftest.py), once the pinned files are there."""
    require(files_missing())
    return chromium


@pytest.fixture(scope="session")
def default_server(default_site):
    with SiteServer(default_site) as server:
        yield server


class Notebooks:
    """Pages of the default site, each opened (and run) one ahead of its use.

    While a lecture is being tested, the next one's page loads, its kernel
    starts and its cells run: the in-browser kernel is a web worker, and
    starting Pyodide is most of a lecture's time.
    """

    def __init__(self, browser, server: SiteServer, pins: dict, files: dict, order: list[str]):
        self.browser, self.server, self.order = browser, server, order
        self.cdn, self.files = pins["pyodide"]["cdn"], files
        self.pages: dict[str, LitePage] = {}

    def _page(self, name: str, run: bool) -> LitePage:
        if name not in self.pages:
            page = LitePage(self.browser, self.server, name, Network(cdn=self.cdn, files=self.files))
            page.start(run=run)
            self.pages[name] = page
        return self.pages[name]

    def get(self, name: str, run: bool = True) -> LitePage:
        page = self._page(name, run)
        if name in self.order and self.order.index(name) + 1 < len(self.order):
            self._page(self.order[self.order.index(name) + 1], run=True)
        page.open(timeout=240)
        return page

    def release(self, name: str) -> None:
        page = self.pages.pop(name, None)
        if page is not None:
            page.close()

    def close(self) -> None:
        for name in list(self.pages):
            self.release(name)


@pytest.fixture(scope="session")
def notebooks(browser, default_server, pins, pyodide_files):
    pool = Notebooks(browser, default_server, pins, pyodide_files, [f"notebooks/{name}" for name in LECTURES])
    yield pool
    pool.close()


class RanLecture:
    """A lecture of the default site after 'run all': its page and the explorers its .ipynb creates."""

    def __init__(self, name: str, page: LitePage, seconds: float, site: Path):
        self.name, self.page, self.seconds = name, page, seconds
        self.stem = Path(name).stem
        # Read from the site's copy: its first cell is the install cell, which shifts the indices.
        self.expected = explorer_cells(site / "files" / name)


@pytest.fixture(scope="module", params=LECTURES, ids=lambda name: name[:2])
def lecture(request, notebooks, default_site):
    name = f"notebooks/{request.param}"
    page = notebooks.get(name)
    try:
        seconds = page.run_all(timeout=300)
        yield RanLecture(name, page, seconds, default_site)
    finally:
        notebooks.release(name)
