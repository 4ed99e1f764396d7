"""Claims C1-C3 (section 8.3.1, eqs. 8.12-8.14), measured by the experiments
that lecture 01 runs, with the notebook's own default settings.

Tolerances were chosen from the measured numbers (seed fixed): floor slope
1.030 (closed form 1.030), floors within 1.5 % of the closed form, batch GD
below 1e-34, ε0/k slope -0.91, ε0/√k slope -0.53, exponential frozen at
0.44 (ε0/k: 0.037), digits final excess 1.6e-4 (linear), 1.9e-3 (constant
ε0), 5.4e-2 (constant ε_τ).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import decay
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


def test_c2_measured_floor_matches_closed_form(floor_result):
    # 20 seeds x 200 tail records; measured ratios 0.987-1.004. Tolerance 5 %.
    np.testing.assert_allclose(floor_result.floor_ratio, 1.0, rtol=0.05)
    # The floor is far above zero: SGD does not converge with a fixed ε.
    assert np.all(floor_result.floor > 0.02)


def test_c2_batch_gradient_descent_converges_with_the_same_lr(floor_result):
    assert floor_result.gd_final.max() < 1e-10
    # Geometric decrease at the rate of the slowest direction, (1 − εμ)².
    np.testing.assert_allclose(floor_result.gd_rate, floor_result.gd_rate_theory, rtol=1e-3)


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
    # O(1/k) on a strongly convex problem when 2 ε0 μ = 1.6 > 1; measured -0.92.
    assert -1.1 < run_result.slope_inverse_k < -0.8
    # The constant rate stays at its closed-form floor (within 25 %, one record).
    assert final["constant"] == pytest.approx(run_result.constant_floor, rel=0.25)


def test_c1_inverse_sqrt_fails_eq_8_13_but_still_converges_more_slowly(run_result):
    final = dict(zip(run_result.names, run_result.final_excess))
    assert -0.65 < run_result.slope_inverse_sqrt < -0.4   # excess ∝ ε_k ∝ k^(-1/2)
    assert final["ε0/k"] < final["ε0/√k"] < 1e-2 * final["constant"]


def test_c1_exponential_decay_freezes_at_a_finite_distance(run_result):
    assert run_result.frozen_movement < 1e-12           # θ no longer moves
    assert run_result.frozen_distance > 0.1             # measured 0.44
    assert run_result.frozen_distance > 5 * run_result.distance_inverse_k
    final = dict(zip(run_result.names, run_result.final_excess))
    assert final["ε0·r^(k−1)"] > 10 * final["ε0/k"]


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
