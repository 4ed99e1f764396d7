"""coursekit.experiments.nesterov: closed-form oracles, hand loops, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import schedules
from coursekit.experiments import nesterov as E
from tests.oracles import heavy_ball_path


def test_interim_points_follow_algorithms_8_2_and_8_3_by_hand():
    res = E.interim_points(condition_number=20.0, lr=0.02, momentum=0.7, steps=4, theta0=(-1.0, 0.4))
    lam = np.array([1.0, 20.0])
    for name, look_ahead in (("momentum", False), ("nesterov", True)):
        theta, v = np.array([-1.0, 0.4]), np.zeros(2)
        for k in range(4):
            interim = theta + 0.7 * v
            point = interim if look_ahead else theta
            g = lam * point  # ∇J of ½(θ1² + 20 θ2²)
            np.testing.assert_allclose(res.interim[name][k], interim, atol=1e-15)
            np.testing.assert_allclose(res.grad_point[name][k], point, atol=1e-15)
            np.testing.assert_allclose(res.grad[name][k], g, atol=1e-14)
            v = 0.7 * v - 0.02 * g
            theta = theta + v
            np.testing.assert_allclose(res.theta[name][k + 1], theta, atol=1e-14)
        np.testing.assert_allclose(res.loss[name][-1], 0.5 * np.sum(lam * theta**2), rtol=1e-12)


def test_canyon_runs_follow_algorithms_8_2_and_8_3_by_hand():
    runs = E.canyon_runs(0.01, 0.6, condition_number=20.0, steps=80, theta0=(-1.0, 0.4))
    assert set(runs) == {"momentum", "nesterov"}
    lam = np.array([1.0, 20.0])
    for name, look_ahead in (("momentum", False), ("nesterov", True)):
        expected = heavy_ball_path(0.01, 0.6, 80, look_ahead, lam, (-1.0, 0.4))
        np.testing.assert_allclose(runs[name].theta, expected, atol=1e-13)
        np.testing.assert_allclose(runs[name].loss, 0.5 * (expected**2 @ lam), rtol=1e-12, atol=1e-20)
        assert runs[name].steps.tolist() == list(range(81)) and not runs[name].diverged


def test_canyon_runs_report_divergence_as_a_result():
    # ελ = 3.5 on κ = 50: inside momentum's 2 + 2α = 3.6, outside Nesterov's (2 + 2α)/(1 + 2α) ≈ 1.38.
    runs = E.canyon_runs(0.07, 0.8, steps=100)
    assert not runs["momentum"].diverged and runs["nesterov"].diverged
    k = int(runs["nesterov"].diverged_at)
    assert np.isnan(runs["nesterov"].theta[k:]).all() and np.isfinite(runs["nesterov"].theta[:k]).all()


def test_batch_rates_match_the_closed_form_of_gradient_descent():
    # With unit error along each curved eigenvector, GD gives exactly
    # J(θ_k) − J* = ½ Σ_i λ_i (1 − ε λ_i)^(2k), λ_i = geomspace(1, 1/κ, r), ε = 1/L = 1.
    res = E.batch_rates(n=8, d=12, rank=8, condition_number=1e4, steps=400, record_every=10,
                        k_min=50, k_max=400)
    lam = np.geomspace(1.0, 1e-4, 8)
    k = res.steps[:, None].astype(float)
    oracle = 0.5 * np.sum(lam * (1.0 - lam) ** (2 * k), axis=1)
    np.testing.assert_allclose(res.excess[:, 0], oracle, rtol=1e-6, atol=1e-20)
    assert res.mu == 0.0 and res.lr == pytest.approx(1.0)
    # The constants are the geometric means of k^p·excess on the window.
    win = (res.steps >= 50) & (res.steps <= 400)
    c0 = np.exp(np.mean(np.log(res.steps[win] * res.excess[win, 0])))
    assert res.constants[0] == pytest.approx(c0, rel=1e-12)
    assert res.constant_ratio == pytest.approx(res.constants[1] / res.constants[0], rel=1e-12)
    # All three start at the same point: J(θ_0) − J* = ½ Σ λ_i.
    np.testing.assert_allclose(res.excess[0], 0.5 * lam.sum(), rtol=1e-9)


def test_batch_rates_scheduled_column_is_nesterov_with_the_schedule():
    # The third column must equal a hand loop of Algorithm 8.3 with α_k = (k−1)/(k+2),
    # checked along one eigen-direction: the problem is diagonal there.
    res = E.batch_rates(n=4, d=6, rank=4, condition_number=100.0, steps=60, record_every=1,
                        k_min=10, k_max=60)
    lam = np.geomspace(1.0, 1e-2, 4)
    alpha = schedules.nesterov_momentum()
    x, v = -np.ones(4), np.zeros(4)
    losses = [0.5 * np.sum(lam * x**2)]
    for k in range(1, 61):
        a = (k - 1) / (k + 2)
        assert alpha(k) == pytest.approx(a)
        g = lam * (x + a * v)
        v = a * v - g
        x = x + v
        losses.append(0.5 * np.sum(lam * x**2))
    np.testing.assert_allclose(res.excess[:, 2], losses, rtol=1e-7, atol=1e-18)


def test_stochastic_rates_bookkeeping_and_reproducibility():
    kw = dict(dim=3, steps=200, repeats=4, record_every=10, k_min=20, k_max=200, seed=3)
    a, b = E.stochastic_rates(**kw), E.stochastic_rates(**kw)
    np.testing.assert_array_equal(a.excess, b.excess)
    assert a.excess.shape == (21, 4, 3) and a.labels == ("SGD", "momentum", "Nesterov")
    np.testing.assert_allclose(a.mean_excess, a.excess.mean(axis=1))
    n_tail = 2  # round(0.1 × 21)
    np.testing.assert_allclose(a.final, a.excess[-n_tail:].mean(axis=0))
    means = a.final.mean(axis=0)
    np.testing.assert_allclose(a.ratios, means[1:] / means[0])
    assert np.all(a.excess >= 0)
    c = E.stochastic_rates(**{**kw, "seed": 4})
    assert not np.array_equal(a.excess, c.excess)


def test_convention_checks_are_tiny_and_changing_lr_breaks_them():
    res = E.convention_equivalence(steps=30)
    assert res.max_momentum < 1e-14 and res.max_nesterov < 1e-14 and res.max_damped < 1e-14
    ch = E.changing_lr(steps=30, every=10, rate=0.5, lr0=0.02)
    np.testing.assert_allclose(ch.lrs, 0.02 * 0.5 ** (np.arange(30) // 10))
    np.testing.assert_allclose(ch.alphas[[0, 9, 10, 11, 20]], [0.9, 0.9, 0.45, 0.9, 0.45])
    # Before the first change (records 0..10) the naive map is exact.
    assert ch.momentum_naive[:11].max() < 1e-14 and ch.nesterov_naive[:11].max() < 1e-14
    assert ch.max_momentum_naive > 1e-4 and ch.max_momentum_corrected < 1e-14
    assert ch.max_nesterov_naive > 1e-4 and ch.max_nesterov_corrected > 1e-6


def test_theta0_is_not_mutated():
    start = np.array([-1.0, 0.5])
    E.interim_points(theta0=start, steps=2)
    E.convention_equivalence(theta0=start, steps=3)
    E.canyon_runs(0.01, 0.5, theta0=start, steps=3)
    np.testing.assert_array_equal(start, [-1.0, 0.5])


@pytest.mark.parametrize("call, error, match", [
    (lambda: E.interim_points(steps=0), ValueError, r"steps must be an integer in \[1, 1000\], got 0"),
    (lambda: E.interim_points(momentum=1.0), ValueError, r"momentum must be in \[0, 1\), got 1.0"),
    (lambda: E.interim_points(theta0=(1.0, 2.0, 3.0)), ValueError, r"theta0 must have shape \(2,\)"),
    (lambda: E.batch_rates(seed=-1), ValueError, r"seed must be an integer in \[0, inf\], got -1"),
    (lambda: E.batch_rates(steps=2.5), TypeError, "steps must be an integer"),
    (lambda: E.stochastic_rates(repeats=1), ValueError, r"repeats must be an integer in \[2, inf\]"),
    (lambda: E.stochastic_rates(lr0=0.0), ValueError, r"lr0 must be in \(0, inf\), got 0.0"),
    (lambda: E.convention_equivalence(beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
    (lambda: E.changing_lr(every=0), ValueError, r"every must be an integer in \[1, inf\], got 0"),
    (lambda: E.canyon_runs(0.0, 0.5), ValueError, r"lr must be in \(0, inf\), got 0.0"),
    (lambda: E.canyon_runs(0.01, 1.0), ValueError, r"momentum must be in \[0, 1\), got 1.0"),
    (lambda: E.canyon_runs(0.01, 0.5, theta0=(1.0,)), ValueError, r"theta0 must have shape \(2,\)"),
])
def test_bad_inputs_raise_with_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_strongly_convex_runs_are_algorithms_8_2_and_8_3_by_hand():
    res = E.strongly_convex(steps=20, window=(5, 20))
    from coursekit.problems import LessardFunction

    f = LessardFunction(extra_curvatures=[1.0])
    for j, nesterov_flag in enumerate((False, True)):
        lr, alpha = ((res.lr_heavy_ball, res.momentum_heavy_ball), (res.lr_nesterov, res.momentum_nesterov))[j]
        theta, v = res.theta0.copy(), np.zeros(2)
        for k in range(20):
            g = f.grad(theta + alpha * v if nesterov_flag else theta)
            v = alpha * v - lr * g
            theta = theta + v
        assert abs(np.linalg.norm(theta) - res.distance[-1, 0, j]) <= 1e-12
    # Polyak's and Nesterov's settings for κ = 25.
    assert (res.lr_heavy_ball, res.momentum_heavy_ball) == pytest.approx((1 / 9, 4 / 9))
    assert (res.lr_nesterov, res.momentum_nesterov) == pytest.approx((1 / 30, (30 ** 0.5 - 1) / (30 ** 0.5 + 1)))
    assert res.nesterov_L == 30.0 and res.nesterov_bound == pytest.approx(1 - 30 ** -0.5)


def test_bias_and_noise_is_reproducible_and_sigma_zero_is_deterministic():
    a = E.bias_and_noise(noise=(0.0, 0.1), steps=50, repeats=3)
    b = E.bias_and_noise(noise=(0.0, 0.1), steps=50, repeats=3)
    np.testing.assert_array_equal(a.mean_excess, b.mean_excess)
    assert a.mean_excess.shape == (6, 2, 2) and a.at(50).shape == (2, 2)
    np.testing.assert_allclose(a.ratio, a.mean_excess[..., 1] / a.mean_excess[..., 0])


def test_schedule_with_noise_effective_step_closed_form():
    res = E.schedule_with_noise(steps=100, repeats=2)
    k = np.arange(1, 101)
    np.testing.assert_allclose(res.effective, 20.0 * (k + 2) / (3 * (20.0 + k)), rtol=1e-12)
    assert res.limit == pytest.approx(20.0 / 3)


def test_nesterov_1983_momentum_recurrence():
    alpha = E.nesterov_1983_momentum(4)
    t = [1.0]
    for _ in range(4):
        t.append((1 + np.sqrt(1 + 4 * t[-1] ** 2)) / 2)
    np.testing.assert_allclose(alpha, [(t[i] - 1) / t[i + 1] for i in range(4)], rtol=0, atol=1e-15)


def test_alpha_fit_is_exact_without_a_rate_change():
    res = E.alpha_fit(rate=1.0)
    assert not res.changes.any() and res.residual.max() <= 1e-12
    np.testing.assert_allclose(res.alpha, 0.9, atol=1e-9)


@pytest.mark.parametrize("call, match", [
    (lambda: E.strongly_convex(mu=30.0), r"mu must be in"),
    (lambda: E.strongly_convex(window=(50, 10)), r"window"),
    (lambda: E.bias_and_noise(noise=(-1.0,)), r"noise must be >= 0"),
    (lambda: E.alpha_fit(drop=1), r"drop"),
    (lambda: E.nesterov_1983_momentum(0), r"steps"),
])
def test_new_experiments_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
