"""Tests for coursekit.figures.rates: titles, labels, legends and the plotted data."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import rates
from coursekit.figures import rates as figures

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


@pytest.fixture(scope="module")
def small():
    return dict(
        convex=rates.convex_rate(steps=200, repeats=2, record_every=10, window=(10, 200)),
        strong=rates.strongly_convex_rate(steps=200, repeats=2, record_every=10, window=(10, 200)),
        work=rates.work_per_update(sizes=(100, 1000, 10_000)),
        one=rates.one_pass(n=20_000, dim=5, n_test=500, batch_size=20),
        floor=rates.statistical_floor(n=2000, dim=4, repeats=2, gd_epochs=3, record_every=5,
                                      early_window=(100, 1000), budgets=(100, 2000, 6000),
                                      data_seeds=(1,), ill_epochs=5, pass_budgets=(1000, 2000)),
        growing=rates.growing_batch(n=200, dim=3, epochs=20, repeats=2, budgets=(20, 200, 1000)),
    )


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_rates_figure(small):
    import matplotlib.pyplot as plt

    drawn = figures.rates_figure(small["convex"], small["strong"])
    fig, (left, right) = drawn
    assert "O(1/√k)" in left.get_title() and "O(1/k)" in right.get_title()
    assert left.get_xscale() == right.get_yscale() == "log"
    assert left.get_xlabel() == "iteration k"
    assert any("bias" in t for t in _legend(left)) and any("noise term" in t for t in _legend(left))
    assert sum("control" in t for t in _legend(right)) == 3
    assert any("averaged" in t for t in _legend(right))
    assert any("k^(−1)" in t for t in _legend(right))
    convex, strong = small["convex"], small["strong"]
    for j in range(len(convex.noise)):
        np.testing.assert_array_equal(drawn.lines["total"][j].get_ydata(), convex.total_average[1:, j])
    np.testing.assert_array_equal(drawn.lines["bias"].get_ydata(), convex.bias_average[1:])
    np.testing.assert_array_equal(drawn.lines["bias last"].get_ydata(), convex.bias_last[1:])
    np.testing.assert_array_equal(drawn.lines["noise"].get_ydata(), convex.noise_average[1:, -1])
    np.testing.assert_array_equal(drawn.lines["noise last"].get_ydata(), convex.noise_last[1:, -1])
    np.testing.assert_array_equal(drawn.lines["noise expected"].get_ydata(),
                                  convex.expected_noise_average[1:, -1])
    np.testing.assert_array_equal(drawn.lines["noise shaped"].get_ydata(),
                                  convex.shaped_noise_average[1:])
    assert any("covariance ∝ λ_i" in t for t in _legend(left))
    np.testing.assert_array_equal(drawn.lines["strong"].get_ydata(), strong.excess[1:])
    np.testing.assert_array_equal(drawn.lines["strong bias"].get_ydata(), strong.bias[1:])
    np.testing.assert_array_equal(drawn.lines["strong noise"].get_ydata(), strong.noise_term[1:])
    for j, line in enumerate(drawn.lines["controls"]):
        np.testing.assert_array_equal(line.get_ydata(), strong.control_excess[1:, j])
    # The references have the slopes they name.
    for name, power in (("convex reference", -0.5), ("strong reference", -1.0)):
        x, y = drawn.lines[name].get_data()
        np.testing.assert_allclose(np.diff(np.log(y)) / np.diff(np.log(x)), power, rtol=1e-9)
    assert drawn.lines["strong"].axes is right and drawn.lines["bias"].axes is left
    plt.close(fig)


def test_work_figure(small):
    import matplotlib.pyplot as plt

    drawn = figures.work_figure(small["work"])
    fig, ax = drawn
    assert ax.get_xlabel().startswith("training-set size n")
    assert "per update" in ax.get_ylabel()
    assert drawn.lines["sgd"].get_ydata().tolist() == [10, 10, 10]
    assert drawn.lines["gd"].get_ydata().tolist() == [100, 1000, 10_000]
    assert len(_legend(ax)) == 2
    plt.close(fig)


def test_one_pass_figure(small):
    import matplotlib.pyplot as plt

    one = small["one"]
    drawn = figures.one_pass_figure(one)
    fig, (left, right) = drawn
    assert "of an epoch" in left.get_title() and left.get_xlabel() == "examples seen"
    assert right.get_yscale() == "log" and "θ_true" in right.get_ylabel()
    np.testing.assert_array_equal(drawn.lines["test error"].get_ydata(), one.test_loss[1:])
    np.testing.assert_array_equal(drawn.lines["excess"].get_ydata(), one.excess[1:])
    x, y = drawn.lines["rate"].get_data()
    np.testing.assert_allclose(y, 0.25 * 5 / (2 * x))
    assert drawn.lines["threshold"].get_ydata()[0] == one.threshold
    assert drawn.lines["noise level"].get_ydata()[0] == one.noise_floor
    assert drawn.lines["test floor"].get_ydata()[0] == one.test_floor
    assert drawn.lines["tolerance reached"].get_xdata()[0] == one.examples_to_tolerance
    assert drawn.lines["excess tolerance reached"].get_xdata()[0] == one.examples_to_excess_factor
    assert drawn.lines["one epoch"].get_xdata()[0] == one.n
    assert any("one epoch" in t for t in _legend(left))
    plt.close(fig)


def test_floor_figure(small):
    import matplotlib.pyplot as plt

    fl = small["floor"]
    drawn = figures.floor_figure(fl)
    fig, ax = drawn
    assert "O(1/k)" in ax.get_title() and ax.get_xlabel() == "examples seen k"
    assert any(f"ε = {fl.gd_lr:g}" in t for t in _legend(ax))
    k = fl.sgd_examples[1:]
    np.testing.assert_array_equal(drawn.lines["sgd"].get_ydata(), fl.sgd_excess[1:, 0])
    np.testing.assert_array_equal(drawn.lines["sgd permutation"].get_ydata(), fl.sgd_excess[1:, 1])
    assert any("with replacement" in t for t in _legend(ax))
    assert any("permutation" in t for t in _legend(ax))
    np.testing.assert_allclose(drawn.lines["statistical rate"].get_ydata(), 0.25 * 4 / (2 * k))
    np.testing.assert_array_equal(drawn.lines["gd"].get_xdata(), [2000, 4000, 6000])
    assert drawn.lines["gd start"].get_ydata()[0] == fl.gd_excess[0]
    assert drawn.lines["least squares"].get_ydata()[0] == fl.ols_excess
    assert any("Cramér–Rao" in t for t in _legend(ax))
    plt.close(fig)


def test_growing_batch_figure(small):
    import matplotlib.pyplot as plt

    g = small["growing"]
    drawn = figures.growing_batch_figure(g)
    fig, ax = drawn
    assert "growing minibatch" in ax.get_title()
    assert [t.split(", ε = ")[0] for t in _legend(ax)[:4]] == list(g.labels)
    assert [t.rsplit("ε = ", 1)[1] for t in _legend(ax)[:4]] == [f"{lr:.3g}" for lr in g.best_lr]
    assert "reaches n" in _legend(ax)[4]
    for j, line in enumerate(drawn.lines["excess"]):
        np.testing.assert_array_equal(line.get_xdata(), g.examples[j][1:])
        np.testing.assert_array_equal(line.get_ydata(), g.excess[j][1:])
    assert drawn.lines["switch"].get_xdata()[0] == g.switch_examples
    assert [line.get_xdata()[0] for line in drawn.lines["budgets"]] == list(g.budgets)
    plt.close(fig)


def test_figures_reject_wrong_results(small):
    with pytest.raises(TypeError, match="convex must be a ConvexRateResult"):
        figures.rates_figure(small["strong"], small["strong"])
    with pytest.raises(TypeError, match="work must be a WorkResult"):
        figures.work_figure(small["one"])
