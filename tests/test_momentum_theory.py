"""Heavy-ball theory: the spectral radius of the 2×2 matrix, stability and the optima.

Oracles: the matrix T itself (checked against the optimizer the lectures
use), brute-force powers of it, numpy eigenvalues, a grid search for the
optimum.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import momentum_theory as T
from coursekit.optimizers import OptimizerState
from coursekit.optimizers import momentum as momentum_optimizer


def explicit_matrix(lr, alpha, lam):
    """T(ε, α, λ) of the module docstring: one step of Algorithm 8.2 on the column (x, v)."""
    return np.array([[1.0 - lr * lam, alpha], [-lr * lam, alpha]])


@given(lr=st.floats(1e-3, 1.0), alpha=st.floats(0.0, 0.99), lam=st.floats(0.0, 3.0),
       x0=st.floats(-5.0, 5.0), v0=st.floats(-1.0, 1.0), steps=st.integers(0, 40))
@settings(max_examples=40, deadline=None)
def test_the_matrix_oracle_is_algorithm_8_2_along_one_direction(lr, alpha, lam, x0, v0, steps):
    # (x_k, v_k) = T^k (x_0, v_0) is what coursekit.optimizers.momentum does on J = ½ λ x².
    opt = momentum_optimizer(lr, alpha)
    theta, state = np.array([x0]), OptimizerState(velocity=np.array([v0]), step=0)
    for _ in range(steps):
        theta, state = opt.step(theta, state, lambda t: lam * t)
    power = np.linalg.matrix_power(explicit_matrix(lr, alpha, lam), steps)
    # Rounding is relative to the size of the terms summed, which may grow (ρ > 1) and cancel.
    scale = 1.0 + np.abs(power).max() * (abs(x0) + abs(v0))
    np.testing.assert_allclose([theta[0], state.velocity[0]], power @ [x0, v0], rtol=0, atol=1e-12 * scale)


@given(lr=st.floats(1e-3, 2.0), alpha=st.floats(0.0, 0.99), lam=st.floats(0.01, 5.0))
@settings(max_examples=50, deadline=None)
def test_spectral_radius_equals_numpy_eigenvalues(lr, alpha, lam):
    expected = np.max(np.abs(np.linalg.eigvals(explicit_matrix(lr, alpha, lam))))
    # Near a double root numpy's eigenvalues are themselves only ~1e-8 accurate.
    assert T.spectral_radius(lr, alpha, lam) == pytest.approx(expected, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("lr, alpha, lam", [(0.1, 0.9, 1.0), (0.3, 0.2, 1.0), (0.05, 0.5, 30.0), (0.4, 0.0, 2.0)])
def test_spectral_radius_is_the_rate_of_matrix_powers(lr, alpha, lam):
    # ‖T^k‖^(1/k) → ρ (Gelfand's formula); the ratio ‖T^2k‖/‖T^k‖ cancels the constant.
    m = explicit_matrix(lr, alpha, lam)
    k = 150
    ratio = np.linalg.norm(np.linalg.matrix_power(m, 2 * k), 2) / np.linalg.norm(np.linalg.matrix_power(m, k), 2)
    assert ratio ** (1.0 / k) == pytest.approx(T.spectral_radius(lr, alpha, lam), rel=3e-3)


def test_vectorized_over_a_grid_matches_scalar_calls():
    lrs = np.linspace(0.01, 3.9, 7)
    alphas = np.linspace(0.0, 0.98, 5)
    grid = T.spectral_radius(lrs[None, :], alphas[:, None], 1.0)
    assert grid.shape == (5, 7)
    for i, a in enumerate(alphas):
        for j, e in enumerate(lrs):
            expected = np.max(np.abs(np.linalg.eigvals(explicit_matrix(e, a, 1.0))))
            assert grid[i, j] == pytest.approx(expected, rel=1e-6, abs=1e-7)


@given(alpha=st.floats(0.0, 0.98), offset=st.floats(0.01, 0.5))
@settings(max_examples=40, deadline=None)
def test_stability_boundary_two_plus_two_alpha(alpha, offset):
    edge = 2.0 + 2.0 * alpha
    inside, outside = edge - offset, edge + offset
    assert T.stable(inside, alpha, 1.0) and not T.stable(outside, alpha, 1.0)
    assert T.spectral_radius(inside, alpha, 1.0) < 1.0 < T.spectral_radius(outside, alpha, 1.0)
    # On the boundary a root is exactly −1.
    assert np.min(np.abs(np.linalg.eigvals(explicit_matrix(edge, alpha, 1.0)) + 1.0)) < 1e-6
    assert T.max_stable_lr(alpha, 4.0) == pytest.approx(edge / 4.0)


def test_under_damped_rate_is_sqrt_alpha_and_critical_damping():
    assert T.spectral_radius(0.01, 0.81, 1.0) == pytest.approx(0.9, abs=1e-14)
    for lr_lam in (0.01, 0.25, 0.7, 2.5):
        alpha = T.critical_momentum(lr_lam, 1.0)
        eig = np.linalg.eigvals(explicit_matrix(lr_lam, alpha, 1.0))
        assert abs(eig[0] - eig[1]) < 1e-6  # a double eigenvalue
        assert T.damping(lr_lam, alpha, 1.0) == "critical"
    assert T.damping(0.1, 0.9, 1.0) == "under" and T.damping(0.1, 0.05, 1.0) == "over"


def test_spectrum_rate_is_max_over_all_eigenvalues_between_mu_and_L():
    mu, L = 0.5, 40.0
    lams = np.linspace(mu, L, 400)
    for lr, alpha in [(0.02, 0.5), (0.05, 0.8), (0.09, 0.3), (0.04, 0.0)]:
        brute = max(np.max(np.abs(np.linalg.eigvals(explicit_matrix(lr, alpha, lam)))) for lam in lams)
        assert T.spectrum_rate(lr, alpha, mu, L) == pytest.approx(brute, rel=1e-6)


@pytest.mark.parametrize("kappa", [4.0, 100.0, 1000.0])
def test_optimal_parameters_beat_a_grid_search_and_match_formulas(kappa):
    mu, L = 1.0, kappa
    lr, alpha, rate = T.optimal_parameters(mu, L)
    rk = np.sqrt(kappa)
    assert rate == pytest.approx((rk - 1) / (rk + 1), rel=1e-14)
    assert alpha == pytest.approx(((rk - 1) / (rk + 1)) ** 2, rel=1e-14)
    assert lr == pytest.approx(4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2, rel=1e-14)
    assert T.spectrum_rate(lr, alpha, mu, L) == pytest.approx(rate, rel=1e-9)
    lrs = np.linspace(0.01, 4.0, 300) / L
    alphas = np.linspace(0.0, 0.999, 300)
    grid = T.spectrum_rate(lrs[None, :], alphas[:, None], mu, L)
    assert grid.min() >= rate - 1e-9
    gd_lr, gd_rate = T.gd_optimal_parameters(mu, L)
    assert gd_rate == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-14)
    assert T.spectrum_rate(gd_lr, 0.0, mu, L) == pytest.approx(gd_rate, rel=1e-12)
    assert np.min(T.spectrum_rate(lrs, 0.0, mu, L)) >= gd_rate - 1e-12
    assert rate < gd_rate


def test_inputs_unchanged():
    lrs, alphas = np.array([0.1, 0.2]), np.array([0.5, 0.9])
    a, b = lrs.copy(), alphas.copy()
    T.spectral_radius(lrs, alphas, 1.0)
    T.spectrum_rate(lrs, alphas, 1.0, 2.0)
    np.testing.assert_array_equal(lrs, a)
    np.testing.assert_array_equal(alphas, b)


def test_bad_inputs_raise_with_message():
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.2"):
        T.spectral_radius(0.1, 1.2, 1.0)
    with pytest.raises(ValueError, match=r"lr must be in \[0, inf\)"):
        T.spectral_radius(-0.1, 0.5, 1.0)
    with pytest.raises(ValueError, match="eigenvalue must be in"):
        T.stable(0.1, 0.5, -1.0)
    with pytest.raises(ValueError, match="L must be >= mu"):
        T.optimal_parameters(2.0, 1.0)
    with pytest.raises(ValueError, match=r"lr \* eigenvalue must be in \(0, 4\)"):
        T.critical_momentum(5.0, 1.0)
    with pytest.raises(ValueError, match="do not broadcast"):
        T.spectral_radius(np.ones(2), np.zeros(3), 1.0)


@given(lr=st.floats(1e-3, 2.0), alpha=st.floats(0.0, 0.99), lam=st.floats(0.01, 5.0))
@settings(max_examples=40, deadline=None)
def test_roots_are_the_eigenvalues_of_the_matrix(lr, alpha, lam):
    expected = np.sort_complex(np.linalg.eigvals(explicit_matrix(lr, alpha, lam)))
    np.testing.assert_allclose(np.sort_complex(T.roots(lr, alpha, lam)), expected, atol=1e-7)


@pytest.mark.parametrize("lr, alpha, lam, kind", [
    (0.1, 0.9, 1.0, "complex"),
    (0.1, 0.1, 1.0, "real positive"),     # ελ < (1 − √α)²
    (1.96, 0.0, 1.0, "real negative"),    # gradient descent's zig-zag
    (3.3058, 0.6694, 1.0, "real negative"),  # Polyak's steep direction, κ = 100 (double root −0.818)
    (0.25, 0.25, 1.0, "real positive"),   # critical, double root +0.5
    (2.25, 0.25, 1.0, "real negative"),   # critical, double root −0.5
])
def test_root_kind(lr, alpha, lam, kind):
    assert T.root_kind(lr, alpha, lam, atol=1e-6) == kind
    # The sign of x_k along the direction: negative roots alternate, positive ones never cross.
    x = np.array([1.0, 1.0 - lr * lam])  # x_0, x_1 from v_0 = 0
    if kind == "real negative":
        assert x[1] < 0


def _stationary_by_iteration(lr, alpha, lam, s2, steps=20000):
    t = explicit_matrix(lr, alpha, lam)
    q = lr * lr * s2 * np.ones((2, 2))  # the noise enters x and v through −εξ
    p = np.zeros((2, 2))
    for _ in range(steps):
        p = t @ p @ t.T + q
    return 0.5 * lam * p[0, 0]


@pytest.mark.parametrize("lr, alpha, lam, s2", [(0.1, 0.9, 1.0, 1.0), (0.3, 0.5, 0.5, 0.09),
                                                (0.5, 0.0, 2.0, 2.0), (0.25, 0.9, 3.0, 1.0)])
def test_stationary_excess_solves_the_covariance_equation(lr, alpha, lam, s2):
    assert T.stationary_excess(lr, alpha, lam, s2) == pytest.approx(_stationary_by_iteration(lr, alpha, lam, s2),
                                                                    rel=1e-9)


def test_stationary_excess_scales_with_the_effective_step_and_is_nan_when_unstable():
    # Same ε/(1 − α), small ελ: nearly the same floor; α = 0 is SGD's ε s²/(2(2 − ελ)).
    floors = T.stationary_excess(np.array([0.01, 0.005, 0.001]), np.array([0.0, 0.5, 0.9]), 0.01)
    np.testing.assert_allclose(floors, floors[0], rtol=0.01)
    assert T.stationary_excess(0.5, 0.0, 1.0) == pytest.approx(0.5 / (2 * 1.5))
    assert np.isnan(T.stationary_excess(2.5, 0.0, 1.0))
