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
    )


def _labelled(ax):
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_legend() is not None


def test_noise_floor_figure(small, strict_and_leak_free):
    r = small["floor"]
    drawn = figures.noise_floor_figure(r)
    fig, (left, right) = drawn
    for ax in (left, right):
        _labelled(ax)
    assert left.get_yscale() == "log" and right.get_xscale() == "log"
    lines = drawn.lines
    for i in range(len(r.lrs)):
        np.testing.assert_array_equal(lines["sgd"][i].get_ydata(), r.sgd_excess[:, i])
        np.testing.assert_array_equal(lines["gd"][i].get_ydata(), r.gd_excess[:, i])
        assert lines["floor"][i].get_ydata()[0] == r.floor[i]
    np.testing.assert_array_equal(lines["measured"].get_ydata(), r.floor)
    np.testing.assert_array_equal(lines["closed form"].get_ydata(), r.closed_form)
    assert lines["measured"].axes is right and lines["sgd"][0].axes is left
    matplotlib.pyplot.close(fig)


def test_robbins_monro_figure(small, strict_and_leak_free):
    s = small["sums"]
    drawn = figures.robbins_monro_figure(s)
    fig, axes = drawn
    for ax in axes:
        _labelled(ax)
        assert ax.get_xscale() == "log"
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


def test_figures_reject_wrong_result(strict_and_leak_free):
    with pytest.raises(TypeError, match="result must be a NoiseFloorResult"):
        figures.noise_floor_figure(object())
    with pytest.raises(TypeError, match="sums must be a RobbinsMonroSums"):
        figures.robbins_monro_figure(None)
