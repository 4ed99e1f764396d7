"""Figures of lecture 01: titles, labels, legends, scales and the plotted data."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from coursekit.experiments import decay  # noqa: E402
from coursekit.figures import decay as figures  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return dict(
        floor=decay.noise_floor(lrs=(0.05, 0.1, 0.2), steps=300, repeats=2),
        sums=decay.robbins_monro_sums(n_terms=1000),
        run=decay.schedules_on_run(steps=300, repeats=2),
        linear=decay.linear_schedule_digits(passes=2, batch_size=64, repeats=1, n_records=5),
        condition=decay.linear_schedule_condition(lr0s=(1.0, 0.5, 0.25), passes=2, batch_size=64, repeats=1,
                                                  n_records=10, short_lr0=1.0),
        interp=decay.interpolation_control(steps=200, repeats=2, record_every=10),
    )


def _labelled(ax):
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_legend() is not None


def test_noise_floor_figure(small, strict_and_leak_free):
    r = small["floor"]
    drawn = figures.noise_floor_figure(r)
    fig, (left, middle, right) = drawn
    for ax in (left, middle, right):
        _labelled(ax)
    assert left.get_yscale() == "log" and middle.get_yscale() == "log" and right.get_xscale() == "log"
    assert f"mean of {r.repeats} seeds" in left.get_ylabel()
    # The batch-GD axis reaches as deep as the curves it shows (not cut at the SGD floors).
    assert middle.get_ylim()[0] <= 1e-250
    lines = drawn.lines
    for i in range(len(r.lrs)):
        np.testing.assert_array_equal(lines["sgd"][i].get_ydata(), r.sgd_excess_mean[:, i])
        gd = r.gd_excess[:, i]
        np.testing.assert_array_equal(lines["gd"][i].get_ydata(), np.where(gd > 0, gd, np.nan))
        assert lines["floor"][i].get_ydata()[0] == r.floor[i]
    np.testing.assert_array_equal(lines["measured"].get_ydata(), r.floor)
    np.testing.assert_array_equal(lines["closed form"].get_ydata(), r.closed_form)
    assert lines["measured"].axes is right and lines["sgd"][0].axes is left and lines["gd"][0].axes is middle
    matplotlib.pyplot.close(fig)


def test_robbins_monro_figure(small, strict_and_leak_free):
    s = small["sums"]
    drawn = figures.robbins_monro_figure(s)
    fig, axes = drawn
    for ax in axes:
        _labelled(ax)
        # log k against a linear sum: log k growth is a straight line.
        assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
        # Mathtext, not raw braces.
        assert ax.get_ylabel().count("$") == 2 and "\\sum" in ax.get_ylabel()
    assert "off the chart" in axes[0].get_title() and "constant" in axes[0].get_title()
    assert len(drawn.lines["sum"]) == len(drawn.lines["sum of squares"]) == len(s.names)
    np.testing.assert_array_equal(drawn.lines["sum"][1].get_ydata(), s.partial_sum[:, 1])
    np.testing.assert_array_equal(drawn.lines["sum of squares"][3].get_ydata(), s.partial_sum_squares[:, 3])
    matplotlib.pyplot.close(fig)


def test_schedules_run_figure(small, strict_and_leak_free):
    r = small["run"]
    drawn = figures.schedules_run_figure(r)
    fig, (left, right) = drawn
    for ax in (left, right):
        _labelled(ax)
    np.testing.assert_array_equal(drawn.lines["lr"][2].get_ydata(), r.lr[1:, 2])
    np.testing.assert_array_equal(drawn.lines["excess"][2].get_ydata(), r.excess_mean[1:, 2])
    assert len(drawn.lines["expected"]) == len(r.names)
    np.testing.assert_array_equal(drawn.lines["expected"][1].get_ydata(), r.expected_excess[1:, 1])
    assert drawn.lines["expected"][1].axes is right
    assert "exact expectation" in [t.get_text() for t in right.get_legend().get_texts()]
    assert drawn.lines["floor"].get_ydata()[0] == r.constant_floor
    matplotlib.pyplot.close(fig)


def test_linear_schedule_figure(small, strict_and_leak_free):
    r = small["linear"]
    drawn = figures.linear_schedule_figure(r)
    fig, (top, bottom) = drawn
    _labelled(bottom)
    assert top.get_title() and top.get_ylabel() and top.get_legend() is not None
    assert "8.14" in top.get_title() and bottom.get_yscale() == "log"
    np.testing.assert_array_equal(drawn.lines["lr"][0].get_ydata(), r.lr[1:, 0])
    np.testing.assert_array_equal(drawn.lines["excess"][1].get_ydata(), r.excess_mean[:, 1])
    matplotlib.pyplot.close(fig)


def test_linear_condition_figure(small, strict_and_leak_free):
    r = small["condition"]
    drawn = figures.linear_condition_figure(r, show=(1.0, 0.25))
    fig, axes = drawn
    assert len(axes) == 3
    for ax in axes:
        _labelled(ax)
        assert ax.get_yscale() == "log"
    summary = axes[0]
    assert summary.get_xscale() == "log" and "best against best" in summary.get_title()
    # Ticks at the grid's own values, no overlapping minor labels.
    np.testing.assert_allclose(summary.get_xticks(), r.lr0s)
    for j, values in enumerate((r.linear_final, r.constant_final, r.late_final)):
        np.testing.assert_array_equal(drawn.lines["final"][j].get_ydata(), values)
        assert drawn.lines["best"][j].get_ydata()[0] == r.best_final[j]
    np.testing.assert_array_equal(drawn.lines["floor final"].get_ydata(), r.constant_floor)
    for n, i in enumerate((0, 2)):          # the panels of ε0 = 1.0 and 0.25
        ax = axes[1 + n]
        assert f"ε0 = {r.lr0s[i]:g}" in ax.get_title()
        np.testing.assert_array_equal(drawn.lines["linear"][n].get_ydata(), r.linear_excess[:, i])
        np.testing.assert_array_equal(drawn.lines["constant"][n].get_ydata(), r.constant_excess[:, i])
        np.testing.assert_array_equal(drawn.lines["late"][n].get_ydata(), r.late_excess[:, i])
        assert drawn.lines["floor"][n].get_ydata()[0] == r.constant_floor[i]
        assert drawn.lines["continued"][n].get_xdata()[-1] == r.floor_factor * r.budget
        assert drawn.lines["linear"][n].axes is ax
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="show must list values of result.lr0s"):
        figures.linear_condition_figure(r, show=(3.0,))


def test_interpolation_figure(small, strict_and_leak_free):
    r = small["interp"]
    drawn = figures.interpolation_figure(r)
    fig, ax = drawn
    _labelled(ax)
    assert ax.get_yscale() == "log"
    for i in range(2):
        np.testing.assert_array_equal(drawn.lines["excess"][i].get_ydata(), r.excess_mean[:, i])
    matplotlib.pyplot.close(fig)


def test_figures_reject_wrong_result(strict_and_leak_free):
    with pytest.raises(TypeError, match="result must be a NoiseFloorResult"):
        figures.noise_floor_figure(object())
    with pytest.raises(TypeError, match="sums must be a RobbinsMonroSums"):
        figures.robbins_monro_figure(None)
