"""coursekit.figures.network_momentum: panels, labels, legends and the plotted data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit.experiments import network_momentum as E
from coursekit.figures import network_momentum as F

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def test_effective_step_figure_plots_mean_cost_against_the_effective_step():
    import matplotlib.pyplot as plt

    res = E.network_momentum(lrs=(0.01, 0.1), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1, 1.0),
                             steps=3, seeds=2, batch_size=8)
    drawn = F.effective_step_figure(res)
    fig, axes = drawn
    assert len(axes) == 2
    assert set(drawn.lines) == {"minibatch SGD", "minibatch momentum", "minibatch Nesterov",
                                "full batch GD", "full batch momentum", "full batch Nesterov"}
    for ax in axes:
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert ax.get_xlabel() == "effective step ε/(1 − α)" and ax.get_legend() is not None
    assert "training cost J after 3 updates" in axes[0].get_ylabel()
    mom = res.minibatch[1]
    x, y = drawn.lines["minibatch momentum"].get_data()
    np.testing.assert_allclose(x, mom.lr / (1 - 0.9))
    np.testing.assert_allclose(y, mom.mean_loss())
    plt.close(fig)


def test_effective_step_figure_rejects_other_results():
    with pytest.raises(TypeError):
        F.effective_step_figure(object())
