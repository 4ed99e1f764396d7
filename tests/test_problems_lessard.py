"""coursekit.problems.LessardFunction: the counterexample of Lessard, Recht & Packard (2016, §4.6)."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.problems import LessardFunction


def test_gradient_pieces_and_continuity():
    f = LessardFunction()
    x = np.array([[-2.0], [0.5], [1.0], [1.5], [2.0], [3.0]])
    np.testing.assert_allclose(f.grad(x).ravel(), [-50.0, 12.5, 25.0, 25.5, 26.0, 51.0])
    for edge in (1.0, 2.0):  # J and ∇J are continuous at the breakpoints
        below, above = f.loss([[edge - 1e-12]]), f.loss([[edge]])
        assert abs(below - above) < 1e-9
        assert abs(f.grad([[edge - 1e-12]]) - f.grad([[edge]])).max() < 1e-9


def test_gradient_matches_finite_differences_and_minimum_is_zero():
    f = LessardFunction(extra_curvatures=[1.0, 4.0])
    rng = np.random.default_rng(0)
    theta = rng.uniform(-4, 4, size=(20, 3))
    h = 1e-6
    numeric = np.stack([(f.loss(theta + h * e) - f.loss(theta - h * e)) / (2 * h) for e in np.eye(3)], axis=-1)
    np.testing.assert_allclose(f.grad(theta), numeric, atol=1e-5)
    assert f.loss(np.zeros(3)) == 0.0 and np.all(f.loss(theta) > 0)


def test_smooth_and_strongly_convex_slopes_lie_in_mu_to_L():
    f = LessardFunction()
    x = np.linspace(-5, 5, 2001)[:, None]
    slopes = np.diff(f.grad(x).ravel()) / np.diff(x.ravel())
    assert slopes.min() >= 1.0 - 1e-9 and slopes.max() <= 25.0 + 1e-9
    assert f.condition_number == 25.0 and f.dim == 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(L=-1.0), r"L must be in"),
    (dict(mu=30.0), r"mu must be in"),
    (dict(extra_curvatures=[50.0]), r"extra_curvatures must lie in"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LessardFunction(**kwargs)
