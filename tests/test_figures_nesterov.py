"""coursekit.figures.nesterov: titles, labels, legends and the plotted data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit.experiments import nesterov as E
from coursekit.figures import nesterov as F

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def _close(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_interim_points_figure_draws_gradients_where_they_are_taken():
    res = E.interim_points(steps=3)
    drawn = F.interim_points_figure(res)
    fig, axes = drawn
    assert "Nesterov at the look-ahead point" in fig.get_suptitle()
    for ax, name in zip(axes, ("momentum", "nesterov")):
        assert ax.get_xlabel() == "θ₁" and ax.get_legend() is not None
        path = drawn.lines[f"{name} path"]
        assert path.axes is ax and path.get_label() == "path θ_k (k labelled)"
        np.testing.assert_allclose(path.get_xydata(), res.theta[name])
        np.testing.assert_allclose(drawn.lines[f"{name} interim points"].get_xydata(), res.interim[name])
        np.testing.assert_allclose(drawn.lines[f"{name} gradient points"].get_xydata(), res.grad_point[name])
        # Start and end markers in the colour of their path.
        for marker, point in (("start", res.theta[name][0]), ("end", res.theta[name][-1])):
            artist = drawn.lines[f"{name} {marker}"]
            assert artist.get_color() == path.get_color() and artist.get_xydata().tolist() == [point.tolist()]
        arrows = [a for a in ax.texts if hasattr(a, "arrow_patch") and a.arrow_patch is not None]
        assert len(arrows) == 3
        for k, arrow in enumerate(arrows):  # from the gradient point, along −ε g
            np.testing.assert_allclose(arrow.xyann, res.grad_point[name][k])
            np.testing.assert_allclose(arrow.xy, res.grad_point[name][k] - res.lr * res.grad[name][k])
    assert "g at θ + αv" in axes[1].get_title()
    _close(fig)


def test_batch_rates_figure_plots_the_excess_with_slopes_in_the_legend():
    res = E.batch_rates(n=6, d=8, rank=6, condition_number=1e3, steps=300, record_every=10,
                        k_min=30, k_max=300)
    drawn = F.batch_rates_figure(res)
    fig, ax = drawn
    assert "O(1/k²)" in ax.get_title() and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "iteration k"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[2] == f"Nesterov, α_k = (k−1)/(k+2): slope {res.slopes[2]:.3f}"
    for j, label in enumerate(res.labels):
        np.testing.assert_allclose(drawn.lines[label].get_ydata(), res.excess[1:, j])
    np.testing.assert_allclose(drawn.lines["fits"][2].get_ydata() * drawn.lines["fits"][2].get_xdata() ** 2,
                               res.constants[2])
    _close(fig)


def test_stochastic_rates_figure_plots_the_seed_mean():
    res = E.stochastic_rates(dim=3, steps=200, repeats=3, record_every=10, k_min=20, k_max=200)
    drawn = F.stochastic_rates_figure(res)
    fig, ax = drawn
    assert "no acceleration" in ax.get_title() and "mean over 3 seeds" in ax.get_ylabel()
    np.testing.assert_allclose(drawn.lines["Nesterov"].get_ydata(), res.mean_excess[1:, 2])
    assert len(ax.get_legend().get_texts()) == 3
    _close(fig)


def test_changing_lr_figure_marks_the_rate_changes():
    res = E.changing_lr(steps=40, every=15)
    drawn = F.changing_lr_figure(res)
    fig, ax = drawn
    assert "neither α" in ax.get_title() and ax.get_yscale() == "log"
    np.testing.assert_allclose(drawn.lines["momentum naive"].get_ydata(), np.maximum(res.momentum_naive, 1e-17))
    np.testing.assert_allclose(drawn.lines["nesterov corrected"].get_ydata(),
                               np.maximum(res.nesterov_corrected, 1e-17))
    verticals = drawn.lines["lr changes"]
    assert verticals[0].get_label() == "lr changes"
    changes = [ln.get_xdata()[0] for ln in verticals]
    assert changes == [16, 31]  # updates 16 and 31 are the first with a new rate
    _close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a BatchRates"):
        F.batch_rates_figure(E.interim_points(steps=1))


def test_strongly_convex_figure_draws_both_problems_and_methods():
    res = E.strongly_convex(steps=60, window=(20, 60))
    drawn = F.strongly_convex_figure(res)
    fig, axes = drawn
    assert "cycles" in fig.get_suptitle() and len(axes) == 2
    for i, (ax, name) in enumerate(zip(axes, res.problems)):
        assert ax.get_yscale() == "log" and ax.get_xlabel() == "iteration k" and name in ax.get_title()
        for j, method in enumerate(res.labels):
            line = drawn.lines[f"{name}, {method}"]
            assert line.axes is ax and line.get_label() == method
            np.testing.assert_allclose(line.get_ydata(), res.excess[:, i, j])
        np.testing.assert_allclose(drawn.lines[f"{name}, 1 − 1/√κ"].get_ydata(), res.excess_bound[:, i])
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "heavy ball", "Nesterov", "Nesterov's bound, ∝ (1 − 1/√κ′)^k, κ′ = L′/μ = 30"]
    assert axes[0].get_ylabel() == "J(θ_k) − J*"
    _close(fig)


def test_interim_points_figure_frames_the_minimum():
    fig, axes = F.interim_points_figure(E.interim_points(steps=3))
    for ax in axes:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < 0 < x1 and y0 < 0 < y1
    _close(fig)
