"""The browser checks can fail: on a small probe notebook with a warning, an
explorer that never redraws, one that does, and an exception, each check
says what it should; and a missing browser skips, or fails when required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import harness
from .conftest import PROBE, require_browser

PROBE_CELLS = [
    "%matplotlib inline\nimport sys\nprint('a harmless warning', file=sys.stderr)",
    # An explorer whose figure never changes: a move must be reported as no change.
    ("import ipywidgets\nimport matplotlib.pyplot as plt\nfrom coursekit.widgets import Explorer\n"
     "with plt.ioff():\n    fig, ax = plt.subplots(figsize=(5, 3))\nax.plot([0, 1], [0, 1])\n"
     "frozen = Explorer({'x': ipywidgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description='x')},\n"
     "                  fig, lambda values: None)\nfrozen"),
    # One that follows its slider.
    ("with plt.ioff():\n    fig2, ax2 = plt.subplots(figsize=(5, 3))\n(line,) = ax2.plot([0, 1], [0, 0.5])\n"
     "ax2.set_ylim(-1, 1)\n"
     "slope = Explorer({'slope': ipywidgets.FloatSlider(value=0.5, min=-1.0, max=1.0, step=0.1,\n"
     "                                                  description='slope')},\n"
     "                 fig2, lambda values: line.set_ydata([0, values['slope']]))\nslope"),
    "1 / 0",
    "print('never runs')",
]


def _notebook(sources: list[str]) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"probe{i}", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": source} for i, source in enumerate(sources)],
    }


@pytest.fixture(scope="module")
def probe(lab_server, lectures):
    (lab_server.root / PROBE).write_text(json.dumps(_notebook(PROBE_CELLS)), encoding="utf-8")
    page = lectures.get(PROBE)
    try:
        page.run_all(timeout=60)
        yield page
    finally:
        lectures.release(PROBE)


def test_errors_are_exceptions_and_cells_left_unrun_not_warnings(probe):
    errors = probe.errors()
    assert any(e.startswith("code cell 3: ZeroDivisionError") for e in errors), errors
    assert "code cell 4 did not run" in errors
    assert len(errors) == 2, errors
    assert any("a harmless warning" in w for w in probe.warnings())


def test_a_move_is_seen_only_when_the_figure_changes(probe):
    frozen, moving = probe.explorers()
    assert [c.label for c in frozen.controls] == ["x"] and [c.label for c in moving.controls] == ["slope"]
    moved = probe.move(moving, moving.controls[0], timeout=2.0)
    assert moved.changed and 0 < moved.seconds < 2.0 and moved.after_src != moved.before_src
    stuck = probe.move(frozen, frozen.controls[0], timeout=1.0)
    assert not stuck.changed and stuck.seconds is None and stuck.after_src == stuck.before_src
    # The slider itself did move: only the figure stayed the same.
    assert frozen.controls[0].locator.locator(".widget-readout").inner_text().strip() == "0.60"


def test_a_missing_browser_skips_unless_required(monkeypatch):
    monkeypatch.setattr(harness, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv(harness.REQUIRE_ENV, raising=False)
    message = "browser tests need chromium at /nonexistent/chromium"
    with pytest.raises(pytest.skip.Exception, match=message):
        require_browser()
    monkeypatch.setenv(harness.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{message}.*COURSE_REQUIRE_BROWSER=1 is set"):
        require_browser()
    monkeypatch.setenv(harness.REQUIRE_ENV, "0")  # only 1 turns a skip into a failure
    with pytest.raises(pytest.skip.Exception):
        require_browser()
