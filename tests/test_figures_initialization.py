"""Unit tests of coursekit.figures.initialization: titles, labels, legends, plotted data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.experiments import initialization as ini
from coursekit.figures import initialization as figures

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


@pytest.fixture(scope="module")
def small_comparison():
    schemes = (ini.MLP_SCHEMES[3], ini.MLP_SCHEMES[1], ini.MLP_SCHEMES[-1])
    return ini.compare_initializers(schemes, hidden=(8,), steps=30, seeds=2, record_every=5)


@pytest.fixture(scope="module")
def small_propagation():
    return ini.signal_propagation(ini.DEEP_SCHEMES[:4], depth=4, width=16, n_samples=16)


def test_comparison_curves_plots_each_scheme(small_comparison):
    drawn = figures.comparison_curves(small_comparison, seed=1)
    fig, ax = drawn
    lines = drawn.lines["curves"]
    assert len(lines) == 3
    for i, line in enumerate(lines):
        # a curve entirely above the plot (J > 10³) has no legend entry; the text names it
        assert line.get_label().lstrip("_").startswith(small_comparison.labels[i])
        if line.get_label().startswith("_"):
            assert np.all(small_comparison.loss[:, i, 1][np.isfinite(small_comparison.loss[:, i, 1])] > 1e3)
            assert any(small_comparison.labels[i] in t.get_text() for t in ax.texts)
        np.testing.assert_array_equal(line.get_xdata(), small_comparison.steps)
        np.testing.assert_array_equal(line.get_ydata(), small_comparison.loss[:, i, 1])
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "iteration k" and "J(θ_k)" in ax.get_ylabel()
    assert ax.get_title() and ax.get_legend() is not None
    # the title names the seed and the record grid; earlier schemes are drawn on top
    assert "seed 1 of 2" in ax.get_title() and "every 5 updates" in ax.get_title()
    zorders = [line.get_zorder() for line in lines]
    assert zorders == sorted(zorders, reverse=True)
    assert len({(line.get_marker(), line.get_linestyle()) for line in lines}) == len(lines)
    plt.close(fig)


def test_propagation_two_panels_log_y(small_propagation):
    for quantity, data in (("activation", small_propagation.activation_std),
                           ("gradient", small_propagation.gradient_std)):
        drawn = figures.propagation(small_propagation, quantity=quantity)
        fig, axes = drawn
        assert len(axes) == 2 and list(drawn.lines) == list(small_propagation.activations)
        for a, ax in enumerate(axes):
            activation = small_propagation.activations[a]
            assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer l"
            assert activation in ax.get_title()
            assert len(drawn.lines[activation]) == len(small_propagation.labels)
            for s, line in enumerate(drawn.lines[activation]):
                assert line.axes is ax and line.get_label() == small_propagation.labels[s]
                np.testing.assert_array_equal(line.get_ydata(), data[a, s])
                # shifted sideways by less than half a layer, so that equal curves show side by side
                shift = line.get_xdata() - small_propagation.layers
                assert np.ptp(shift) == pytest.approx(0.0, abs=1e-12) and abs(shift[0]) < 0.5
            shifts = {round(float(line.get_xdata()[0] - 1), 9) for line in drawn.lines[activation]}
            assert len(shifts) == len(small_propagation.labels)
            # the curves sit below the zoom inset (bottom 58% of the log axis)
            low, high = np.log10(ax.get_ylim())
            finite = data[a][np.isfinite(data[a]) & (data[a] > 0)]  # each panel has its own y range
            assert np.log10(finite.max()) <= low + 0.6 * (high - low)
        assert "std" in axes[0].get_ylabel()
        assert fig.get_suptitle() and len(fig.legends) == 1
        assert [t.get_text() for t in fig.legends[0].get_texts()] == list(small_propagation.labels)
        plt.close(fig)


def test_singular_value_spread_plots_ratios():
    result = ini.linear_products((1, 2, 4), width=8)
    drawn = figures.singular_value_spread(result)
    fig, ax = drawn
    ortho, gauss = drawn.lines["orthogonal"], drawn.lines["gaussian"]
    np.testing.assert_array_equal(ortho.get_ydata(), result.orthogonal_ratio)
    np.testing.assert_array_equal(gauss.get_ydata(), result.gaussian_ratio)
    assert ax.get_yscale() == "log"
    assert ax.get_title() and ax.get_legend() is not None and "depth" in ax.get_xlabel()
    plt.close(fig)


def test_bad_arguments(small_comparison, small_propagation):
    with pytest.raises(TypeError, match="result must be a ComparisonResult"):
        figures.comparison_curves(small_propagation)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 1\], got 2"):
        figures.comparison_curves(small_comparison, seed=2)
    with pytest.raises(ValueError, match="quantity must be one of 'activation', 'gradient'"):
        figures.propagation(small_propagation, quantity="weights")
    with pytest.raises(TypeError, match="result must be a LinearProductResult"):
        figures.singular_value_spread(small_comparison)
