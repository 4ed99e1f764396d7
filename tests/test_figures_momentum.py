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
    # Both paths swing across (cell 14): the title names the two shrink factors, not a "zig-zag vs run along".
    title = axes[0].get_title()
    assert "both swing" in title and f"{r.momentum_across_shrink:.3f}" in title and f"{r.gd_across_shrink:.3f}" in title
    assert "fewer iterations" in axes[1].get_title()
    np.testing.assert_allclose(drawn.lines["gd path"].get_xydata(), r.gd_path)
    np.testing.assert_allclose(drawn.lines["momentum path"].get_xydata(), r.momentum_path)
    np.testing.assert_allclose(drawn.lines["momentum"].get_ydata(), r.momentum_excess)
    assert drawn.lines["gd"].axes is axes[1] and list(drawn.lines["tol"].get_ydata()) == [r.tol] * 2
    assert axes[0].get_legend() is not None and axes[1].get_legend() is not None
    assert axes[1].get_yscale() == "log" and axes[1].get_xlabel() == "iteration k"
    # No empty stretch right of θ* = 0, and momentum drawn over gradient descent.
    assert axes[0].get_xlim()[1] < 0.2 * abs(r.gd_path[0, 0])
    assert drawn.lines["momentum path"].get_zorder() > drawn.lines["gd path"].get_zorder()
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
    assert len(excess) == 8
    np.testing.assert_allclose(excess[2].get_ydata(), r.excess[:, 2])
    assert excess[0].axes is axes[0] and excess[4].axes is axes[1]  # constant ε left, shrunk middle
    assert excess[1].get_linestyle() == "--" and excess[0].get_linestyle() == "-"  # ramp dashed
    # Four distinct α schedules and two distinct ε schedules.
    assert len(drawn.lines["α_k"]) == 4 and len(drawn.lines["ε_k/ε_1"]) == 2
    assert all(line.axes is axes[2] for line in drawn.lines["α_k"])
    # ε_k/ε_1 on a twin axis, where its constant 1 sits apart from α = 0.99.
    lr_axis = drawn.lines["ε_k/ε_1"][0].axes
    assert lr_axis is not axes[2] and lr_axis.bbox.bounds == axes[2].bbox.bounds
    assert lr_axis.get_ylim()[1] > 2.0
    assert "same final α" in fig.get_suptitle().lower() and axes[2].get_legend() is not None
    fig.canvas.draw()
    for ax in axes:  # below the axes: the legends hide no curve (the ramps' early part in particular)
        assert ax.get_legend().get_window_extent().y1 <= ax.get_window_extent().y0
    _close(fig)


def test_roots_figure_separates_negative_roots():
    r = M.root_cases()
    drawn = F.roots_figure(r)
    fig, axes = drawn
    for label, kind in zip(r.labels, r.kinds):
        line = drawn.lines[label]
        assert line.axes is (axes[1] if kind == "real negative" else axes[0])
        assert "roots" in line.get_label()
    assert "negative" in axes[1].get_title() and axes[0].get_legend() is not None
    _close(fig)


def test_noisy_gradients_figure():
    r = M.noisy_gradients(steps=200, read_at=50, repeats=2, dim=4)
    drawn = F.noisy_gradients_figure(r)
    fig, axes = drawn
    assert len(drawn.lines["same ε"]) == 2 and len(drawn.lines["same ε/(1 − α)"]) == 4
    np.testing.assert_allclose(drawn.lines["same ε"][1].get_ydata(), r.excess[:, 1])
    assert "same ε" in axes[0].get_title() and axes[1].get_legend() is not None
    # The large-step group and the noise-free controls are drawn too; a diverged setting is named.
    assert len(axes) == 3 and "large" in axes[2].get_title()
    assert len(drawn.lines["large ε/(1 − α)"]) == int(np.sum(~r.diverged[-2:]))
    labels = [t.get_text() for t in axes[2].get_legend().get_texts()]
    assert any("diverged" in t for t in labels) == bool(r.diverged[-2])
    assert len(drawn.lines["noise-free"]) == int(np.sum(~r.diverged))
    assert all(line.get_linestyle() == "--" for line in drawn.lines["noise-free"])
    _close(fig)


def test_rate_map_legend_is_below_the_map_and_the_gd_marker_inside():
    r = M.rate_map(condition_number=100.0, n_lr=40, n_momentum=30)
    drawn = F.rate_map_figure(r)
    fig, ax = drawn
    assert ax.get_ylim()[0] < 0.0  # α = 0 marker fully visible
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0  # the legend covers no part of the map
    assert drawn.lines["boundary"].get_path_effects()  # outlined: visible in the legend's white box
    _close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a RateMap"):
        F.rate_map_figure(M.damping_modes())
