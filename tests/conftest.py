"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
import warnings

import matplotlib.pyplot as plt
import pytest


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
