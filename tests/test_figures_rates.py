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

    fig, axes = figures.rates_figure(small["convex"], small["strong"])
    left, right = axes
    assert "O(1/√k)" in left.get_title() and "O(1/k)" in right.get_title()
    assert left.get_xscale() == right.get_yscale() == "log"
    assert left.get_xlabel() == "iteration k"
    assert any("slope" in t for t in _legend(left)) and any("k^(−1)" in t for t in _legend(right))
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(),
                                  small["convex"].average_excess[1:, 0])
    np.testing.assert_array_equal(right.get_lines()[0].get_ydata(), small["strong"].excess[1:])
    plt.close(fig)


def test_work_figure(small):
    import matplotlib.pyplot as plt

    fig, ax = figures.work_figure(small["work"])
    assert ax.get_xlabel().startswith("training-set size n")
    assert "per update" in ax.get_ylabel()
    assert ax.get_lines()[0].get_ydata().tolist() == [10, 10, 10]
    assert ax.get_lines()[1].get_ydata().tolist() == [100, 1000, 10_000]
    assert len(_legend(ax)) == 2
    plt.close(fig)


def test_one_pass_figure(small):
    import matplotlib.pyplot as plt

    one = small["one"]
    fig, ax = figures.one_pass_figure(one)
    assert "of an epoch" in ax.get_title() and ax.get_xlabel() == "examples seen"
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), one.test_loss[1:])
    verticals = [line.get_xdata()[0] for line in ax.get_lines()[3:]]
    assert verticals == [one.examples_to_tolerance, one.n]
    assert any("one epoch" in t for t in _legend(ax))
    plt.close(fig)


def test_floor_figure(small):
    import matplotlib.pyplot as plt

    fl = small["floor"]
    fig, ax = figures.floor_figure(fl)
    assert "O(1/k)" in ax.get_title() and ax.get_xlabel() == "examples seen k"
    k = fl.sgd_examples[1:]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), 0.25 * 4 / (2 * k))
    np.testing.assert_array_equal(ax.get_lines()[2].get_xdata(), [2000, 4000, 6000])
    assert any("Cramér–Rao" in t for t in _legend(ax))
    plt.close(fig)


def test_growing_batch_figure(small):
    import matplotlib.pyplot as plt

    g = small["growing"]
    fig, ax = figures.growing_batch_figure(g)
    assert "growing minibatch" in ax.get_title()
    assert _legend(ax) == list(g.labels)
    np.testing.assert_array_equal(ax.get_lines()[2].get_xdata(), 200 * np.arange(1, 6))
    plt.close(fig)


def test_figures_reject_wrong_results(small):
    with pytest.raises(TypeError, match="convex must be a ConvexRateResult"):
        figures.rates_figure(small["strong"], small["strong"])
    with pytest.raises(TypeError, match="work must be a WorkResult"):
        figures.work_figure(small["one"])
