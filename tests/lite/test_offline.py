"""The self-contained site (``build_lite.py --offline``), tested as built: no request leaves 127.0.0.1.

Nothing is routed here: the kernel must load Pyodide, numpy and matplotlib
from the site itself, and any request to another host is aborted and fails
the test.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.browser import pick_control
from tests.browser.harness import explorer_cells

from .site import LitePage, Network, SiteServer, build_lite

NAME = "notebooks/04_momentum.ipynb"


@pytest.fixture(scope="module")
def offline_page(browser, offline_site):
    with SiteServer(offline_site) as server:
        network = Network(cdn=None)  # nothing answered: every outside request is aborted and recorded
        page = LitePage(browser, server, NAME, network)
        try:
            page.open(timeout=240)
            page.run_all(timeout=300)
            yield page
        finally:
            page.close()


def test_the_offline_site_points_the_kernel_at_its_own_pyodide(offline_site, pins):
    config = json.loads((offline_site / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"][build_lite.KERNEL_PLUGIN]
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.js" and settings["disablePyPIFallback"] is True
    lock = json.loads((offline_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["version"] == pins["pyodide"]["version"]
    # Every bundled package file is the one the official lock names, byte for byte.
    closure = build_lite.pyodide_closure(lock, pins["pyodide"]["packages"])
    for entry in closure.values():
        data = (offline_site / "static" / "pyodide" / entry["file_name"]).read_bytes()
        assert build_lite._sha256(data) == entry["sha256"], entry["file_name"]


def test_a_lecture_runs_with_no_outside_request(offline_page, artifacts):
    page = offline_page
    page.page.screenshot(path=artifacts / "offline_04_page.png")
    assert page.errors() == []
    assert page.network.requested == [], f"requests to other hosts: {page.network.requested}"


def test_its_explorers_answer_offline(offline_page, offline_site, artifacts):
    page = offline_page
    expected = explorer_cells(offline_site / "files" / NAME)
    views = page.explorers(expected)
    assert len(views) == sum(len(v) for v in expected.values()) > 0
    view = views[0]
    view.image.scroll_into_view_if_needed()
    before = view.image.screenshot(path=artifacts / "offline_04_explorer_before.png")
    move = page.move(view, pick_control(view), times=3, timeout=10.0)
    after = view.image.screenshot(path=artifacts / "offline_04_explorer_after.png")
    assert move.changed and after != before
    assert page.network.requested == []
