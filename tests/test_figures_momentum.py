"""Figures of the momentum lecture: titles, labels, legends and plotted data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.experiments import momentum as M
from coursekit.figures import momentum as F


@pytest.fixture(autouse=True)
def _clean(strict_and_leak_free):
    yield
    plt.close("all")


def _close(fig):
    plt.close(fig)


def test_terminal_velocity_figure():
    r = M.terminal_velocity(steps=600)
    drawn = F.terminal_velocity_figure(r)
    fig, ax = drawn
    assert "1 − α^k" in ax.get_title() and ax.get_xscale() == "log"
    assert ax.get_xlabel() == "iteration k" and "ε‖g‖" in ax.get_ylabel()
    j = list(r.momenta).index(0.9)
    measured = drawn.lines["measured"][j]
    assert measured.get_label().startswith("α = 0.9: measured")
    np.testing.assert_allclose(measured.get_ydata(), 1 - 0.9 ** np.arange(1, 601), atol=1e-12)
    np.testing.assert_allclose(drawn.lines["1 − α^k"][j].get_ydata(), 1 - 0.9 ** np.arange(1, 601),
                               atol=1e-12)
    assert ax.get_legend() is not None
    _close(fig)


def test_canyon_figure():
    r = M.canyon_race(steps=120)
    drawn = F.canyon_figure(r)
    fig, axes = drawn
    assert "zig-zags" in axes[0].get_title() and "fewer iterations" in axes[1].get_title()
    np.testing.assert_allclose(drawn.lines["gd path"].get_xydata(), r.gd_path)
    np.testing.assert_allclose(drawn.lines["momentum path"].get_xydata(), r.momentum_path)
    np.testing.assert_allclose(drawn.lines["momentum"].get_ydata(), r.momentum_excess)
    assert drawn.lines["gd"].axes is axes[1] and list(drawn.lines["tol"].get_ydata()) == [r.tol] * 2
    assert axes[0].get_legend() is not None and axes[1].get_legend() is not None
    assert axes[1].get_yscale() == "log" and axes[1].get_xlabel() == "iteration k"
    _close(fig)


def test_rate_map_figure():
    r = M.rate_map(condition_number=100.0, n_lr=40, n_momentum=30)
    drawn = F.rate_map_figure(r)
    fig, ax = drawn
    (image,) = ax.get_images()
    np.testing.assert_array_equal(np.asarray(image.get_array()), r.rate)
    star = drawn.lines["optimum"]
    assert star.get_label().startswith("optimum")
    assert star.get_xdata()[0] == pytest.approx(400.0 / 121.0)
    assert drawn.lines["best gd"].get_xdata()[0] == pytest.approx(r.gd_lr_L)
    assert "ε·L" in ax.get_xlabel() and ax.get_ylabel() == "momentum α"
    assert "0.818" in ax.get_title() and ax.get_legend() is not None
    _close(fig)


def test_damping_figure():
    r = M.damping_modes()
    drawn = F.damping_figure(r)
    fig, ax = drawn
    j = list(r.labels).index("critically damped")
    line = drawn.lines["critically damped"]
    np.testing.assert_allclose(line.get_ydata(), r.theta[:, j])
    assert line.get_label().startswith("critically damped")
    assert ax.get_xlabel() == "iteration k" and "critical" in ax.get_title()
    _close(fig)


def test_schedules_figure():
    r = M.momentum_schedules(steps=200, tau=100, repeats=2, dim=4)
    drawn = F.schedules_figure(r)
    fig, axes = drawn
    excess = drawn.lines["excess"]
    assert [l.get_label() for l in excess] == [f"({j + 1}) {label}" for j, label in enumerate(r.labels)]
    np.testing.assert_allclose(excess[2].get_ydata(), r.excess[:, 2])
    # Two distinct α schedules and two distinct ε schedules.
    assert len(drawn.lines["α_k"]) == len(drawn.lines["ε_k/ε_1"]) == 2
    assert all(line.axes is axes[1] for line in drawn.lines["α_k"] + drawn.lines["ε_k/ε_1"])
    assert "Shrinking ε" in axes[0].get_title() and axes[1].get_legend() is not None
    _close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a RateMap"):
        F.rate_map_figure(M.damping_modes())
