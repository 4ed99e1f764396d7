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
    fig, (left, right) = figures.noise_floor_figure(r)
    for ax in (left, right):
        _labelled(ax)
    assert left.get_yscale() == "log" and right.get_xscale() == "log"
    first = left.get_lines()[0]
    np.testing.assert_array_equal(first.get_ydata(), r.sgd_excess[:, 0])
    measured = [l for l in right.get_lines() if l.get_marker() == "o"][0]
    np.testing.assert_array_equal(measured.get_ydata(), r.floor)
    matplotlib.pyplot.close(fig)


def test_robbins_monro_figure(small, strict_and_leak_free):
    s = small["sums"]
    fig, axes = figures.robbins_monro_figure(s)
    for ax in axes:
        _labelled(ax)
        assert ax.get_xscale() == "log"
    np.testing.assert_array_equal(axes[0].get_lines()[1].get_ydata(), s.partial_sum[:, 1])
    np.testing.assert_array_equal(axes[1].get_lines()[3].get_ydata(), s.partial_sum_squares[:, 3])
    matplotlib.pyplot.close(fig)


def test_schedules_run_figure(small, strict_and_leak_free):
    r = small["run"]
    fig, (left, right) = figures.schedules_run_figure(r)
    for ax in (left, right):
        _labelled(ax)
    np.testing.assert_array_equal(right.get_lines()[2].get_ydata(), r.excess_mean[1:, 2])
    assert right.get_lines()[-1].get_ydata()[0] == r.constant_floor
    matplotlib.pyplot.close(fig)


def test_linear_schedule_figure(small, strict_and_leak_free):
    r = small["linear"]
    fig, (top, bottom) = figures.linear_schedule_figure(r)
    _labelled(bottom)
    assert top.get_title() and top.get_ylabel() and top.get_legend() is not None
    assert "8.14" in top.get_title() and bottom.get_yscale() == "log"
    np.testing.assert_array_equal(top.get_lines()[0].get_ydata(), r.lr[1:, 0])
    matplotlib.pyplot.close(fig)


def test_figures_reject_wrong_result(strict_and_leak_free):
    with pytest.raises(TypeError, match="result must be a NoiseFloorResult"):
        figures.noise_floor_figure(object())
    with pytest.raises(TypeError, match="sums must be a RobbinsMonroSums"):
        figures.robbins_monro_figure(None)
