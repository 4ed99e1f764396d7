"""Unit tests of coursekit.experiments.decay: oracles, shapes, bad input, purity."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import analysis
from coursekit.experiments import decay


def test_noisy_quadratic_spectrum():
    q = decay.noisy_quadratic()
    np.testing.assert_allclose(q.eigenvalues, np.linspace(1.0, 2.0, 10))
    assert q.noise == 1.0 and q.min_loss == 0.0


def test_noise_floor_small_run_against_brute_force_loop():
    # Three ε, one seed, 50 steps: the batched run equals a hand-written SGD loop.
    lrs = np.array([0.05, 0.1, 0.2])
    before = lrs.copy()
    r = decay.noise_floor(lrs=lrs, steps=50, repeats=1, record_every=1, seed=3)
    np.testing.assert_array_equal(lrs, before)
    q = decay.noisy_quadratic()
    rng = np.random.default_rng(3)
    theta = np.full((1, 3, 10), 3.0)
    for _ in range(50):
        noise = rng.standard_normal((1, 3, 10))
        theta = theta - lrs[:, None] * (q.eigenvalues * theta + noise)
    excess = 0.5 * np.sum(q.eigenvalues * theta**2, axis=-1)[0]
    np.testing.assert_allclose(r.sgd_excess[-1], excess, rtol=1e-12)
    # Batch GD: each coordinate shrinks by (1 − ελ_i) per step.
    gd = 0.5 * np.sum(q.eigenvalues * (9.0 * (1 - lrs[:, None] * q.eigenvalues) ** 100), axis=-1)
    np.testing.assert_allclose(r.gd_final, gd, rtol=1e-10)
    np.testing.assert_allclose(r.closed_form, q.stationary_excess_loss(lrs, 1))


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(lrs=[0.1, 0.2]), ValueError, "at least 3 learning rates"),
    (dict(lrs=[0.1, 0.2, 1.5]), ValueError, r"lrs must be in \(0, 1\)"),
    (dict(steps=5), ValueError, r"steps must be an integer in \[10, inf\], got 5"),
    (dict(repeats=0.5), TypeError, "repeats must be an integer"),
    (dict(tail_fraction=0.0), ValueError, r"tail_fraction must be in \(0, 1\]"),
])
def test_noise_floor_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        decay.noise_floor(**kwargs)


def test_robbins_monro_sums_partial_sums_by_hand():
    r = decay.robbins_monro_sums(lr0=0.5, rate=0.8, n_terms=100)
    k = np.arange(1, 101)
    for i, values in enumerate([0.5 + 0 * k, 0.5 / k, 0.5 / np.sqrt(k), 0.5 * 0.8 ** (k - 1)]):
        np.testing.assert_allclose(r.partial_sum[:, i], np.cumsum(values)[r.k - 1], rtol=1e-12)
        np.testing.assert_allclose(r.partial_sum_squares[:, i], np.cumsum(values**2)[r.k - 1],
                                   rtol=1e-12)
    with pytest.raises(ValueError, match=r"rate must be in \(0, 1\), got 1.0"):
        decay.robbins_monro_sums(rate=1.0)


def test_schedules_on_run_noise_free_distance_oracle_and_validation():
    r = decay.schedules_on_run(steps=200, repeats=2, record_every=10)
    # Noise-free distance by a brute-force loop of exact-gradient steps.
    q = decay.noisy_quadratic()
    theta = np.full(10, 10.0)
    for k in range(1, 201):
        theta = theta - 0.8 * 0.9 ** (k - 1) * q.eigenvalues * theta
    assert r.frozen_distance_noise_free == pytest.approx(np.linalg.norm(theta), rel=1e-10)
    assert r.excess_mean.shape == (len(r.steps), 4)
    with pytest.raises(ValueError, match=r"lr0 must be in \(0, 1\)"):
        decay.schedules_on_run(lr0=1.0)


def test_digits_problem_shape_minimum_and_validation():
    problem, min_loss = decay.digits_problem()
    assert problem.n_train == 1348 and problem.dim == 650
    assert min_loss < float(problem.loss(np.zeros(650)))
    with pytest.raises(ValueError, match=r"l2 must be in \(0, inf\)"):
        decay.digits_problem(l2=0.0)


def test_linear_schedule_digits_small_budget():
    r = decay.linear_schedule_digits(passes=2, batch_size=64, repeats=1, n_records=5)
    assert r.tau == 2 * 1348 // 64 and r.budget == r.tau + round(0.25 * r.tau)
    assert r.excess_mean.shape == (len(r.steps), 3)
    assert np.all(r.excess_mean > -1e-12)
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 1348\], got 5000"):
        decay.linear_schedule_digits(batch_size=5000)


def test_schedules_on_run_exponential_rates_and_controls():
    r = decay.schedules_on_run(steps=200, repeats=2, record_every=10)
    ks = np.arange(1, 201)
    lr = 0.8 * 0.9 ** (ks - 1)
    assert r.lr_half == pytest.approx(lr[99], rel=1e-12)        # k = 100
    assert r.lr_final == pytest.approx(lr[-1], rel=1e-12)
    assert r.remaining_sum == pytest.approx(lr[100:].sum(), rel=1e-12)
    q = decay.noisy_quadratic()
    theta = np.full(10, 10.0)
    for k in ks:
        theta = theta - 0.8 * 0.5 ** (k - 1) * q.eigenvalues * theta
    assert r.noise_free_distance_fast == pytest.approx(np.linalg.norm(theta), rel=1e-10)
    assert r.floor_tracking.shape == (2,) and np.all(r.floor_tracking > 0)
    with pytest.raises(ValueError, match=r"lr0_small must be in \(0, 1\)"):
        decay.schedules_on_run(lr0_small=0.0)


def test_noise_floor_factor_removed_slope_by_hand():
    r = decay.noise_floor(lrs=(0.05, 0.1, 0.2), steps=300, repeats=2)
    q = decay.noisy_quadratic()
    small = 10 * r.lrs / 4
    corrected = r.floor * small / q.stationary_excess_loss(r.lrs, 1)
    p, _ = np.polyfit(np.log(r.lrs), np.log(corrected), 1)
    assert r.slope_factor_removed == pytest.approx(p, abs=1e-12)
    assert r.mu == 1.0


def test_interpolation_control_oracle_and_validation():
    r = decay.interpolation_control(steps=40, repeats=1, record_every=40, n=20, dim=3)
    # Brute-force SGD loop on the noisy-label problem, same draws as the runner.
    from coursekit.problems import make_least_squares
    p = make_least_squares(20, 3, np.random.default_rng(0), noise=0.5)
    rng = np.random.default_rng(0)
    theta = np.zeros((1, 3))
    for _ in range(40):
        i = rng.integers(0, 20, size=(1, 1))
        x, y = p.X[i], p.y[i]                                   # (1, 1, 3), (1, 1)
        g = ((x @ theta[..., None])[..., 0] - y)[..., None] * x
        theta = theta - 0.02 * g.mean(axis=-2)
    assert r.final_excess[1] == pytest.approx(float(p.loss(theta[0])) - p.min_loss, rel=1e-10)
    assert r.gradient_noise[0] < 1e-20
    with pytest.raises(ValueError, match="unstable"):
        decay.interpolation_control(lr=1.0)
    with pytest.raises(ValueError, match=r"label_noise must be in \(0, inf\)"):
        decay.interpolation_control(label_noise=0.0)


def test_linear_schedule_condition_small_budget():
    r = decay.linear_schedule_condition(lr0s=(1.0, 0.5, 0.25), passes=2, batch_size=64, repeats=1,
                                        n_records=10, short_lr0=1.0)
    assert r.tau == 2 * 1348 // 64 and r.budget == r.tau + round(0.25 * r.tau)
    assert r.budget in r.steps and r.steps[-1] == r.budget
    assert r.linear_excess.shape == r.constant_excess.shape == (len(r.steps), 3)
    assert r.long_steps[-1] == 3 * r.budget and r.constant_long.shape == (len(r.long_steps), 3)
    np.testing.assert_array_equal(r.constant_long[: len(r.steps)], r.constant_excess)
    np.testing.assert_allclose(r.ratio, r.linear_final / r.constant_final)
    ks = np.arange(1, r.budget + 1)
    a = np.minimum(ks / r.tau, 1.0)
    assert r.travel_ratio == pytest.approx(((1 - a) + 0.01 * a).sum() / r.budget, rel=1e-12)
    # The late decay: ε0 up to k0, then linear from ε0 (restarted at its own k = 1) to 1 %.
    k0 = r.late_start_step
    assert k0 == round(0.75 * r.budget)
    j = np.arange(1, r.budget - k0 + 1)
    b = j / (r.budget - k0)
    late = np.concatenate([np.ones(k0), (1 - b) + 0.01 * b])
    assert r.late_travel_ratio == pytest.approx(late.sum() / r.budget, rel=1e-12)
    assert r.late_excess.shape == (len(r.steps), 3)
    np.testing.assert_allclose(r.late_ratio, r.late_final / r.constant_final)
    np.testing.assert_allclose(r.floor_share * r.on_floor, 1.0)
    assert r.floor_scatter.shape == (3,) and np.all(r.floor_scatter >= 0)
    # First record within reach_factor x floor, over the budget run and its continuation.
    for i in range(3):
        ratio = r.constant_long[:, i] / r.constant_floor[i]
        first = r.long_steps[np.flatnonzero(ratio <= r.reach_factor)[0]]
        assert r.floor_reached[i] == pytest.approx(first / r.budget, rel=1e-12)
    # Best against best: the argmin over the grid of each schedule's final value.
    for j, finals in enumerate((r.linear_final, r.constant_final, r.late_final)):
        assert r.best_final[j] == finals.min() and r.best_lr0[j] == r.lr0s[np.argmin(finals)]
    # Floor drift: the mean over the K steps before the floor window, over the floor.
    before = (r.long_steps >= r.budget) & (r.long_steps < 2 * r.budget)
    np.testing.assert_allclose(r.floor_drift, r.constant_long[before].mean(axis=0) / r.constant_floor)
    np.testing.assert_array_equal(r.floor_settled, r.floor_drift < 1.5)
    # The budget controls: K_s on the record grid with τ_s/K_s = τ/K, read in the same run;
    # K_L = 3K with τ_L = 3τ, its constant run the continued one.
    assert r.short_budget in r.steps and r.short_tau == round(r.tau * r.short_budget / r.budget)
    at = int(np.flatnonzero(r.steps == r.short_budget)[0])
    assert r.short_constant_final == r.constant_excess[at, 0]
    assert r.short_ratio == pytest.approx(r.short_linear_final / r.short_constant_final, rel=1e-12)
    assert r.short_on_floor == pytest.approx(r.short_constant_final / r.constant_floor[0], rel=1e-12)
    assert r.short_floor_reached == pytest.approx(r.floor_reached[0] * r.budget / r.short_budget, rel=1e-12)
    assert r.long_budget == 3 * r.budget and r.long_tau == 3 * r.tau
    assert r.long_constant_final == r.constant_long[-1, 1]
    assert r.long_floor_reached == pytest.approx(r.floor_reached[1] / 3, rel=1e-12)
    with pytest.raises(ValueError, match="short_lr0 must be one of lr0s"):
        decay.linear_schedule_condition(lr0s=(1.0, 0.5), passes=2, batch_size=64, repeats=1, n_records=10)
    with pytest.raises(ValueError, match="floor_factor"):
        decay.linear_schedule_condition(floor_factor=1)
    with pytest.raises(ValueError, match=r"reach_factor must be in \(1, inf"):
        decay.linear_schedule_condition(reach_factor=1.0)
    with pytest.raises(ValueError, match=r"late_start must be in \(0, 1\)"):
        decay.linear_schedule_condition(late_start=1.0)


def test_constant_lr_averaging_against_a_brute_force_loop():
    r = decay.constant_lr_averaging(lrs=(0.1, 0.3), steps=200, repeats=2, record_every=20, seed=4)
    q = decay.noisy_quadratic()
    rng = np.random.default_rng(4)
    lrs = np.array([0.1, 0.3])
    theta = np.full((2, 2, 10), 3.0)
    total = np.zeros_like(theta)
    for _ in range(200):
        theta = theta - lrs[:, None] * (q.eigenvalues * theta + rng.standard_normal((2, 2, 10)))
        total += theta
    last = (0.5 * np.sum(q.eigenvalues * theta**2, axis=-1)).mean(axis=0)
    average = (0.5 * np.sum(q.eigenvalues * (total / 200) ** 2, axis=-1)).mean(axis=0)
    np.testing.assert_allclose(r.last_final, last, rtol=1e-10)
    np.testing.assert_allclose(r.average_final, average, rtol=1e-10)
    np.testing.assert_allclose(r.closed_form, q.stationary_excess_loss(lrs, 1))
    assert r.average_slope.shape == (2,)
    with pytest.raises(ValueError, match=r"lrs must be in \(0, 1\)"):
        decay.constant_lr_averaging(lrs=(0.1, 1.5))
    with pytest.raises(ValueError, match="steps must be an integer"):
        decay.constant_lr_averaging(steps=10)


def test_schedules_on_run_tracking_theory():
    r = decay.schedules_on_run(steps=200, repeats=1, record_every=10)
    lam = np.linspace(1.0, 2.0, 10)
    assert r.floor_tracking_theory == pytest.approx(np.mean(1.6 * lam / (1.6 * lam - 1)), rel=1e-12)
    # Below 2ε0μ = 1 the excess of ε0/k decays slower than 1/k: the ratio grows without bound.
    assert decay.schedules_on_run(lr0=0.4, steps=200, repeats=1, record_every=10).floor_tracking_theory == np.inf


def test_eq_8_14_continued_from_k_equals_eq_8_14_restarted():
    # The long budget control continues eq. 8.14 from θ_K with linear_decay(ε_K, ε_τ, τ − K):
    # eq. 8.14 is linear in k, so its remainder is eq. 8.14 again.
    from coursekit.schedules import linear_decay
    lr0, lr_tau, tau, budget = 0.5, 0.005, 6318, 2632
    full = linear_decay(lr0, lr_tau, tau)
    rest = linear_decay(float(full(budget)), lr_tau, tau - budget)
    j = np.arange(1, 6000)
    np.testing.assert_allclose(rest(j), full(budget + j), rtol=1e-12)


def test_expected_values_of_schedules_on_run_against_a_brute_force_recursion():
    # Mean and variance of each coordinate, step by step: m_k = (1 − ε_kλ)m_{k−1},
    # v_k = (1 − ε_kλ)² v_{k−1} + ε_k² (σ = 1, m = 1); E[J] = ½ Σ λ (m² + v).
    r = decay.schedules_on_run(steps=200, repeats=2, record_every=10)
    lam = np.linspace(1.0, 2.0, 10)
    ks = np.arange(1, 201)
    rates = {"constant": 0.8 + 0 * ks, "1/k": 0.8 / ks, "1/sqrt": 0.8 / np.sqrt(ks), "exp": 0.8 * 0.9 ** (ks - 1)}
    finals, distances, splits = [], [], []
    for lr in rates.values():
        mean, var = np.full(10, 10.0), np.zeros(10)
        for e in lr:
            mean, var = (1 - e * lam) * mean, (1 - e * lam) ** 2 * var + e**2
        finals.append(0.5 * np.sum(lam * (mean**2 + var)))
        distances.append(np.sqrt(np.sum(mean**2 + var)))
        splits.append((0.5 * np.sum(lam * mean**2), 0.5 * np.sum(lam * var)))
    np.testing.assert_allclose(r.expected_final, finals, rtol=1e-9)
    assert r.expected_frozen_distance == pytest.approx(distances[3], rel=1e-9)
    assert r.expected_distance_inverse_k == pytest.approx(distances[1], rel=1e-9)
    assert r.bias_final[0] == pytest.approx(splits[1][0], rel=1e-9)
    assert r.noise_final[0] == pytest.approx(splits[1][1], rel=1e-9)
    # ε0/k from lr0_small = 0.25 started at θ*: the noise part alone, its slope over [K/10, K].
    var, noise_only = np.zeros(10), []
    for e in 0.25 / ks:
        var = (1 - e * lam) ** 2 * var + e**2
        noise_only.append(0.5 * np.sum(lam * var))
    slope = analysis.loglog_slope(r.steps, np.array(noise_only)[r.steps - 1], k_min=20, k_max=200)
    assert r.expected_slope_inverse_k_small_from_minimum == pytest.approx(slope, rel=1e-9)
    assert r.expected_excess.shape == r.excess_mean.shape
    # frozen_distance is the root mean square over the seeds.
    assert r.seed == 0 and r.frozen_distance > 0


def test_interpolation_step_controls_against_a_loop():
    r = decay.interpolation_control(steps=60, repeats=2, record_every=30, n=20, dim=3, step_lrs=(0.01, 0.05))
    from coursekit.problems import make_least_squares
    p = make_least_squares(20, 3, np.random.default_rng(0), noise=0.0)
    assert r.max_example_norm2 == pytest.approx(np.max(np.sum(p.X**2, axis=1)), rel=1e-12)
    assert r.smoothness == pytest.approx(np.linalg.eigvalsh(p.X.T @ p.X / 20).max(), rel=1e-10)
    for lr, final in zip((0.01, 0.05), r.step_gd_final):
        theta = np.zeros(3)
        for _ in range(60):
            theta = theta - lr * p.X.T @ (p.X @ theta - p.y) / 20
        assert final == pytest.approx(float(p.loss(theta)) - p.min_loss, rel=1e-8, abs=1e-14)
    assert r.step_diverged.tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"step_lrs must be in \(0, inf"):
        decay.interpolation_control(step_lrs=(0.0,))
