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
    fig, axes = F.interim_points_figure(res)
    assert "Nesterov at the look-ahead point" in fig.get_suptitle()
    for ax, name in zip(axes, ("momentum", "nesterov")):
        assert ax.get_xlabel() == "θ₁" and ax.get_legend() is not None
        np.testing.assert_allclose(np.column_stack(ax.get_lines()[0].get_data()), res.theta[name])
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
    fig, ax = F.batch_rates_figure(res)
    assert "O(1/k²)" in ax.get_title() and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "iteration k"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[2] == f"Nesterov, α_k = (k−1)/(k+2): slope {res.slopes[2]:.3f}"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), res.excess[1:, 0])
    _close(fig)


def test_stochastic_rates_figure_plots_the_seed_mean():
    res = E.stochastic_rates(dim=3, steps=200, repeats=3, record_every=10, k_min=20, k_max=200)
    fig, ax = F.stochastic_rates_figure(res)
    assert "no acceleration" in ax.get_title() and "mean over 3 seeds" in ax.get_ylabel()
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), res.mean_excess[1:, 2])
    assert len(ax.get_legend().get_texts()) == 3
    _close(fig)


def test_changing_lr_figure_marks_the_rate_changes():
    res = E.changing_lr(steps=40, every=15)
    fig, ax = F.changing_lr_figure(res)
    assert "neither α" in ax.get_title() and ax.get_yscale() == "log"
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), np.maximum(res.momentum_naive, 1e-17))
    changes = [ln.get_xdata()[0] for ln in lines[4:]]
    assert changes == [16, 31]  # updates 16 and 31 are the first with a new rate
    _close(fig)


def test_wrong_result_type_raises():
    with pytest.raises(TypeError, match="result must be a BatchRates"):
        F.batch_rates_figure(E.interim_points(steps=1))
