"""Claims C1-C3 (section 8.3.1, eqs. 8.12-8.14), measured by the experiments
that lecture 01 runs, with the notebook's own default settings.

Each causal sentence of the lecture is asserted together with its control.
Tolerances were chosen from the measured numbers (seed fixed): floor slope
1.030 (closed form 1.030, 1.000 with the 1/(2 − ελ) factor divided out),
floors within 1.5 % of the closed form, batch GD below 1e-34; interpolating
least squares 1.7e-24 against 1.2e-2 with label noise; ε0/k slope -0.91
(-0.60 from ε0 = 0.25), ε0/√k slope -0.53 at 0.99 of its current floor
(ε0/k: 2.21), exponential frozen at 0.44 (ε0/k: 0.037; noise-free 1.6e-4,
1.47 at r = 0.5), ε_2500 = 3.6e-115; digits final excess 1.6e-4 (linear),
1.9e-3 (constant ε0), 5.4e-2 (constant ε_τ); linear / constant 0.09 at
ε0 = 2 (constant at 0.84 of its floor) and 2.66 at ε0 = 0.5 (1.40).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import analysis
from coursekit.experiments import decay
from coursekit.optimizers import sgd
from coursekit.runner import run
from coursekit.schedules import linear_decay


@pytest.fixture(scope="module")
def floor_result():
    return decay.noise_floor()


@pytest.fixture(scope="module")
def run_result():
    return decay.schedules_on_run()


@pytest.fixture(scope="module")
def digits_result():
    return decay.linear_schedule_digits()


# -- C2 -------------------------------------------------------------------------
def test_c2_floor_grows_linearly_with_lr(floor_result):
    # Claim: floor ∝ ε. The closed form's own slope over ε in [0.01, 0.1] is
    # 1.03 (the 1/(2 − ελ) factor); tolerance ±0.15 around 1.
    assert 0.85 < floor_result.slope < 1.15
    assert abs(floor_result.slope - floor_result.closed_form_slope) < 0.05


def test_c2_slope_above_one_because_of_the_2_minus_eps_lambda_factor(floor_result):
    # Effect: the measured slope is above 1 (1.030). Control: the same floors with
    # the factor 1/(2 − ελ_i) divided out have slope 1 (1.000).
    assert floor_result.slope > 1.01
    assert abs(floor_result.slope_factor_removed - 1.0) < 0.01
    np.testing.assert_allclose(floor_result.small_lr_form, 10 * floor_result.lrs / 4)


def test_c2_hand_fitted_slope_equals_loglog_slope(floor_result):
    p, _ = np.polyfit(np.log(floor_result.lrs), np.log(floor_result.floor), 1)
    assert abs(p - analysis.loglog_slope(floor_result.lrs, floor_result.floor)) <= 1e-12
    assert abs(p - floor_result.slope) <= 1e-12


def test_c2_measured_floor_matches_closed_form(floor_result):
    # 20 seeds x 200 tail records; measured ratios 0.987-1.004. Tolerance 5 %.
    np.testing.assert_allclose(floor_result.floor_ratio, 1.0, rtol=0.05)
    # The floor is far above zero: SGD does not converge with a fixed ε.
    assert np.all(floor_result.floor > 0.02)


def test_c2_batch_gradient_descent_converges_with_the_same_lr(floor_result):
    # Control of the floor: the same ε without gradient noise goes below 1e-34.
    assert floor_result.gd_final.max() < 1e-34
    assert np.all(floor_result.floor > 1e30 * floor_result.gd_final.max())
    # Geometric decrease at the rate of the slowest direction, (1 − εμ)², μ = min λ = 1.
    assert floor_result.mu == 1.0
    np.testing.assert_allclose(floor_result.gd_rate, floor_result.gd_rate_theory, rtol=1e-3)


def test_algorithm_8_1_by_hand_equals_the_runner():
    problem, lr = decay.noisy_quadratic(), 0.1
    rng, theta = np.random.default_rng(0), np.full(problem.dim, 3.0)
    path = [theta]
    for _ in range(50):
        theta = theta - lr * (problem.grad(theta) + rng.standard_normal(problem.dim))
        path.append(theta)
    ref = run(problem, sgd(lr), np.full(problem.dim, 3.0), 50, batch_size=1,
              rng=np.random.default_rng(0), keep_path=True)
    assert np.max(np.abs(np.array(path) - ref.theta)) <= 1e-12


def test_c2_no_floor_when_the_model_interpolates():
    # Effect: without label noise every per-example gradient vanishes at θ* and
    # constant-ε SGD converges (1.7e-24). Control: label noise 0.5, same ε, stalls (1.2e-2).
    r = decay.interpolation_control()
    assert r.label_noise.tolist() == [0.0, 0.5]
    assert r.gradient_noise[0] < 1e-20 < 0.5 < r.gradient_noise[1]
    assert r.final_excess[0] < 1e-20
    assert r.final_excess[1] > 1e-3
    # The noisy run is flat over its second half (a floor); the clean one keeps falling.
    half = len(r.steps) // 2
    assert r.excess_mean[half, 0] > 1e6 * r.excess_mean[-1, 0]
    assert 0.5 < r.excess_mean[half:, 1].mean() / r.final_excess[1] < 2.0


# -- C1 -------------------------------------------------------------------------
def test_c1_robbins_monro_verdicts_for_four_schedules():
    sums = decay.robbins_monro_sums()
    assert sums.names == ("constant", "ε0/k", "ε0/√k", "ε0·r^(k−1)")
    assert sums.sum_diverges.tolist() == [True, True, True, False]
    assert sums.sum_squares_diverges.tolist() == [True, False, True, False]
    assert sums.satisfied.tolist() == [False, True, False, False]
    # Partial sums at k = 1e5 against closed forms: 0.8 k; 0.8 H_k; ε0²π²/6 bound;
    # the geometric series ε0/(1 − r) = 8.
    k = sums.k[-1]
    assert sums.partial_sum[-1, 0] == pytest.approx(0.8 * k, rel=1e-10)
    harmonic = np.sum(1.0 / np.arange(1, k + 1))
    assert sums.partial_sum[-1, 1] == pytest.approx(0.8 * harmonic, rel=1e-10)
    assert sums.partial_sum_squares[-1, 1] < 0.64 * np.pi**2 / 6
    assert sums.partial_sum[-1, 3] == pytest.approx(8.0, rel=1e-10)


def test_c1_inverse_k_ends_below_the_constant_floor(run_result):
    final = dict(zip(run_result.names, run_result.final_excess))
    assert final["ε0/k"] < 1e-2 * run_result.constant_floor
    assert final["ε0/k"] < 1e-2 * final["constant"]
    # O(1/k) on a strongly convex problem when 2 ε0 μ = 1.6 > 1; measured -0.91.
    assert -1.1 < run_result.slope_inverse_k < -0.8
    # The constant rate stays at its closed-form floor (within 25 %, one record;
    # within 5 % for the mean over the second half, measured 5.58 against 5.63).
    assert final["constant"] == pytest.approx(run_result.constant_floor, rel=0.25)
    assert run_result.constant_tail_mean == pytest.approx(run_result.constant_floor, rel=0.05)


def test_c1_inverse_k_rate_needs_2_eps0_mu_above_one(run_result):
    # Effect: ε0 = 0.8 (2ε0μ = 1.6) gives slope -0.91. Control: ε0 = 0.25 (2ε0μ = 0.5)
    # crawls, slope -0.60 (theory -2ε0μ = -0.5 in the slowest direction), 1000x higher.
    assert run_result.lr0_small == 0.25
    assert -0.75 < run_result.slope_inverse_k_small < -0.45
    assert run_result.slope_inverse_k < run_result.slope_inverse_k_small - 0.2
    final = dict(zip(run_result.names, run_result.final_excess))
    assert run_result.final_inverse_k_small > 100 * final["ε0/k"]


def test_c1_inverse_sqrt_fails_eq_8_13_but_still_converges_more_slowly(run_result):
    final = dict(zip(run_result.names, run_result.final_excess))
    assert -0.65 < run_result.slope_inverse_sqrt < -0.4   # excess ∝ ε_k ∝ k^(-1/2)
    assert final["ε0/k"] < final["ε0/√k"] < 1e-2 * final["constant"]


def test_c1_inverse_sqrt_tracks_the_floor_of_its_current_rate(run_result):
    # Effect: ε0/√k sits at the closed-form floor of its current ε_k (0.99).
    # Control: ε0/k, whose rate falls faster, lags well above it (2.21).
    inverse_k, inverse_sqrt = run_result.floor_tracking
    assert 0.85 < inverse_sqrt < 1.15
    assert inverse_k > 1.5


def test_c1_exponential_decay_freezes_at_a_finite_distance(run_result):
    assert run_result.frozen_movement < 1e-12           # θ no longer moves
    assert run_result.frozen_distance > 0.1             # measured 0.44
    assert run_result.frozen_distance > 5 * run_result.distance_inverse_k
    final = dict(zip(run_result.names, run_result.final_excess))
    assert final["ε0·r^(k−1)"] > 10 * final["ε0/k"]


def test_c1_exponential_movement_is_below_float_resolution(run_result):
    # "Movement exactly 0" is rounding: ε_2500 = 0.8·0.9^2499 and the whole second
    # half could move θ by Σ_{k>2500} ε_k ≈ 3e-114 times ‖g‖, far below 1e-17.
    assert run_result.lr_half == pytest.approx(0.8 * 0.9**2499, rel=1e-10)
    assert run_result.lr_final == pytest.approx(0.8 * 0.9**4999, rel=1e-10)
    assert run_result.remaining_sum == pytest.approx(0.8 * 0.9**2500 / 0.1, rel=1e-6)
    assert run_result.remaining_sum < 1e-100


def test_c1_exponential_frozen_distance_is_mostly_noise(run_result):
    # Effect: with noise θ freezes at 0.44. Control: without noise, same schedule, 1.6e-4.
    assert run_result.frozen_distance_noise_free < 1e-3 * run_result.frozen_distance
    # A faster decay (r = 0.5, Σε_k = 1.6) runs out of travel even without noise: 1.47.
    assert run_result.fast_rate == 0.5
    assert run_result.noise_free_distance_fast > 1.0


# -- C3 -------------------------------------------------------------------------
def test_c3_linear_schedule_values_at_1_tau_and_after():
    lr0, lr_tau, tau = 2.0, 0.02, 2106
    sched = linear_decay(lr0, lr_tau, tau)
    assert sched(1) == pytest.approx((1 - 1 / tau) * lr0 + lr_tau / tau, rel=1e-14)
    assert sched(tau) == pytest.approx(lr_tau, rel=1e-14)
    assert sched(tau + 1) == pytest.approx(lr_tau, rel=1e-14)
    assert sched(5 * tau) == pytest.approx(lr_tau, rel=1e-14)


def test_c3_rules_of_thumb_and_recorded_rates(digits_result):
    r = digits_result
    assert r.lr_tau == pytest.approx(0.01 * r.lr0)
    assert r.tau == 200 * 1348 // 128 == 2106
    k = r.steps[1:].astype(float)
    a = np.minimum(k / r.tau, 1.0)
    np.testing.assert_allclose(r.lr[1:, 0], (1 - a) * r.lr0 + a * r.lr_tau, rtol=1e-13)
    np.testing.assert_allclose(r.lr[1:, 1], r.lr0)
    np.testing.assert_allclose(r.lr[1:, 2], r.lr_tau)


def test_c3_linear_decay_beats_both_constant_rates_at_the_same_budget(digits_result):
    linear, const0, const_tau = digits_result.final_excess
    # Measured ratios 0.08 and 0.003; tolerances 0.5 and 0.1.
    assert linear < 0.5 * const0
    assert linear < 0.1 * const_tau
    assert linear > 0


@pytest.fixture(scope="module")
def condition_result():
    return decay.linear_schedule_condition()


def test_c3_decay_pays_only_once_the_constant_run_is_on_its_floor(condition_result):
    r = condition_result
    assert r.lr0s.tolist() == [2.0, 0.5]
    assert r.budget == 2632 and r.tau == 2106
    # ε0 = 2: the constant run sits on its floor (late level 0.84 of it, seeds 0-4:
    # 0.84-1.15) and the linear schedule ends far below it (0.09).
    assert r.on_floor[0] < 1.25
    assert r.ratio[0] < 0.3
    # ε0 = 0.5, same budget: the constant run is still descending (1.40, seeds 0-4:
    # 1.40-1.63) and the linear schedule ends worse (2.66).
    assert r.on_floor[1] > 1.25
    assert r.ratio[1] > 1.5
    # The linear schedule travels 0.41 of the constant rate's Σε_k at both ε0.
    assert r.travel_ratio == pytest.approx((2106 * 1.01 / 2 + 526 * 0.01) / 2632, rel=2e-3)
