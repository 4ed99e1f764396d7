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
    fig, ax = F.terminal_velocity_figure(r)
    assert "1 − α^k" in ax.get_title() and ax.get_xscale() == "log"
    assert ax.get_xlabel() == "iteration k" and "ε‖g‖" in ax.get_ylabel()
    lines = [l for l in ax.get_lines() if l.get_label().startswith("α = 0.9: measured")]
    np.testing.assert_allclose(lines[0].get_ydata(), 1 - 0.9 ** np.arange(1, 601), atol=1e-12)
    assert ax.get_legend() is not None
    _close(fig)


def test_canyon_figure():
    r = M.canyon_race(steps=120)
    fig, axes = F.canyon_figure(r)
    assert "zig-zags" in axes[0].get_title() and "fewer iterations" in axes[1].get_title()
    path = axes[0].get_lines()[0]
    np.testing.assert_allclose(path.get_xdata(), r.gd_path[:, 0])
    assert axes[0].get_legend() is not None and axes[1].get_legend() is not None
    assert axes[1].get_yscale() == "log" and axes[1].get_xlabel() == "iteration k"
    _close(fig)


def test_rate_map_figure():
    r = M.rate_map(condition_number=100.0, n_lr=40, n_momentum=30)
    fig, ax = F.rate_map_figure(r)
    image = ax.get_images()[0]
    np.testing.assert_array_equal(np.asarray(image.get_array()), r.rate)
    star = [l for l in ax.get_lines() if l.get_label().startswith("optimum")][0]
    assert star.get_xdata()[0] == pytest.approx(400.0 / 121.0)
    assert "ε·L" in ax.get_xlabel() and ax.get_ylabel() == "momentum α"
    assert "0.818" in ax.get_title() and ax.get_legend() is not None
    _close(fig)


def test_damping_figure():
    r = M.damping_modes()
    fig, ax = F.damping_figure(r)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[1].get_ydata(), r.theta[:, 1])
    assert lines[1].get_label().startswith("critically damped")
    assert ax.get_xlabel() == "iteration k" and "critical" in ax.get_title()
    _close(fig)


def test_schedules_figure():
    r = M.momentum_schedules(steps=200, tau=100, repeats=2, dim=4)
    fig, axes = F.schedules_figure(r)
    labels = [l.get_label() for l in axes[0].get_lines()]
    assert labels == [f"({j + 1}) {label}" for j, label in enumerate(r.labels)]
    np.testing.assert_allclose(axes[0].get_lines()[2].get_ydata(), r.excess[:, 2])
    # Two distinct α schedules and two distinct ε schedules.
    assert len(axes[1].get_lines()) == 4
    assert "Shrinking ε" in axes[0].get_title() and axes[1].get_legend() is not None
    _close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a RateMap"):
        F.rate_map_figure(M.damping_modes())
