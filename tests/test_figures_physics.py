"""coursekit.figures.physics: titles, labels, legends and the plotted data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.experiments import physics as experiments
from coursekit.figures import physics as figures
from coursekit.plotting import PALETTE

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def test_euler_convergence_figure():
    result = experiments.euler_convergence(n_steps=(50, 100, 200), reference_substeps=200)
    fig, ax = figures.euler_convergence(result)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "error ∝ h" in ax.get_title() and "time step h" in ax.get_xlabel()
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), result.step)
    np.testing.assert_allclose(line.get_ydata(), result.error)
    assert f"{result.order:.2f}" in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)


def test_coasting_figure():
    result = experiments.coasting(t_max=1e3, fit_from=10.0)
    fig, ax = figures.coasting(result)
    assert ax.get_xscale() == "log" and "ln t" in ax.get_title()
    assert ax.get_xlabel().startswith("time t") and ax.get_ylabel().startswith("distance")
    turbulent, closed, viscous = ax.get_lines()[:3]
    np.testing.assert_allclose(turbulent.get_ydata(), result.distance_turbulent[1:])
    np.testing.assert_allclose(closed.get_ydata(), np.log1p(0.5 * result.times[1:]) / 0.5)
    np.testing.assert_allclose(viscous.get_xdata(), result.viscous_times[1:])
    assert len(ax.get_legend().get_texts()) == 4
    plt.close(fig)


def test_dry_friction_figure():
    result = experiments.dry_friction_stop(theta0=(2.0, -1.0), time=12.0)
    fig, ax = figures.dry_friction(result)
    assert "|∇J| ≤ c" in ax.get_title()
    assert ax.get_xlabel() == "time t" and ax.get_ylabel() == "position θ(t)"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("stops at -0.200" in t for t in texts) and any("c/λ = 0.3" in t for t in texts)
    band = ax.patches[0]  # the rectangle of axhspan, in data units along y
    assert band.get_y() == pytest.approx(-0.3) and band.get_height() == pytest.approx(0.6)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), result.theta[:, 0])
    plt.close(fig)


def test_phase_portraits_figure():
    result = experiments.phase_portraits(theta0=(1.0, 2.0), time=5.0)
    fig, axes = figures.phase_portraits(result)
    assert len(axes) == 3
    for ax, drag in zip(axes, result.drags):
        assert drag in ax.get_title()
        assert ax.get_xlabel() == "position θ" and ax.get_ylabel() == "velocity v"
        assert ax.get_legend() is not None
        line = ax.get_lines()[0]
        np.testing.assert_allclose(line.get_xdata(), result.theta[drag][:, 0])
        np.testing.assert_allclose(line.get_ydata(), result.velocity[drag][:, 0])
    assert fig.get_suptitle()
    plt.close(fig)


def test_drag_paths_figure():
    result = experiments.surface_paths(time=10.0)
    fig, (left, right) = figures.drag_paths(result)
    assert right.get_yscale() == "log" and "minimum" in right.get_ylabel()
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert labels[:3] == ["viscous (c = 1)", "turbulent (c = 1)", "dry (c = 1)"]
    path_lines = [line for line in left.get_lines() if line.get_label().endswith("(c = 1)")]
    np.testing.assert_allclose(path_lines[2].get_xydata(), result.theta["dry"])
    assert [line.get_color() for line in right.get_lines()] == list(PALETTE[:3])
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), result.distance["viscous"])
    assert "Viscous drag settles" in fig.get_suptitle()
    plt.close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a CoastResult, got dict"):
        figures.coasting({})
