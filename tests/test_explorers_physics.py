"""coursekit.explorers.physics: controls move the artists to independently computed data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit.explorers import physics as explorers

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def euler_oracle(drag, c, v0, n=500, h=0.05, lam=(1.0, 4.0), theta0=(-2.5, 1.5)):
    """The semi-implicit Euler loop written out for one particle on J = ½(θ₁² + 4θ₂²)."""
    lam = np.array(lam)
    theta, v = np.array(theta0, dtype=float), np.array(v0, dtype=float)
    path, vel = [theta.copy()], [v.copy()]
    for _ in range(n):
        g = lam * theta
        if drag == "viscous":
            v = v - h * c * v - h * g
        elif drag == "turbulent":
            v = v - h * c * np.linalg.norm(v) * v - h * g
        else:
            u = v - h * g
            s = np.linalg.norm(u)
            v = (1 - h * c / s) * u if s > h * c else np.zeros(2)
        theta = theta + h * v
        path.append(theta.copy())
        vel.append(v.copy())
    return np.array(path), np.array(vel)


def test_initial_figure_and_controls():
    explorer = explorers.drag_explorer()
    assert set(explorer.controls) == {"drag", "coefficient", "v1", "v2"}
    artists = explorer.artists
    assert set(artists) == {"path", "end", "band", "phase1", "phase2", "status"}
    left, right = explorer.figure.axes[:2]
    assert artists["path"].axes is left and artists["phase1"].axes is right
    path, vel = euler_oracle("viscous", 1.0, (0.0, 0.0))
    np.testing.assert_allclose(artists["path"].get_xydata(), path, atol=1e-12)
    np.testing.assert_allclose(artists["phase1"].get_xdata(), path[:, 0], atol=1e-12)
    np.testing.assert_allclose(artists["phase2"].get_ydata(), vel[:, 1], atol=1e-12)
    assert len(artists["band"].get_xdata()) == 0
    assert "viscous drag" in explorer.figure.get_suptitle()
    # The legend names the minimum with the star contour_paths drew at θ* = 0.
    legend = {t.get_text() for t in left.get_legend().get_texts()}
    assert legend == {"path θ(t)", "θ(T)", "dry band ‖∇J‖ = c", "θ*"}
    (star,) = [line for line in left.get_lines() if line.get_label() == "θ*"]
    assert star.get_xydata().tolist() == [[0.0, 0.0]]
    explorer.close()


@pytest.mark.parametrize("drag, c, v1, v2", [("dry", 0.8, 1.0, 0.0), ("turbulent", 2.0, -1.5, 2.0),
                                             ("viscous", 0.1, 3.0, -3.0)])
def test_controls_move_the_artists(drag, c, v1, v2):
    explorer = explorers.drag_explorer()
    explorer.set(drag=drag, coefficient=c, v1=v1, v2=v2)
    artists = explorer.artists
    path, vel = euler_oracle(drag, c, (v1, v2))
    np.testing.assert_allclose(artists["path"].get_xydata(), path, atol=1e-10)
    np.testing.assert_allclose(artists["end"].get_xydata(), path[-1:], atol=1e-10)
    np.testing.assert_allclose(artists["phase1"].get_ydata(), vel[:, 0], atol=1e-10)
    np.testing.assert_allclose(artists["phase2"].get_xdata(), path[:, 1], atol=1e-10)
    band = artists["band"]
    if drag == "dry":
        xy = band.get_xydata()
        np.testing.assert_allclose(np.hypot(xy[:, 0], 4 * xy[:, 1]), c, rtol=1e-12)  # ‖Hθ‖ = c
    else:
        assert len(band.get_xdata()) == 0
    title = explorer.figure.get_suptitle()
    assert f"{drag} drag" in title and f"‖θ − θ*‖ = {np.linalg.norm(path[-1]):.2g}" in title
    assert explorer.last_error is None
    explorer.close()


def test_single_control_change_updates():
    explorer = explorers.drag_explorer()
    explorer.controls["v2"].value = 2.0
    _, vel = euler_oracle("viscous", 1.0, (0.0, 2.0))
    np.testing.assert_allclose(explorer.artists["phase2"].get_ydata(), vel[:, 1], atol=1e-12)
    explorer.close()



def test_bad_arguments():
    with pytest.raises(ValueError, match=r"drag must be one of \('viscous', 'turbulent', 'dry'\), got 'none'"):
        explorers.drag_explorer(drag="none")
    with pytest.raises(ValueError, match=r"coefficient must be in \[0.05, 3\], got 5.0"):
        explorers.drag_explorer(coefficient=5.0)
    with pytest.raises(ValueError, match=r"velocity0 must be two numbers in \[-3, 3\]"):
        explorers.drag_explorer(velocity0=(4.0, 0.0))


@pytest.mark.parametrize("drag, c, v1, v2", [("viscous", 1.0, 0.0, 0.0), ("dry", 0.8, 1.0, 0.0),
                                             ("turbulent", 0.1, 3.0, -3.0)])
def test_phase_axes_fit_the_data_of_the_three_drags(drag, c, v1, v2):
    explorer = explorers.drag_explorer()
    explorer.set(drag=drag, coefficient=c, v1=v1, v2=v2)
    right = explorer.figure.axes[1]
    paths = [euler_oracle(other, c, (v1, v2)) for other in ("viscous", "turbulent", "dry")]
    for (lo, hi), data in ((right.get_xlim(), np.concatenate([p for p, _ in paths])),
                           (right.get_ylim(), np.concatenate([v for _, v in paths]))):
        low, high = min(0.0, data.min()), max(0.0, data.max())
        assert lo < low and high < hi  # every point inside, θ* too
        assert hi - lo <= 1.2 * (high - low) + 2.0  # no more than the margin and the rounding to 1
    explorer.close()


def test_phase_axes_of_the_default_view_are_not_the_old_fixed_ones():
    explorer = explorers.drag_explorer()
    right = explorer.figure.axes[1]
    # The data lie within [−2.5, 1.5] × [−2.2, 2.2]; the axes were fixed at ±4 × ±6 before.
    (x0, x1), (y0, y1) = right.get_xlim(), right.get_ylim()
    assert x1 - x0 <= 5.0 and y1 - y0 <= 6.0
    explorer.close()


def test_phase_limits():
    assert explorers.phase_limits(np.array([0.2, 0.4]), np.array([-0.1, 0.1])) == ((-1.0, 1.0), (-1.0, 1.0))
    assert explorers.phase_limits(np.array([-4.2, 3.0]), np.array([np.inf, 1.0])) == ((-5.0, 4.0), (-1.0, 2.0))
