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
                                      window=(100, 1000), budgets=(100, 2000, 6000)),
        growing=rates.growing_batch(n=200, dim=3, epochs=5, repeats=2, budgets=(20, 200, 1000)),
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
    assert any("slope" in t for t in _legend(left)) and any("k^(−1)" in t for t in _legend(right))
    convex, strong = small["convex"], small["strong"]
    for j in range(len(convex.noise)):
        np.testing.assert_array_equal(drawn.lines["average"][j].get_ydata(), convex.average_excess[1:, j])
        np.testing.assert_array_equal(drawn.lines["last"][j].get_ydata(), convex.last_excess[1:, j])
    np.testing.assert_array_equal(drawn.lines["strong"].get_ydata(), strong.excess[1:])
    # The references have the slopes they name.
    for name, power in (("convex reference", -0.5), ("strong reference", -1.0)):
        x, y = drawn.lines[name].get_data()
        np.testing.assert_allclose(np.diff(np.log(y)) / np.diff(np.log(x)), power, rtol=1e-9)
    assert drawn.lines["strong"].axes is right and drawn.lines["average"][0].axes is left
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
    fig, ax = drawn
    assert "of an epoch" in ax.get_title() and ax.get_xlabel() == "examples seen"
    np.testing.assert_array_equal(drawn.lines["test error"].get_ydata(), one.test_loss[1:])
    assert drawn.lines["threshold"].get_ydata()[0] == one.threshold
    assert drawn.lines["noise level"].get_ydata()[0] == one.noise_floor
    assert drawn.lines["tolerance reached"].get_xdata()[0] == one.examples_to_tolerance
    assert drawn.lines["one epoch"].get_xdata()[0] == one.n
    assert any("one epoch" in t for t in _legend(ax))
    plt.close(fig)


def test_floor_figure(small):
    import matplotlib.pyplot as plt

    fl = small["floor"]
    drawn = figures.floor_figure(fl)
    fig, ax = drawn
    assert "O(1/k)" in ax.get_title() and ax.get_xlabel() == "examples seen k"
    k = fl.sgd_examples[1:]
    np.testing.assert_array_equal(drawn.lines["sgd"].get_ydata(), fl.sgd_excess[1:])
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
    assert _legend(ax) == list(g.labels)
    np.testing.assert_array_equal(drawn.lines["excess"][2].get_xdata(), 200 * np.arange(1, 6))
    assert [line.get_xdata()[0] for line in drawn.lines["budgets"]] == list(g.budgets)
    plt.close(fig)


def test_figures_reject_wrong_results(small):
    with pytest.raises(TypeError, match="convex must be a ConvexRateResult"):
        figures.rates_figure(small["strong"], small["strong"])
    with pytest.raises(TypeError, match="work must be a WorkResult"):
        figures.work_figure(small["one"])
