"""coursekit.explorers.nesterov: the artists move to independently computed paths."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit.explorers import nesterov as X
from tests.oracles import heavy_ball_path

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def test_moving_sliders_moves_both_paths_and_the_text():
    explorer = X.canyon_explorer(steps=120)
    ax = explorer.figure.axes[0]
    explorer.set(lr=0.01, momentum=0.6)
    for name, look_ahead in (("momentum", False), ("nesterov", True)):
        expected = heavy_ball_path(0.01, 0.6, 120, look_ahead, (1.0, 50.0), (-1.0, 0.5))
        np.testing.assert_allclose(explorer.artists[f"{name} line"].get_xydata(), expected, atol=1e-12)
        np.testing.assert_allclose(explorer.artists[f"{name} start"].get_xydata(), expected[:1])
        np.testing.assert_allclose(explorer.artists[f"{name} end"].get_xydata(), expected[-1:], atol=1e-12)
    assert explorer.artists["momentum line"].get_label() == "momentum (Algorithm 8.2)"
    assert explorer.artists["nesterov line"].get_label() == "Nesterov (Algorithm 8.3)"
    # Hitting times by brute force: first k from which J stays ≤ 1e-4.
    text = explorer.artists["text"].get_text()
    assert text == ax.texts[0].get_text()
    for name, look_ahead in (("momentum", False), ("Nesterov", True)):
        path = heavy_ball_path(0.01, 0.6, 120, look_ahead, (1.0, 50.0), (-1.0, 0.5))
        loss = 0.5 * (path[:, 0] ** 2 + 50 * path[:, 1] ** 2)
        below = loss <= 1e-4
        k = next((i for i in range(121) if below[i:].all()), None)
        expected = f"{name}: {k} iterations" if k is not None else f"{name}: not within 120 iterations"
        assert expected in text
    explorer.close()


def test_divergence_is_reported():
    explorer = X.canyon_explorer(steps=100)
    explorer.set(lr=0.07, momentum=0.8)  # ελ = 3.5 < 2(1+α) for momentum, > Nesterov's limit
    text = explorer.artists["text"].get_text()
    assert "Nesterov: diverged at k =" in text and "momentum: diverged" not in text
    # The Nesterov end marker stays at the last finite iterate.
    path = explorer.artists["nesterov line"].get_xydata()
    finite = path[np.isfinite(path).all(axis=1)]
    assert len(finite) < len(path)
    np.testing.assert_array_equal(explorer.artists["nesterov end"].get_xydata(), finite[-1:])
    explorer.close()


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"lr must be in \[0.001, 0.08\], got 0.5"):
        X.canyon_explorer(lr=0.5)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(2,\)"):
        X.canyon_explorer(theta0=[1.0])
