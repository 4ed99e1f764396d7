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
