"""Tests for coursekit.figures.tuning: titles, labels, legends and the plotted data."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import tuning
from coursekit.figures import tuning as figures


@pytest.fixture(scope="module")
def curves():
    return tuning.learning_rate_curves((0.01, 0.3, 30.0), steps=20, record_every=5)


@pytest.fixture(scope="module")
def sweep():
    return tuning.sweep_initial_rate([0.01, 0.1, 1.0, 10.0], seeds=2, steps=40, early_step=20,
                                     record_every=10, target=1.0)


def test_curves_figure(curves, strict_and_leak_free):
    import matplotlib.pyplot as plt

    fig, ax = figures.curves_figure(curves)
    assert "too large" in ax.get_title().lower()
    assert ax.get_xlabel() == "iteration k" and "J" in ax.get_ylabel()
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["ε = 0.01 (too small)", "ε = 0.3 (good)", "ε = 30 (too large)"]
    for j, line in enumerate(ax.get_lines()[:3]):
        np.testing.assert_array_equal(line.get_ydata(), curves.loss[:, j])
    np.testing.assert_allclose(ax.get_lines()[3].get_ydata(), [np.log(10.0)] * 2)
    plt.close(fig)


def test_sweep_figure(sweep, strict_and_leak_free):
    import matplotlib.pyplot as plt

    fig, axes = figures.sweep_figure(sweep)
    left, right = axes
    assert "best final ε₀" in fig._suptitle.get_text()
    assert left.get_xscale() == "log" and right.get_xscale() == "log"
    assert left.get_xlabel() == "initial learning rate ε₀"
    lines = left.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), sweep.early_loss.mean(axis=0))
    np.testing.assert_allclose(lines[1].get_ydata(), sweep.final_loss.mean(axis=0))
    assert lines[2].get_xdata()[0] == sweep.best_early_lr
    assert lines[3].get_xdata()[0] == sweep.best_final_lr
    assert left.get_legend() is not None and right.get_legend() is not None
    reached = np.isfinite(sweep.median_steps_to_target)
    np.testing.assert_array_equal(right.get_lines()[0].get_xdata(), sweep.lrs[reached])
    plt.close(fig)


def test_bad_input():
    with pytest.raises(TypeError, match="result must be a CurvesResult"):
        figures.curves_figure(object())
    with pytest.raises(TypeError, match="result must be a SweepResult"):
        figures.sweep_figure(None)
