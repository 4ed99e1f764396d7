"""Explorers of the momentum lecture: artists move to independently computed values."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import momentum_theory as T
from coursekit.explorers import momentum as X


@pytest.fixture(autouse=True)
def _clean(strict_and_leak_free):
    yield


def loop_paths(lr, alpha, kappa, steps):
    """Algorithm 8.2 on the canyon, written out, from θ_0 = (−10, 1)."""
    lam = np.array([1.0, kappa])
    theta, v = np.array(X.THETA0), np.zeros(2)
    out = [theta.copy()]
    for _ in range(steps):
        v = alpha * v - lr * lam * theta
        theta = theta + v
        out.append(theta.copy())
    return np.array(out)


def test_canyon_explorer_moves_paths_and_text():
    explorer = X.canyon_explorer(steps=200)
    gd_line, m_line = explorer.artists["gd path"], explorer.artists["momentum path"]
    assert gd_line.get_label().startswith("gradient descent") and m_line.get_label().startswith("momentum")
    explorer.set(lr=0.03, momentum=0.8, condition_number=20.0)
    np.testing.assert_allclose(m_line.get_xdata(), loop_paths(0.03, 0.8, 20.0, 200)[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gd_line.get_ydata(), loop_paths(0.03, 0.0, 20.0, 200)[:, 1], rtol=1e-12, atol=1e-12)
    # The innermost contour ellipse has semi-axes r and r/√κ.
    ellipse = explorer.artists["contour 0"]
    assert np.max(ellipse.get_xdata()) == pytest.approx(0.25)
    assert np.max(ellipse.get_ydata()) == pytest.approx(np.max(ellipse.get_xdata()) / np.sqrt(20.0), rel=1e-3)
    # Steps to J − J* ≤ 1e-6 for momentum, counted by brute force.
    path = loop_paths(0.03, 0.8, 20.0, 200)
    excess = 0.5 * (path[:, 0] ** 2 + 20.0 * path[:, 1] ** 2)
    expected = next(k for k in range(201) if np.all(excess[k:] <= 1e-6))
    assert f"momentum {expected}" in explorer.artists["caption"].get_text()
    explorer.close()


def test_canyon_explorer_reports_divergence_without_error():
    explorer = X.canyon_explorer(steps=100)
    explorer.set(lr=0.09, condition_number=50.0)  # ε L = 4.5 > 2 + 2α: both diverge
    assert explorer.last_error is None
    assert "GD > 100 (not reached)" in explorer.artists["caption"].get_text()
    # Both runs diverge: NaN from the step the runner stopped them, finite before.
    for name in ("gd path", "momentum path"):
        path = explorer.artists[name].get_xydata()
        assert np.isnan(path[-1]).all() and np.isfinite(path[0]).all()
    explorer.close()


def test_rate_map_explorer_marker_text_and_image():
    explorer = X.rate_map_explorer()
    explorer.set(lr_L=3.0, momentum=0.7, condition_number=49.0)
    assert explorer.artists["marker"].get_xydata().tolist() == [[3.0, 0.7]]
    best_lr_L = 4.0 / (1.0 + np.sqrt(1.0 / 49.0)) ** 2
    np.testing.assert_allclose(explorer.artists["optimum"].get_xdata(), [best_lr_L])
    rate = max(np.max(np.abs(np.linalg.eigvals([[1 - s, 0.7], [-s, 0.7]]))) for s in (3.0, 3.0 / 49.0))
    caption = explorer.artists["caption"].get_text()
    assert f"ρ = {rate:.4f}" in caption and "optimum ρ* = 0.7500" in caption
    # The image is the speed (1 − ρ)/(1 − ρ*): 1 at the optimum (ρ* = 0.75 for κ = 49),
    # −1 (grey) where ε·L ≥ 2 + 2α; at (3.0, 0.7) it is (1 − ρ)/0.25.
    image = np.asarray(explorer.artists["image"].get_array())
    assert image.max() == pytest.approx(1.0, abs=0.02) and image.min() == -1.0
    lr_L, momenta = np.linspace(4.0 / 161, 4.0, 161), np.linspace(0.0, 0.995, 100)
    row, col = np.argmin(np.abs(momenta - 0.7)), np.argmin(np.abs(lr_L - 3.0))
    near = max(np.max(np.abs(np.linalg.eigvals([[1 - s, momenta[row]], [-s, momenta[row]]])))
               for s in (lr_L[col], lr_L[col] / 49.0))
    assert image[row, col] == pytest.approx((1.0 - near) / 0.25, rel=1e-9)
    assert T.spectrum_rate(3.0, 0.7, 1 / 49.0, 1.0) == pytest.approx(rate, rel=1e-6)
    explorer.close()


def test_relative_speed_is_one_at_the_optimum_and_negative_when_unstable():
    rate = np.array([[0.75, 0.875], [0.9999, 1.0]])
    np.testing.assert_allclose(X.relative_speed(rate, 0.75), [[1.0, 0.5], [0.0004, -1.0]], atol=1e-12)
    assert rate.tolist() == [[0.75, 0.875], [0.9999, 1.0]]


def test_a_condition_number_move_keeps_the_colour_bar_and_only_blits():
    explorer = X.rate_map_explorer()
    background = explorer.renderer._background
    assert background is not None and explorer.renderer.blits
    explorer.controls["condition_number"].value = 1000.0
    assert explorer.renderer._background is background
    explorer.close()



def test_bad_arguments():
    with pytest.raises(ValueError, match="condition_number must be in"):
        X.canyon_explorer(condition_number=1000.0)
    with pytest.raises(ValueError, match="lr_L must be in"):
        X.rate_map_explorer(lr_L=5.0)
