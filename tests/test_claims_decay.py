"""Claims C1-C3 (section 8.3.1, eqs. 8.12-8.14), measured by the experiments
that lecture 01 runs, with the notebook's own default settings.

Each causal sentence of the lecture is asserted together with its control.
Tolerances were chosen from the measured numbers (seed fixed): floor slope
1.030 (closed form 1.030, 1.000 with the 1/(2 − ελ) factor divided out),
1.88 over ε in [0.2, 0.95] (closed form 1.88), floors within 1.5 % of the
closed form, batch GD below 1e-34; constant ε = 0.1 / 0.3: last iterate 0.30 /
1.13, running average 1.9e-4 / 1.7e-4 (slope -1.07); interpolating least
squares 1.7e-24 against 1.2e-2 with label noise; ε0/k slope -0.91 (-0.60 from
ε0 = 0.25), ε0/√k slope -0.53 at 0.99 of its current floor (ε0/k: 2.21, seeds
2-4: 1.51-2.06, theory 1.84), exponential frozen at 0.44 (ε0/k: 0.037;
noise-free 1.6e-4, 1.47 at r = 0.5), ε_2500 = 3.6e-115; digits final excess
1.6e-4 (linear), 1.9e-3 (constant ε0), 5.4e-2 (constant ε_τ). Decay condition
(ε0 = 4, 2, 0.8, 0.5, 0.25; 2 seeds): eq. 8.14 / constant 0.02, 0.10, 1.18,
3.15, 5.49 with the constant run at 0.87, 1.00, 1.04, 1.33, 3.97 of its
floor, first within 1.2x of it at 0.11, 0.21, 0.75, 1.14, 1.93 K; late decay / constant
0.07, 0.14, 0.44, 0.81, 1.21; travel 0.41 and
0.88; floor share at ε0 = 0.5: 0.75; best against best 0.20 (ε0 = 4 vs 0.5).
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
    # The notebook's teaching cell: m example indices drawn with replacement, the
    # average of their gradients x_i(x_iᵀθ − y_i), θ ← θ − ε g; equal to run().
    from coursekit.problems import make_least_squares
    problem, lr, m = make_least_squares(100, 10, np.random.default_rng(0), noise=0.5), 0.02, 4
    rng, theta = np.random.default_rng(7), np.zeros(problem.dim)
    path = [theta]
    for _ in range(200):
        i = rng.integers(0, problem.n_train, size=m)
        theta = theta - lr * problem.X[i].T @ (problem.X[i] @ theta - problem.y[i]) / m
        path.append(theta)
    ref = run(problem, sgd(lr), np.zeros(problem.dim), 200, batch_size=m,
              rng=np.random.default_rng(7), keep_path=True)
    assert np.max(np.abs(np.array(path) - ref.theta)) <= 1e-12
    # Control: a different seed gives a different path (the check is not vacuous).
    other = run(problem, sgd(lr), np.zeros(problem.dim), 200, batch_size=m,
                rng=np.random.default_rng(8), keep_path=True)
    assert np.max(np.abs(np.array(path) - other.theta)) > 1e-3


def test_noisy_quadratic_is_a_noise_model_of_sampling():
    # The quadratic's "minibatch gradient" is the exact gradient plus N(0, σ²/m),
    # independent of θ: the same draw at two different θ differs only by ∇J.
    q = decay.noisy_quadratic()
    a, b = np.full(10, 3.0), np.zeros(10)
    ga = q.minibatch_grad(a, q.sample_batch(np.random.default_rng(0), (), 4))
    gb = q.minibatch_grad(b, q.sample_batch(np.random.default_rng(0), (), 4))
    np.testing.assert_allclose(ga - gb, q.grad(a) - q.grad(b), rtol=1e-12, atol=1e-12)


def test_c2_floor_is_proportional_to_lr_only_for_small_lr():
    # Effect (the setting where "floor ∝ ε" fails): over ε in [0.2, 0.95] the slope
    # is 1.88, as the closed form says. Control: over [0.01, 0.1] it is 1.03 (above).
    wide = decay.noise_floor(lrs=(0.2, 0.4, 0.6, 0.8, 0.95))
    assert 1.7 < wide.slope < 2.0
    assert abs(wide.slope - wide.closed_form_slope) < 0.05
    np.testing.assert_allclose(wide.floor_ratio, 1.0, rtol=0.05)
    assert abs(wide.slope_factor_removed - 1.0) < 0.02


def test_constant_lr_sgd_converges_when_the_iterates_are_averaged():
    # Effect: with a constant ε the running average θ̄_k converges, roughly like 1/k
    # (1.9e-4 and 1.7e-4 after 20000 steps, slope -1.07). Control: the last iterate of
    # the same runs stays at its floor (0.30 and 1.13; closed form 0.27, 0.97).
    a = decay.constant_lr_averaging()
    assert a.lrs.tolist() == [0.1, 0.3]
    assert np.all(a.average_final < 1e-3)
    assert np.all((-1.3 < a.average_slope) & (a.average_slope < -0.8))
    assert np.all(a.last_final > 100 * a.average_final)
    np.testing.assert_allclose(a.last_tail_mean, a.closed_form, rtol=0.1)


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
    # 2.21 is one draw of 10 seeds; theory for k → ∞: mean_i 2ε0λ_i/(2ε0λ_i − 1) = 1.84.
    lam = np.linspace(1.0, 2.0, 10)
    assert run_result.floor_tracking_theory == pytest.approx(np.mean(1.6 * lam / (1.6 * lam - 1)), rel=1e-12)
    assert run_result.floor_tracking_theory == pytest.approx(1.84, abs=0.005)


def test_c1_inverse_k_floor_tracking_scatters_around_the_theory():
    # Other seeds (2-4) give 1.51, 1.75, 2.06: on both sides of 1.84, all above 1.
    values = [decay.schedules_on_run(seed=seed).floor_tracking[0] for seed in (2, 3, 4)]
    theory = decay.schedules_on_run(steps=100, repeats=1).floor_tracking_theory
    assert min(values) < theory < max(values)
    assert min(values) > 1.3


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


def test_c3_decay_pays_when_the_constant_run_reaches_its_floor_early(condition_result):
    r = condition_result
    assert r.lr0s.tolist() == [4.0, 2.0, 0.8, 0.5, 0.25]
    assert r.budget == 2632 and r.tau == 2106 and r.late_start_step == 1974
    # Eq. 8.14 keeps 0.41 of the constant rate's travel, the late decay 0.88.
    assert r.travel_ratio == pytest.approx((2106 * 1.01 / 2 + 526 * 0.01) / 2632, rel=2e-3)
    assert r.late_travel_ratio == pytest.approx((1974 + 658 * 1.01 / 2) / 2632, rel=2e-3)
    # Effect, ε0 = 4 and 2: the constant run is on its floor (0.87, 1.00) and eq. 8.14
    # ends far below it (0.02, 0.10).
    assert np.all(r.on_floor[:2] < 1.2)
    assert np.all(r.ratio[:2] < 0.3)
    # Control, ε0 = 0.5 and 0.25, same budget: the constant run is still above its floor
    # at K (1.33, 3.97) and eq. 8.14 ends worse (3.15, 5.49).
    assert np.all(r.on_floor[3:] > 1.2)
    assert np.all(r.ratio[3:] > 1.5)
    # "Well inside the budget": the constant run first comes within 1.2x its floor at
    # 0.11 K and 0.21 K where eq. 8.14 pays, 0.75 K where the two are even, after K
    # (1.14 K, 1.93 K) where it loses.
    assert r.reach_factor == 1.2
    assert np.all(r.floor_reached[:2] < 0.4)
    assert 0.5 < r.floor_reached[2] < 1.0
    assert np.all(r.floor_reached[3:] > 1.0) and np.all(np.isfinite(r.floor_reached))
    # Soft threshold: at ε0 = 0.8 the constant run is about on its floor (1.04) and the two
    # end within the scatter of one record (1.18 against a scatter of 0.19).
    assert 0.9 < r.on_floor[2] < 1.2
    assert abs(r.ratio[2] - 1.0) < 2 * r.floor_scatter[2]
    assert np.all((0.05 < r.floor_scatter) & (r.floor_scatter < 0.5))


def test_c3_late_decay_pays_where_eq_8_14_loses(condition_result):
    r = condition_result
    # Effect, ε0 = 0.5: decaying over the last quarter only ends at 0.81 of the constant run,
    # where eq. 8.14 ends 3.15 times worse; it ends close to the long-run floor (4.11e-4
    # against 3.93e-4).
    assert r.late_ratio[3] < 0.95 < 1.5 < r.ratio[3]
    assert r.late_final[3] < 1.2 * r.constant_floor[3]
    # The constant run's error at K is mostly floor noise (0.75), not loss to optimize.
    assert 0.6 < r.floor_share[3] < 0.9
    # Control, ε0 = 0.25, 3.97 times above its floor: even the late decay loses (1.21).
    assert r.late_ratio[4] > 1.05
    # Where the constant run is on its floor, both decays pay.
    assert np.all(r.late_ratio[:2] < 0.3)


def test_c3_best_against_best_linear_decay_wins(condition_result):
    r = condition_result
    # Each schedule tuned on the same grid by the same rule: eq. 8.14 at ε0 = 4 ends at
    # 0.20 of the constant rate at its best ε0 = 0.5 (about 5 times lower).
    assert r.names[:2] == ("linear decay (eq. 8.14)", "constant ε0")
    finals = np.stack([r.linear_final, r.constant_final, r.late_final])
    np.testing.assert_array_equal(r.best_final, finals.min(axis=1))
    assert r.best_lr0[0] == 4.0 and r.best_lr0[1] in (0.5, 0.8)
    assert r.best_ratio == pytest.approx(r.best_final[0] / r.best_final[1], rel=1e-12)
    assert r.best_ratio < 0.4
    # Control: at the same ε0 = 0.5 (the constant rate's best) eq. 8.14 loses.
    assert r.ratio[3] > 1.5
