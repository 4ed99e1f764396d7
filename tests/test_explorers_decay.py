"""Explorer of lecture 01: artists move to independently computed values."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")

from coursekit.experiments.decay import noisy_quadratic  # noqa: E402
from coursekit.explorers import decay as explorers  # noqa: E402


def _oracle_curve(lrs, seed=0, repeats=8, steps=300):
    """Brute-force SGD loop with the same draws as the runner (noise N(0, 1), m = 1)."""
    q = noisy_quadratic()
    rng = np.random.default_rng(seed)
    theta = np.full((repeats, q.dim), 3.0)
    out = [np.mean(0.5 * np.sum(q.eigenvalues * theta**2, axis=-1))]
    for k in range(1, steps + 1):
        noise = rng.standard_normal((repeats, q.dim))
        theta = theta - lrs[k - 1] * (q.eigenvalues * theta + noise)
        out.append(np.mean(0.5 * np.sum(q.eigenvalues * theta**2, axis=-1)))
    return np.array(out)


def test_sliders_move_the_artists_to_the_right_values(strict_and_leak_free):
    explorer = explorers.schedule_explorer()
    top, bottom = explorer.figure.axes
    explorer.set(lr0=0.2, ratio=0.1, tau=100)
    k = np.arange(1, 301)
    a = np.minimum(k / 100, 1.0)
    expected_lr = (1 - a) * 0.2 + a * 0.02
    artists = explorer.artists
    np.testing.assert_allclose(artists["linear rate"].get_ydata()[1:], expected_lr, rtol=1e-13)
    np.testing.assert_allclose(artists["linear curve"].get_xdata(), np.arange(0, 301, 3))
    np.testing.assert_allclose(artists["linear curve"].get_ydata(), _oracle_curve(expected_lr)[::3],
                               rtol=1e-10)
    np.testing.assert_allclose(artists["constant curve"].get_ydata(),
                               _oracle_curve(np.full(300, 0.2))[::3], rtol=1e-10)
    assert "final J − J*" in artists["readout"].get_text()
    explorer.close()
