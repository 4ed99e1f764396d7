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

    drawn = figures.curves_figure(curves)
    fig, ax = drawn
    assert "too large" in ax.get_title().lower()
    assert ax.get_xlabel() == "iteration k" and "J" in ax.get_ylabel()
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["ε = 0.01 (too small)", "ε = 0.3 (good)", "ε = 30 (too large)"]
    assert len(drawn.lines["curves"]) == 3
    for j, line in enumerate(drawn.lines["curves"]):
        np.testing.assert_array_equal(line.get_ydata(), curves.loss[:, j])
    np.testing.assert_allclose(drawn.lines["start"].get_ydata(), [np.log(10.0)] * 2)
    plt.close(fig)


def test_sweep_figure(sweep, strict_and_leak_free):
    import matplotlib.pyplot as plt

    drawn = figures.sweep_figure(sweep)
    fig, (left, right) = drawn
    assert "best final ε₀" in fig._suptitle.get_text()
    assert left.get_xscale() == "log" and right.get_xscale() == "log"
    assert left.get_xlabel() == "initial learning rate ε₀"
    lines = drawn.lines
    np.testing.assert_allclose(lines["early"].get_ydata(), sweep.early_loss.mean(axis=0))
    np.testing.assert_allclose(lines["final"].get_ydata(), sweep.final_loss.mean(axis=0))
    assert lines["best early"].get_xdata()[0] == sweep.best_early_lr
    assert lines["best final"].get_xdata()[0] == sweep.best_final_lr
    assert {lines[name].axes for name in ("early", "final", "best early", "best final")} == {left}
    assert left.get_legend() is not None and right.get_legend() is not None
    reached = np.isfinite(sweep.median_steps_to_target)
    np.testing.assert_array_equal(lines["steps to target"].get_xdata(), sweep.lrs[reached])
    assert lines["steps to target"].axes is right
    assert ("fastest" in lines) == bool(reached.any())
    if reached.any():
        assert lines["fastest"].get_xdata()[0] == sweep.fastest_lr
    assert lines["min"].get_ydata()[0] == sweep.min_loss > 0
    assert sweep.at_grid_edge == ("largest of the grid" in fig._suptitle.get_text())
    plt.close(fig)


def test_sweep_figure_at_the_grid_edge_quotes_no_ratio(strict_and_leak_free):
    import matplotlib.pyplot as plt

    free = tuning.sweep_initial_rate([0.01, 0.1, 1.0], seeds=2, steps=40, early_step=20,
                                     record_every=10, l2=0.0)
    assert free.at_grid_edge
    drawn = figures.sweep_figure(free)
    title = drawn.fig._suptitle.get_text()
    assert "largest of the grid, 1" in title and "×" not in title
    assert "min" not in drawn.lines  # no J* without weight decay
    plt.close(drawn.fig)


def test_weight_decay_figure(sweep, strict_and_leak_free):
    import matplotlib.pyplot as plt

    free = tuning.sweep_initial_rate([0.01, 0.1, 1.0, 10.0], seeds=2, steps=40, early_step=20,
                                     record_every=10, l2=0.0)
    drawn = figures.weight_decay_figure([sweep, free])
    fig, ax = drawn
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "initial learning rate ε₀" and "excess" in ax.get_ylabel()
    for result, line, early, final in zip((sweep, free), drawn.lines["excess"], drawn.lines["best early"],
                                          drawn.lines["best final"]):
        np.testing.assert_allclose(line.get_ydata(), result.mean_final - result.min_loss)
        assert early.get_xdata()[0] == result.best_early_lr and final.get_xdata()[0] == result.best_final_lr
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"λ = 0.001: J − J*, J* = {sweep.min_loss:.3g}" and labels[1] == "λ = 0: J"
    assert labels[2:] == ["best ε₀ at the early look", "best ε₀ at the end"]
    plt.close(fig)


def test_too_small_figure(strict_and_leak_free):
    import matplotlib.pyplot as plt

    result = tuning.too_small_run(0.01, 0.5, tau=20, steps=60, record_every=10)
    drawn = figures.too_small_figure(result)
    fig, (left, right) = drawn
    assert left.get_yscale() == "log" and right.get_yscale() == "log"
    assert left.get_xlabel() == right.get_xlabel() == "iteration k"
    assert len(drawn.lines["curves"]) == len(drawn.lines["rates"]) == 3
    for j, (curve, rate) in enumerate(zip(drawn.lines["curves"], drawn.lines["rates"])):
        np.testing.assert_array_equal(curve.get_ydata(), result.loss[:, j])
        np.testing.assert_array_equal(rate.get_ydata(), result.lr[:, j])
    assert drawn.lines["min"].get_ydata()[0] == result.min_loss
    assert drawn.lines["tau"].get_xdata()[0] == 20
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert labels == list(result.labels) + [f"J* = {result.min_loss:.4f}", "τ = 20"]
    assert [t.get_text() for t in right.get_legend().get_texts()] == list(result.labels)
    # The legend sits above every curve: the top of the axes clears the highest cost.
    assert left.get_ylim()[1] > 4 * np.nanmax(result.loss)
    plt.close(fig)


def test_bad_input():
    with pytest.raises(TypeError, match="result must be a StuckResult"):
        figures.too_small_figure(None)
    with pytest.raises(TypeError, match="result must be a CurvesResult"):
        figures.curves_figure(object())
    with pytest.raises(TypeError, match="result must be a SweepResult"):
        figures.sweep_figure(None)
    with pytest.raises(TypeError, match="sequence of SweepResult"):
        figures.weight_decay_figure([])
