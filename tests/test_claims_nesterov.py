"""Claims C19 and C20 (section 8.3.3) and the library conventions, on the notebook's experiments.

Each causal claim is asserted with its control: the same experiment without the cause.

Each test calls the experiment the lecture notebook calls, with its
defaults, and asserts the measured number against the claim.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import nesterov as E


@pytest.fixture(scope="module")
def batch():
    return E.batch_rates()


@pytest.fixture(scope="module")
def stochastic():
    return E.stochastic_rates()


def test_c19_nesterov_takes_its_gradient_at_the_interim_point():
    res = E.interim_points()
    theta = res.theta["nesterov"]
    velocity = np.diff(theta, axis=0)  # θ_k − θ_{k−1} = v_k (eq. 8.22)
    velocity = np.vstack([np.zeros(2), velocity[:-1]])  # v before update k
    np.testing.assert_allclose(res.grad_point["nesterov"], theta[:-1] + res.momentum * velocity,
                               atol=1e-15)
    np.testing.assert_allclose(res.grad_point["momentum"], res.theta["momentum"][:-1], atol=0)
    # The look-ahead point differs from θ from update 2 on (v_1 ≠ 0).
    assert np.abs(res.grad_point["nesterov"][1:] - theta[1:-1]).min() > 1e-3


def test_c20_batch_gradient_descent_is_order_one_over_k(batch):
    # Measured −0.9999.
    assert -1.1 < batch.slopes[0] < -0.9


def test_c20_batch_nesterov_schedule_is_order_one_over_k_squared(batch):
    # Measured −2.002.
    assert -2.15 < batch.slopes[2] < -1.85


def test_c20_constant_alpha_is_still_order_one_over_k_with_smaller_constant(batch):
    # Measured slope −1.000 and C(α = 0.9)/C(GD) = 0.100, i.e. about 1 − α.
    assert -1.1 < batch.slopes[1] < -0.9
    assert 0.05 < batch.constant_ratio < 0.2


def test_c20_stochastic_nesterov_does_not_beat_sgd_beyond_seed_noise(stochastic):
    # All three decay like 1/k (measured −0.99, −1.03, −0.94 with standard errors ≈ 0.03).
    assert np.all(np.abs(stochastic.slopes + 1.0) < 0.2)
    # Nesterov is not steeper than SGD by more than 3 standard errors of the difference
    # (measured z = +1.1, i.e. if anything shallower) ...
    assert stochastic.slope_z[1] > -3.0
    # ... and its final excess loss is not below SGD's by more than 3 standard errors
    # (measured ratio 1.03 ± 0.07).
    assert stochastic.ratios[1] > 1.0 - 3.0 * stochastic.ratio_se[1]
    assert abs(stochastic.ratios[1] - 1.0) < 3.0 * stochastic.ratio_se[1]


def test_conventions_equal_the_book_at_constant_rate():
    res = E.convention_equivalence()
    # Measured ≤ 1.2e-16 for all three; the notebook prints ≤ 1e-15.
    assert res.max_momentum <= 1e-15
    assert res.max_nesterov <= 1e-15
    assert res.max_damped <= 1e-15


def test_conventions_break_when_lr_changes_and_alpha_k_restores_momentum():
    res = E.changing_lr()
    # Measured 0.099 (momentum, α = μ), 0.013 and 0.0023 (Nesterov, α = μ and α_k).
    assert res.max_momentum_naive > 1e-6
    assert res.max_nesterov_naive > 1e-6
    assert res.max_nesterov_corrected > 1e-6
    # Measured 5.6e-16.
    assert res.max_momentum_corrected <= 1e-12


# --------------------------------------------------------------------------
# Strongly convex: Nesterov's constant-α guarantee holds beyond quadratics, heavy ball's does not
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strong():
    return E.strongly_convex()


def test_strongly_convex_heavy_ball_cycles_on_the_non_quadratic_cost(strong):
    # Effect: heavy ball at Polyak's quadratic optimum does not converge on the
    # Lessard-Recht-Packard cost: it settles on a period-3 cycle (measured 2.116, 0.647, −1.802).
    assert not strong.converged[0, 0]
    assert strong.cycle_min > 0.5
    np.testing.assert_allclose(np.sort(strong.cycle), [-1.802, 0.647, 2.116], atol=2e-3)
    # The cycle is reached from a sizeable set of starts, not one point (measured 0.10).
    assert 0.05 < E.heavy_ball_cycle_basin() < 0.2


def test_strongly_convex_nesterov_converges_at_one_minus_one_over_sqrt_kappa(strong):
    # Effect: Nesterov with constant α converges on the same cost. Its step uses the valid
    # smoothness constant L′ = 30 > L (with ε = 1/L the θ_1 part is solved exactly in ≤ 2 steps).
    # The guarantee bounds J(θ_k) − J* by C(1 − 1/√κ′)^k = C·0.817^k: measured J − J* falls at
    # 0.677 per step, below the bound at every k; the distance ‖θ_k − θ*‖ falls at 0.823 ≈
    # √0.677, inside its own guarantee √0.817 = 0.904 (½μ‖θ − θ*‖² ≤ J − J*).
    assert strong.nesterov_L == 30.0
    assert strong.converged[0, 1]
    # θ_1 (the non-quadratic part) is never solved exactly: nonzero at every k.
    assert np.all(strong.nesterov_theta1 != 0.0)
    # Control: with L′ = L = 25 the θ_1 part is exactly 0 after two steps.
    assert np.all(E.strongly_convex(nesterov_L=25.0, steps=20, window=(5, 20)).nesterov_theta1[2:] == 0.0)
    assert np.all(strong.excess[:, :, 1] <= strong.excess_bound)
    assert strong.excess_rates[0, 1] < strong.nesterov_bound - 0.1
    assert abs(strong.excess_rates[0, 1] - strong.rates[0, 1] ** 2) < 0.01
    assert strong.rates[0, 1] < np.sqrt(strong.nesterov_bound)
    # Control: comparing the distance rate with the J-rate bound is not like with like
    # (0.823 > 0.817, an apparent violation that is not one).
    assert strong.rates[0, 1] > strong.nesterov_bound


def test_strongly_convex_control_heavy_ball_converges_faster_on_the_quadratic(strong):
    # Control: the quadratic with the same L and μ; heavy ball converges at its rate
    # (√κ − 1)/(√κ + 1) = 0.667 on the distance (measured 0.671), faster than Nesterov (0.823);
    # on J − J* the rates square: 0.451 against 0.677.
    assert strong.converged[1].all()
    assert abs(strong.rates[1, 0] - strong.heavy_ball_quadratic_rate) < 0.02
    assert strong.rates[1, 0] < strong.rates[1, 1] - 0.1
    assert abs(strong.rates[1, 1] - strong.rates[0, 1]) < 0.01
    assert strong.excess_rates[1, 0] < strong.excess_rates[1, 1] - 0.1


def test_nesterov_1983_sequence_is_only_asymptotically_k_minus_1_over_k_plus_2():
    alpha = E.nesterov_1983_momentum(30_000)
    k = np.arange(1, alpha.size + 1)
    gap = np.abs(alpha - (k - 1) / (k + 2))
    # Measured: largest 0.034 at k = 3, 8.7e-6 at k = 1000.
    assert 0.02 < gap.max() < 0.05 and gap.argmax() + 1 == 3
    assert gap[999] < 1e-4 and gap[-1] < gap[999]


# --------------------------------------------------------------------------
# Stochastic gradients: bias term and noise term
# --------------------------------------------------------------------------


def test_stochastic_noise_free_control_shows_the_noise_term_dominates(stochastic):
    clean = E.stochastic_rates(noise=0.0, repeats=2)
    # Control σ = 0: the bias alone is > 1e8 times smaller than the σ = 1 excess
    # (measured 4e8), and there Nesterov is ahead of SGD (measured ratio 0.16).
    assert np.all(stochastic.mean_excess[-1] / clean.mean_excess[-1] > 1e8)
    assert clean.mean_excess[-1, 2] / clean.mean_excess[-1, 0] < 0.5


@pytest.fixture(scope="module")
def split():
    return E.bias_and_noise()


def _ratio(split, k, n):
    return split.ratio[int(np.flatnonzero(split.steps == k)[0]), n]


def test_acceleration_shrinks_the_bias_term(split):
    # σ = 0: Nesterov's excess is 6.4e-7 of SGD's at k = 100.
    assert _ratio(split, 100, 0) < 1e-5 and _ratio(split, 1000, 0) < 1e-12
    # σ = 0.001: the gain reappears for a while (0.005 at k = 100) ...
    assert _ratio(split, 100, 1) < 0.02
    # ... and is gone at the noise floor (3.4 at k = 1000).
    assert _ratio(split, 1000, 1) > 1.5


def test_acceleration_does_not_shrink_the_noise_term(split):
    # σ = 1: the floor is reached at once; Nesterov is behind at every checkpoint (3.4).
    assert _ratio(split, 100, 2) > 1.5 and _ratio(split, 1000, 2) > 1.5


def test_increasing_alpha_keeps_a_constant_effective_step_with_noise():
    res = E.schedule_with_noise()
    # ε_k/(1 − α_k) levels off at ε_0 τ/3 (measured 6.643 at k = 5000, limit 6.667) ...
    assert abs(res.effective[-1] - res.limit) < 0.05
    assert np.all(np.diff(res.effective) > 0)
    # ... so Nesterov's excess stays above its start (6.0 vs 2.23), while SGD's
    # with the same ε_k falls below 0.01 (the control).
    assert res.mean_excess[-1, 1] > res.mean_excess[0, 1]
    assert res.mean_excess[-1, 0] < 0.01


# --------------------------------------------------------------------------
# Conventions
# --------------------------------------------------------------------------


def test_damped_from_zero_equals_the_book_and_pytorch_dampening_does_not():
    res = E.convention_equivalence()
    assert res.max_damped <= 1e-15
    # Control: PyTorch's dampening leaves its first gradient undamped (measured 1.17).
    assert res.max_pytorch_damped > 0.1


def test_no_single_alpha_fits_pytorch_nesterov_when_lr_changes_with_two_curvatures():
    res = E.alpha_fit()
    # Effect: the step where lr changes keeps a residual of 0.20 of a step on the canyon.
    assert res.changes.sum() == 1
    assert res.residual[res.changes][0] > 0.05
    # Elsewhere α = μ fits to rounding ...
    assert res.residual[~res.changes].max() <= 1e-12
    np.testing.assert_allclose(res.alpha[~res.changes], 0.9, atol=1e-9)
    # ... and, control, with one eigenvalue one α fits every step.
    assert res.residual_1d.max() <= 1e-12


def test_the_slopes_minus_one_and_minus_two_are_set_by_the_constructed_spectrum():
    # The lecture's problem (geometric spectrum, unit error per direction) attains the bounds'
    # exponents: slopes -1.000 and -2.00 (test above). Control: the same spectrum with error
    # λ^(-1/4) per direction gives -0.50 (GD), -0.50 (α = 0.9), -1.00 (schedule): the book's
    # O(1/k) and O(1/k²) are upper bounds, not slopes; the schedule still doubles the exponent.
    slopes = E.spectrum_control()
    np.testing.assert_allclose(slopes, [-0.5, -0.5, -1.0], atol=0.03)
    assert abs(slopes[2] / slopes[0] - 2.0) < 0.1
    # Equal error is the boundary case: with error λ^(+1/4) (more in the steep directions) the
    # slopes are steeper than the exponents (measured -1.50, -1.50, -2.86).
    steeper = E.spectrum_control(error_power=0.25)
    assert steeper[0] < -1.3 and steeper[2] < -2.5


def test_the_bounds_limit_the_value_not_the_slope():
    # On the λ^(-1/4) control at k = 3000: GD 0.148 ≤ L R²/(2k) = 441, Nesterov 0.0072 ≤
    # 2 L R²/(k+1)² = 0.588, although both slopes are shallower than the bounds' exponents.
    gd, gd_bound, nag, nag_bound = E.spectrum_control_bounds()
    assert gd < gd_bound / 100 and nag < nag_bound / 10
    # Control: the bound values are not vacuous constants: at k = 30 they are 100× larger, and the
    # value of GD decreases with k as its bound does.
    gd30, gd_bound30, _, _ = E.spectrum_control_bounds(steps=30)
    assert gd_bound30 == pytest.approx(100 * gd_bound) and gd30 > gd
