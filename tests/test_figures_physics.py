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
    result = experiments.euler_convergence(steps=(50, 100, 200), reference_substeps=200)
    drawn = figures.euler_convergence(result)
    fig, ax = drawn
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "error ∝ h" in ax.get_title() and "time step h" in ax.get_xlabel()
    line = drawn.lines["error"]
    np.testing.assert_allclose(line.get_xdata(), result.step)
    np.testing.assert_allclose(line.get_ydata(), result.error)
    guide = drawn.lines["order 1 guide"].get_ydata()
    np.testing.assert_allclose(guide / result.step, result.error[-1] / result.step[-1])
    assert f"{result.order:.2f}" in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)


def test_coasting_figure():
    result = experiments.coasting(t_max=1e3, fit_from=10.0)
    drawn = figures.coasting(result)
    fig, ax = drawn
    assert ax.get_xscale() == "log" and "ln t" in ax.get_title()
    assert ax.get_xlabel().startswith("time t") and ax.get_ylabel().startswith("distance")
    turbulent, closed, viscous = (drawn.lines[name] for name in ("turbulent", "closed form", "viscous"))
    assert list(drawn.lines["viscous limit"].get_ydata()) == [result.viscous_limit] * 2
    np.testing.assert_allclose(turbulent.get_ydata(), result.distance_turbulent[1:])
    np.testing.assert_allclose(closed.get_ydata(), np.log1p(0.5 * result.times[1:]) / 0.5)
    np.testing.assert_allclose(viscous.get_xdata(), result.viscous_times[1:])
    assert len(ax.get_legend().get_texts()) == 4
    plt.close(fig)


def test_dry_friction_figure():
    result = experiments.dry_friction_stop(theta0=(2.0, -1.0), time=12.0)
    drawn = figures.dry_friction(result)
    fig, ax = drawn
    assert "|∇J| ≤ c" in ax.get_title()
    assert ax.get_xlabel() == "time t" and ax.get_ylabel() == "position θ(t)"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("stops at -0.200" in t for t in texts) and any("c/λ = 0.3" in t for t in texts)
    band = ax.patches[0]  # the rectangle of axhspan, in data units along y
    assert band.get_y() == pytest.approx(-0.3) and band.get_height() == pytest.approx(0.6)
    first, second = drawn.lines["position"]
    np.testing.assert_allclose(first.get_ydata(), result.theta[:, 0])
    np.testing.assert_allclose(second.get_ydata(), result.theta[:, 1])
    assert [m.get_ydata()[0] for m in drawn.lines["rest point"]] == result.predicted.tolist()
    plt.close(fig)


def test_phase_portraits_figure():
    result = experiments.phase_portraits(theta0=(1.0, 2.0), time=5.0)
    drawn = figures.phase_portraits(result)
    fig, axes = drawn
    assert len(axes) == 3
    for ax, drag in zip(axes, result.drags):
        assert drag in ax.get_title()
        assert ax.get_xlabel() == "position θ" and ax.get_ylabel() == "velocity v"
        assert ax.get_legend() is not None
        for j, line in enumerate(drawn.lines[drag]):  # one curve per starting point
            assert line.axes is ax
            np.testing.assert_allclose(line.get_xdata(), result.theta[drag][:, j])
            np.testing.assert_allclose(line.get_ydata(), result.velocity[drag][:, j])
    assert list(drawn.lines["dry band"].get_xdata()) == [-result.band, result.band]
    # The dry panel zooms on the rest points, so that stopping short of θ* is readable.
    (inset,) = axes[2].child_axes
    assert "zoom" in inset.get_title() and inset.get_xlim()[1] <= 0.5
    assert np.all(np.abs(result.theta["dry"][-1]) < inset.get_xlim()[1])
    assert fig.get_suptitle()
    plt.close(fig)


def test_drag_paths_figure():
    result = experiments.surface_paths(time=10.0)
    drawn = figures.drag_paths(result)
    fig, (left, right) = drawn
    assert right.get_yscale() == "log" and "minimum" in right.get_ylabel()
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert labels[:3] == ["viscous (c = 1)", "turbulent (c = 1)", "dry (c = 1)"]
    for drag, color in zip(result.drags, PALETTE):
        path, distance = drawn.lines[f"{drag} path"], drawn.lines[f"{drag} distance"]
        assert path.axes is left and distance.axes is right
        assert path.get_color() == distance.get_color() == color
        np.testing.assert_allclose(path.get_xydata(), result.theta[drag])
        np.testing.assert_allclose(distance.get_ydata(), result.distance[drag])
    assert "Viscous drag settles" in fig.get_suptitle()
    plt.close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a CoastResult, got dict"):
        figures.coasting({})


def test_small_step_limit_figure():
    result = experiments.small_step_limit(steps=20, substeps=200)
    drawn = figures.small_step_limit(result)
    fig, ax = drawn
    assert ax.get_xscale() == "log" and "ελ" in ax.get_xlabel()
    np.testing.assert_allclose(drawn.lines["ode"].get_ydata(), result.grid_factor_ode)
    np.testing.assert_allclose(drawn.lines["semi-implicit"].get_xdata(), result.grid_products)
    np.testing.assert_allclose(drawn.lines["forward"].get_ydata(), result.grid_radius_forward)
    np.testing.assert_allclose(drawn.lines["measured"].get_xydata(),
                               np.column_stack([result.products, result.radius_semi_implicit]))
    # The ODE's factor stays below 1 on the whole grid; Algorithm 8.2's crosses 1 at 2 + 2α only.
    assert np.all(result.grid_factor_ode < 1.0)
    crossing = result.grid_products[result.grid_radius_semi_implicit > 1.0].min()
    assert result.edge_semi_implicit < crossing < 1.05 * result.edge_semi_implicit
    texts = [t.get_text() for t in ax.texts]
    assert "ελ = 2 + 2α = 3.8" in texts and "ελ = 1 − α = 0.1" in texts
    assert len(ax.get_legend().get_texts()) == 5
    plt.close(fig)


def test_small_step_limit_figure_rejects_other_results():
    with pytest.raises(TypeError):
        figures.small_step_limit(experiments.critical_damping())
