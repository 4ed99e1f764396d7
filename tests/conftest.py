"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
import warnings

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(scope="session")
def chromium():
    """The system chromium, headless, driven by playwright: one per test process.

    tests/browser/, tests/hub/ and tests/lite/ share it, each opening browser
    contexts of its own: playwright's sync API refuses to start a second
    driver while one runs in the process, and xdist may give one worker files
    of several suites. Skips (or fails, with COURSE_REQUIRE_BROWSER=1) when
    playwright or chromium is missing. The driver also routes the requests of
    service workers, which JupyterLite's kernel needs (tests/lite/site.py).
    """
    from tests.browser.harness import launch_browser, require_browser

    require_browser()
    from tests.lite.site import start_playwright

    driver = start_playwright()
    try:
        browser = launch_browser(driver)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        driver.stop()


@pytest.fixture
def strict_and_leak_free():
    """Any warning fails the test; no figure (and no widget) outlives it."""
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    open_figures = plt.get_fignums()
    plt.close("all")
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].Widget.close_all()
    assert open_figures == [], f"figures left open: {open_figures}"
