"""Experiments of the momentum lecture: closed-form and brute-force oracles."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import momentum as M


def test_first_steps_match_a_hand_written_loop():
    r = M.first_steps(lr=0.2, momentum=0.5, curvature=2.0, theta0=-1.5, steps=5)
    theta, v = -1.5, 0.0
    for k in range(1, 6):
        g = 2.0 * theta
        v = 0.5 * v - 0.2 * g
        theta = theta + v
        assert r.grad[k] == pytest.approx(g, abs=1e-15)
        assert r.velocity[k] == pytest.approx(v, abs=1e-15)
        assert r.theta[k] == pytest.approx(theta, abs=1e-15)
    table = r.table().splitlines()
    assert len(table) == 7 and table[2].split()[0] == "1"


def test_terminal_velocity_closed_form():
    r = M.terminal_velocity(momenta=(0.3, 0.8), lr=0.05, gradient=(1.0, 2.0, 2.0), steps=300)
    k = np.arange(301)[:, None]
    np.testing.assert_allclose(r.ratio, 1 - np.array([0.3, 0.8]) ** k, atol=1e-13)
    assert r.grad_norm == pytest.approx(3.0)
    # ⌈ln 0.01 / ln α⌉ by brute force: the first k with α^k ≤ 0.01.
    expected = [next(k for k in range(1, 1000) if a**k <= 0.01) for a in (0.3, 0.8)]
    assert r.steps_to_99.tolist() == expected == r.steps_to_99_theory.tolist()
    np.testing.assert_allclose(r.speedup, [1 / 0.7, 1 / 0.2], rtol=1e-12)


def test_canyon_race_paths_follow_the_recursion():
    r = M.canyon_race(condition_number=20.0, lr=0.05, momentum=0.7, theta0=(-3.0, 0.5), steps=80, tol=1e-4)
    theta, v = np.array([-3.0, 0.5]), np.zeros(2)
    lam = np.array([1.0, 20.0])
    for k in range(1, 81):
        v = 0.7 * v - 0.05 * lam * theta
        theta = theta + v
        np.testing.assert_allclose(r.momentum_path[k], theta, rtol=1e-12, atol=1e-14)
    gd = np.array([-3.0, 0.5]) * (1 - 0.05 * lam) ** 80
    np.testing.assert_allclose(r.gd_path[-1], gd, rtol=1e-10)
    for path, found in ((r.gd_path, r.gd_steps), (r.momentum_path, r.momentum_steps)):
        excess = 0.5 * (path**2 @ lam)
        assert found == next((k for k in range(81) if np.all(excess[k:] <= 1e-4)), -1)
    assert r.gd_steps == -1 and r.momentum_steps > 0


def test_canyon_race_defaults_are_gd_optimum_and_critical_damping():
    r = M.canyon_race(condition_number=50.0, steps=10)
    assert r.lr == pytest.approx(2.0 / 51.0)
    assert r.momentum == pytest.approx((1 - np.sqrt(2.0 / 51.0)) ** 2)


def test_rate_map_optimum_and_boundary():
    r = M.rate_map(condition_number=25.0, n_lr=50, n_momentum=40)
    assert r.rate.shape == (40, 50)
    assert r.best_rate == pytest.approx(4.0 / 6.0)
    assert r.gd_rate == pytest.approx(24.0 / 26.0)
    np.testing.assert_allclose(r.boundary_lr_L, 2 + 2 * r.momenta)
    assert np.all(r.rate >= r.best_rate - 1e-12)
    # Right of the boundary every rate is ≥ 1.
    outside = r.lr_L[None, :] > r.boundary_lr_L[:, None] + 1e-9
    assert np.all(r.rate[outside] >= 1.0)


def test_measured_rates_small():
    r = M.measured_rates(condition_numbers=(5.0,), dim=4, e_folds=60.0, seed=1)
    assert r.gd_theory[0] == pytest.approx(4.0 / 6.0)
    assert r.relative_error_gd[0] < 1e-6
    assert r.relative_error_momentum[0] < 0.03
    assert r.momentum_measured[0] < r.gd_measured[0]


def test_damping_modes_over_is_monotone_under_crosses_zero():
    r = M.damping_modes(lr=0.1, curvature=1.0, over=0.1, under=0.9, steps=60)
    assert r.momenta[1] == pytest.approx((1 - np.sqrt(0.1)) ** 2)
    assert np.all(np.diff(r.theta[:, 0]) < 0) and np.all(r.theta[:, 0] > 0)
    assert np.any(r.theta[:, 2] < 0)
    np.testing.assert_allclose(r.rate_measured[[0, 2]], r.rate_theory[[0, 2]], rtol=0.01)


def test_momentum_schedules_shapes_and_schedules():
    r = M.momentum_schedules(steps=200, tau=100, repeats=3, dim=5)
    assert r.excess.shape == (r.steps.size, 8) and r.final.shape == (8,)
    k200 = np.searchsorted(r.steps, 200)
    np.testing.assert_allclose(r.momentum_values[k200], [0.9, 0.9, 0.99, 0.99] * 2)
    np.testing.assert_allclose(r.lr_values[k200], [0.05] * 4 + [0.0005] * 4)
    np.testing.assert_allclose(r.momentum_values[0], [0.9, 0.5, 0.99, 0.5] * 2, atol=0.005)
    assert len(r.table().splitlines()) == 9
    i = r.index(shrink=True, final_momentum=0.99, ramped=True)
    assert r.labels[i] == "ε → 1% of ε, α 0.5 → 0.99"
    # Mean of ε_k/(1 − α_k) over k = 1..τ, by hand for the constant-ε ramp to 0.9.
    k = np.arange(1, 101)
    alpha = 0.5 + (0.9 - 0.5) * k / 100
    ramp = r.index(shrink=False, final_momentum=0.9, ramped=True)
    assert r.mean_effective_step[ramp] == pytest.approx(np.mean(0.05 / (1 - alpha)), rel=1e-12)
    value, se = r.ratio(0, 1)
    assert value == pytest.approx(r.final[0] / r.final[1]) and se > 0
    with pytest.raises(ValueError, match="no setting"):
        r.index(shrink=True, final_momentum=0.5, ramped=False)


def test_root_cases_paths_follow_the_roots():
    r = M.root_cases(condition_number=9.0, canyon_condition=10.0, steps=12)
    # Polyak κ = 9: ε* = 1/4 on [1, 9], α* = 1/4; the two double roots are ±1/2.
    np.testing.assert_allclose(r.step[:2], [0.25, 2.25])
    np.testing.assert_allclose(r.roots[:2].real, [[0.5, 0.5], [-0.5, -0.5]], atol=1e-7)
    for j in range(5):  # x_k by hand: x_k = (1 − ελ) x_{k−1} + α v_{k−1}
        x, v = 1.0, 0.0
        for k in range(1, 13):
            v = r.momenta[j] * v - r.step[j] * x
            x = x + v
            assert r.theta[k, j] == pytest.approx(x, abs=1e-14)
    assert len(r.table().splitlines()) == 6


def test_noisy_gradients_settings_and_shapes():
    r = M.noisy_gradients(steps=200, read_at=50, repeats=2, dim=4)
    np.testing.assert_allclose(r.lr, [0.05, 0.05, 0.5, 0.25, 0.05, 0.005, 2.5, 0.25])
    np.testing.assert_allclose(r.effective_step, [0.05, 0.5, 0.5, 0.5, 0.5, 0.5, 2.5, 2.5])
    assert r.excess.shape == r.noise_free.shape == (r.steps.size, 8) and r.read_at == 50
    assert r.diverged.tolist() == [False] * 6 + [True, False]
    assert np.isnan(r.floor_theory[6]) and "diverged" in r.table().splitlines()[7]
    # The noise-free run is deterministic: θ_k = (1 − ε)^k θ_0 for SGD along each eigen-direction.
    assert np.all(np.diff(r.noise_free[:, 0]) <= 0)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\), got 1.5"):
        M.first_steps(momentum=1.5)
    with pytest.raises(ValueError, match=r"momenta must be in \[0, 1\)"):
        M.terminal_velocity(momenta=(0.5, 1.0))
    with pytest.raises(ValueError, match="gradient must be non-zero"):
        M.terminal_velocity(gradient=(0.0, 0.0))
    with pytest.raises(ValueError, match=r"theta0 must have shape \(\.\.\., 2\)"):
        M.canyon_race(theta0=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="condition_number must be in"):
        M.rate_map(condition_number=0.5)
    with pytest.raises(TypeError, match="seed must be an integer"):
        M.measured_rates(seed=1.5)
    with pytest.raises(ValueError, match="over must be in"):
        M.damping_modes(over=0.6)
    with pytest.raises(ValueError, match="repeats must be an integer in"):
        M.momentum_schedules(repeats=1)
    with pytest.raises(ValueError, match="momenta must be in"):
        M.momentum_schedules(momenta=(0.9, 1.0))
    with pytest.raises(ValueError, match="momentum must be in"):
        M.noisy_gradients(momentum=0.0)
    with pytest.raises(ValueError, match="condition_number must be in"):
        M.root_cases(condition_number=1.0)


def test_schedule_robustness_noise_free_equals_the_rotated_problem():
    from coursekit.experiments.momentum._common import _noisy_problem
    from coursekit.optimizers import momentum as momentum_optimizer
    from coursekit.problems import Quadratic
    from coursekit.runner import run
    from coursekit.schedules import linear_decay

    r = M.schedule_robustness(momenta=(0.9,), starts=(0.5,), tau=50, budgets=(100, 200), seeds=(3, 4),
                              dim=5, repeats=2)
    assert r.loss.shape == r.noise_free.shape == (2, 2, 3) and r.labels[0] == "constant ε, constant α = 0.9"
    # Oracle: the axis-aligned batch from Qᵀ(θ_0 − θ*) gives the rotated problem's noise-free losses.
    rotated = _noisy_problem(5, 100.0, 0.3, 4)[0]
    opt = momentum_optimizer(linear_decay(np.array([0.05, 0.05, 0.05]), np.array([0.05, 5e-4, 5e-4]), 50),
                             linear_decay(np.array([0.9, 0.9, 0.5]), np.array([0.9, 0.9, 0.9]), 50))
    direct = run(Quadratic(rotated.eigenvalues, rotation=rotated.rotation), opt, np.ones(5), 200)
    np.testing.assert_allclose(r.noise_free[1, :, :], direct.loss[[100, 200]], rtol=1e-10)
    np.testing.assert_allclose(r.ramp_ratio(0.9, 0.5), r.loss[..., 2] / r.loss[..., 1])
    assert "seed 3" in r.table() and len(r.table().splitlines()) == 1 + 2 * 2


def test_tuned_noisy_gradients_picks_the_best_of_each_kind():
    r = M.tuned_noisy_gradients(noises=(0.3,), budgets=(50, 100), effective_steps=(0.05, 0.5, 2.5),
                                momenta=(0.0, 0.9), dim=4, repeats=3, check_repeats=4)
    # SGD at ε/(1 − α) = 2.5 > 2/L is left out of the grid; heavy ball there is kept (ε L < 2 + 2α).
    assert r.lr.size == 5 and not np.any((r.momenta == 0.0) & (r.effective_step > 2.0))
    for b in range(2):
        sgd, hb = r.momenta == 0.0, r.momenta > 0.0
        assert r.loss[0, b, r.best_sgd[0, b]] == r.loss[0, b][sgd].min()
        assert r.loss[0, b, r.best_momentum[0, b]] == r.loss[0, b][hb].min()
    np.testing.assert_allclose(r.ratio, r.final[..., 0] / r.final[..., 1])
    assert r.final.shape == (1, 2, 2) and np.all(r.ratio_se > 0) and len(r.table().splitlines()) == 3
    with pytest.raises(ValueError, match="must contain 0"):
        M.tuned_noisy_gradients(momenta=(0.5, 0.9))


def test_alpha_decay_schedules_and_shapes():
    r = M.alpha_decay(momenta=(0.9,), steps=200, tau=100, repeats=3, dim=5)
    assert r.labels == ("constant ε, constant α = 0.9", "ε → 1% of ε, constant α = 0.9", "constant ε, α 0.9 → 0")
    np.testing.assert_allclose(r.final_effective_step, [0.5, 0.005, 0.05])
    assert r.final.shape == r.final_se.shape == (3,) and np.all(r.final > 0) and np.all(r.final_se > 0)
    value, se = r.ratio(0, 1)
    assert value == pytest.approx(r.final[0] / r.final[1]) and se > 0
    assert "final ε/(1 − α)" in r.table()


def test_tuned_gain_over_seeds_repeats_the_tuning_per_seed():
    kwargs = dict(budgets=(50,), effective_steps=(0.05, 0.5, 2.5), momenta=(0.0, 0.9), repeats=2,
                  check_repeats=2, dim=4)
    g = M.tuned_gain_over_seeds(seeds=(1, 2), **kwargs)
    assert g.ratio.shape == g.ratio_se.shape == g.momentum_step.shape == (2, 1)
    one = M.tuned_noisy_gradients(noises=(0.003,), seed=2, **kwargs)
    assert g.ratio[1, 0] == pytest.approx(one.ratio[0, 0])
    assert g.sgd_step[1, 0] == one.lr[one.best_sgd[0, 0]]
