"""Unit tests for coursekit.experiments.rates: closed-form oracles, bad input, no mutation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from coursekit.experiments import rates


@settings(max_examples=30, deadline=None)
@given(m0=st.integers(1, 50), rate=st.floats(1.01, 3.0), extra=st.integers(0, 5000),
       k=st.integers(1, 10**6))
def test_geometric_batch_growth_matches_closed_form(m0, rate, extra, k):
    cap = m0 + extra
    sched = rates.geometric_batch_growth(m0, rate, cap)
    expected = float(m0)  # brute force: multiply by r until k or the cap is reached
    for _ in range(k - 1):
        if expected >= cap:
            break
        expected *= rate
    expected = min(expected, cap)
    assert float(sched(k)) == pytest.approx(expected, rel=1e-9)


def test_geometric_batch_growth_is_finite_far_out_and_rejects_bad_input():
    sched = rates.geometric_batch_growth(10, 1.1, 2000)
    with np.errstate(all="raise"):
        values = sched(np.arange(1, 100_001))
    assert values[0] == 10.0 and values[-1] == 2000.0
    with pytest.raises(ValueError, match="rate must be in"):
        rates.geometric_batch_growth(10, 1.0, 100)
    with pytest.raises(ValueError, match="maximum must be in"):
        rates.geometric_batch_growth(10, 2.0, 5)


def test_work_per_update_counts_m_and_n_exactly():
    sizes = np.array([50, 500, 5000])
    before = sizes.copy()
    result = rates.work_per_update(sizes=sizes, batch_size=7, steps=3)
    np.testing.assert_array_equal(sizes, before)
    assert result.sgd_examples_per_update.tolist() == [7, 7, 7]
    assert result.gd_examples_per_update.tolist() == [50, 500, 5000]
    assert result.sgd_slope == pytest.approx(0.0, abs=1e-12)
    assert result.gd_slope == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("sizes, match", [((100,), "at least 2"), ((100, 50), "increasing"),
                                          ((0, 10), "positive")])
def test_work_per_update_rejects_bad_sizes(sizes, match):
    with pytest.raises(ValueError, match=match):
        rates.work_per_update(sizes=sizes)


def test_work_per_update_rejects_batch_larger_than_smallest_n():
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, 100\], got 101"):
        rates.work_per_update(batch_size=101)


def test_convex_rate_bias_matches_the_closed_form_and_noise_starts_at_zero():
    result = rates.convex_rate(noise=0.3, steps=200, repeats=2, record_every=10, window=(10, 200))
    lam = np.geomspace(1e-6, 1.0, 24)
    assert result.total_average[0, 0] == pytest.approx(0.5 * lam.sum())  # J(θ_0), θ_0 = 1
    assert result.noise_average[0, 0] == 0.0 and result.noise_last[0, 0] == 0.0  # θ_0 = θ*
    assert result.total_average.shape == (21, 1) and result.slope_noise_average.shape == (1,)
    assert np.all(np.diff(result.steps) == 10)
    # Oracle for the noiseless run: θ_k,i = Π_{j≤k} (1 − ε_j λ_i), ε_j = 0.5/√j, by a plain loop.
    theta, path = np.ones(24), [np.ones(24)]
    for j in range(1, 201):
        theta = theta * (1.0 - 0.5 / np.sqrt(j) * lam)
        path.append(theta)
    path = np.array(path)
    np.testing.assert_allclose(result.bias_last, 0.5 * (lam * path[::10] ** 2).sum(axis=1),
                               rtol=1e-10)
    averages = np.cumsum(path[1:], axis=0) / np.arange(1, 201)[:, None]
    np.testing.assert_allclose(result.bias_average[1:],
                               0.5 * (lam * averages[9::10] ** 2).sum(axis=1), rtol=1e-10)
    # The reference slope is that of log k/√k on the window.
    k = result.steps[1:].astype(float)
    assert result.slope_log_reference == pytest.approx(
        np.polyfit(np.log(k), np.log(np.log(k) / np.sqrt(k)), 1)[0], rel=1e-9)


@pytest.mark.parametrize("kwargs, match", [
    (dict(noise=-1.0), "noise must be in"),
    (dict(lr0=0.0), "lr0 must be in"),
    (dict(window=(100, 50)), "k_min < k_max"),
    (dict(window=(1, 10**6)), "window"),
    (dict(repeats=0), "repeats must be an integer"),
])
def test_convex_rate_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rates.convex_rate(**kwargs)


def test_strongly_convex_schedule_is_one_over_mu_k_plus_offset():
    result = rates.strongly_convex_rate(mu=0.25, steps=100, repeats=2, record_every=10,
                                        window=(10, 100))
    k = result.steps[1:]
    np.testing.assert_allclose(result.lr[1:], 1.0 / (0.25 * (k + 4.0)), rtol=1e-12)
    assert result.offset == 4.0 and result.L == 1.0
    assert result.noise_term[0] == 0.0 and result.control_excess.shape == (11, 3)
    # Oracle for the noiseless run: Π_{j≤k} (1 − λ/(μ(j + k0))) per direction.
    lam = np.geomspace(0.25, 1.0, 24)
    factors = 1.0 - lam / (0.25 * (np.arange(1, 101)[:, None] + 4.0))
    path = np.vstack([np.ones(24), np.cumprod(factors, axis=0)])
    np.testing.assert_allclose(result.bias, 0.5 * (lam * path[::10] ** 2).sum(axis=1), rtol=1e-10)
    with pytest.raises(ValueError, match="mu must be in"):
        rates.strongly_convex_rate(mu=1.5)


def test_one_pass_threshold_and_hitting_point_match_a_brute_force_scan():
    result = rates.one_pass(n=20_000, dim=5, n_test=500, batch_size=20, test_every=5)
    assert result.threshold == pytest.approx(1.01 * result.final_test_loss)
    np.testing.assert_array_equal(result.examples, np.arange(len(result.examples)) * 100)
    # Brute force: the first record from which every later test error is ≤ threshold.
    first = next(i for i in range(len(result.test_loss))
                 if np.all(result.test_loss[i:] <= result.threshold))
    assert result.examples_to_tolerance == result.examples[first]
    assert result.epoch_fraction == result.examples_to_tolerance / 20_000
    assert result.excess_at_tolerance == result.excess[first]
    last = next(i for i in range(len(result.excess))
                if np.all(result.excess[i:] <= 2.0 * result.final_excess))
    assert result.examples_to_excess_factor == result.examples[last]


def test_one_pass_excess_error_and_test_floor_oracles():
    from coursekit.data import make_large_regression
    result = rates.one_pass(n=20_000, dim=5, n_test=500, batch_size=20, test_every=5)
    data = make_large_regression(20_000, 5, rng=np.random.default_rng(0), noise=0.5, n_test=500)
    # θ_0 = 0: the excess error ½‖θ − θ_true‖² starts at ½‖θ_true‖².
    assert result.excess[0] == pytest.approx(0.5 * np.sum(data.theta_true ** 2), rel=1e-12)
    residual = data.X_test @ data.theta_true - data.y_test
    assert result.test_floor == pytest.approx(0.5 * np.mean(residual ** 2), rel=1e-12)
    # The test loss and the excess error follow the same trajectory: for x ~ N(0, I) the test
    # loss minus the test floor is the excess error up to sampling error of 500 rows.
    assert np.all(result.excess >= 0)
    assert result.test_loss[0] - result.test_floor == pytest.approx(result.excess[0], rel=0.2)


@pytest.mark.parametrize("kwargs, match", [(dict(tolerance=0.0), "tolerance must be in"),
                                           (dict(n=100), "n must be an integer"),
                                           (dict(offset=0.5), "offset must be in")])
def test_one_pass_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        rates.one_pass(**kwargs)


SMALL_FLOOR = dict(n=2000, dim=4, batch_size=10, repeats=2, record_every=5,
                   early_window=(100, 1000), data_seeds=(1,), ill_epochs=5)


def test_statistical_floor_oracles():
    result = rates.statistical_floor(gd_epochs=3, gd_lrs=(0.5,), sgd_constants=(1.0,),
                                     budgets=(100, 2000, 6000), pass_budgets=(100, 2000),
                                     **SMALL_FLOOR)
    k = result.sgd_examples[1:]
    np.testing.assert_allclose(result.floor[1:], 0.25 * 4 / (2 * k))
    assert np.isnan(result.floor[0]) and result.window == (50, 2000)
    assert result.gd_examples.tolist() == [0, 2000, 4000, 6000]
    assert result.gd_lr == 0.5 and result.sgd_constant.tolist() == [1.0, 1.0]
    assert result.sgd_excess.shape == (k.size + 1, 2) and result.sgd_final.shape == (2, 1)
    # Independent oracle: rebuild the data, take one gradient step by hand.
    from coursekit.data import make_linear_regression
    data = make_linear_regression(2000, 4, np.random.default_rng(0), noise=0.5)
    theta1 = 0.5 * data.X.T @ data.y / 2000  # θ_1 = θ_0 − ε ∇J(θ_0), θ_0 = 0
    assert result.gd_excess[1] == pytest.approx(0.5 * np.sum((theta1 - data.theta_true) ** 2))
    ols = np.linalg.lstsq(data.X, data.y, rcond=None)[0]
    assert result.ols_excess == pytest.approx(0.5 * np.sum((ols - data.theta_true) ** 2))
    assert result.gd_at_budgets.tolist() == [result.gd_excess[0], result.gd_excess[1],
                                             result.gd_excess[3]]
    inside = (result.sgd_examples >= 50) & (result.sgd_examples <= 2000)
    np.testing.assert_array_equal(result.ratio_range[:, 0], result.ratio[inside].min(axis=0))
    np.testing.assert_array_equal(result.ratio_range[:, 1], result.ratio[inside].max(axis=0))
    np.testing.assert_allclose(result.ratio[1:], result.sgd_excess[1:] / result.floor[1:, None])
    early = (result.sgd_examples >= 100) & (result.sgd_examples <= 1000)
    np.testing.assert_allclose(result.late_ratio_growth,
                               result.ratio[-1] / result.ratio[early].min(axis=0))
    # epochs_to_ols: the first epoch from which batch GD stays within 1.1x of the fit.
    first = next(e for e in range(4) if np.all(result.gd_excess[e:] <= 1.1 * result.ols_excess)) \
        if np.any(result.gd_excess <= 1.1 * result.ols_excess) else -1
    assert result.epochs_to_ols == first
    assert result.seed_ratios.shape == (1, 2) and result.ill_epochs_to_ols.shape == (4,)
    # The pooled comparison of the two orders: budgets within the pass, 1 + k/n, the Hessian.
    assert result.pass_budgets.tolist() == [100, 2000]
    np.testing.assert_allclose(result.replacement_prediction, [1.05, 2.0])
    np.testing.assert_allclose(result.hessian_extremes,
                               np.linalg.eigvalsh(data.X.T @ data.X / 2000)[[0, -1]], rtol=1e-12)
    # Draw 0's own end-of-pass excess enters the pool: with replacement / floor, averaged over
    # the 2 draws, is the mean of the two draws' end ratios.
    np.testing.assert_allclose(result.replacement_floor_ratio[-1],
                               (result.ratio[-1, 0] + result.seed_ratios[0, 0]) / 2, rtol=1e-12)


def test_statistical_floor_picks_the_grid_best_by_the_same_rule():
    result = rates.statistical_floor(gd_epochs=2, budgets=(100, 2000, 4000), pass_budgets=(1000, 2000),
                                     **SMALL_FLOOR)
    with pytest.raises(ValueError, match="pass_budgets must be within the pass"):
        rates.statistical_floor(pass_budgets=(2000, 30_000))
    assert result.sgd_final.shape == (2, 4) and result.gd_final.shape == (4,)
    for j in range(2):
        assert result.sgd_final[j, result.sgd_best[j]] == result.sgd_final[j].min()
        assert result.sgd_excess[-1, j] == result.sgd_final[j, result.sgd_best[j]]
    assert result.gd_final[result.gd_best] == result.gd_final.min()
    assert result.gd_excess[1] == result.gd_final[result.gd_best]


def test_permuted_least_squares_uses_every_example_once_per_pass():
    from coursekit.data import make_linear_regression
    from coursekit.experiments.rates.floor import _PermutedLeastSquares
    from coursekit.problems import LeastSquares
    data = make_linear_regression(60, 2, np.random.default_rng(0))
    problem = _PermutedLeastSquares(data.X, data.y)
    rng = np.random.default_rng(3)
    passes = [np.concatenate([problem._sample_batch(rng, (2, 3), 10) for _ in range(6)], axis=-1)
              for _ in range(2)]
    for order in passes:
        assert order.shape == (2, 3, 60)
        # Each trajectory sees every example exactly once in a pass...
        np.testing.assert_array_equal(np.sort(order, axis=-1),
                                      np.broadcast_to(np.arange(60), (2, 3, 60)))
    # ...in its own order, and a new one in the next pass.
    assert not np.array_equal(passes[0][0, 0], passes[0][0, 1])
    assert not np.array_equal(passes[0], passes[1])
    # Sampling with replacement (the default) repeats examples within n draws.
    default = LeastSquares(data.X, data.y)._sample_batch(rng, (), 60)
    assert np.unique(default).size < 60


def test_permuted_one_pass_equals_a_hand_loop_over_the_same_permutation():
    # The runner with the permuted problem is SGD over the permutation, example block by block.
    from coursekit.data import make_linear_regression
    from coursekit.experiments.rates.floor import _PermutedLeastSquares
    from coursekit.optimizers import sgd
    from coursekit.runner import run
    data = make_linear_regression(40, 3, np.random.default_rng(1), noise=0.5)
    result = run(_PermutedLeastSquares(data.X, data.y), sgd(0.1), np.zeros(3), 4,
                 batch_size=10, rng=np.random.default_rng(7), keep_path=True)
    order = np.random.default_rng(7).permuted(np.arange(40))
    theta = np.zeros(3)
    for t in range(4):
        rows = order[10 * t:10 * (t + 1)]
        theta = theta - 0.1 * data.X[rows].T @ (data.X[rows] @ theta - data.y[rows]) / 10
    np.testing.assert_allclose(result.theta[-1], theta, rtol=1e-12, atol=1e-14)


def test_growing_batch_examples_follow_the_schedule_then_n_per_exact_update():
    result = rates.growing_batch(n=200, dim=3, epochs=20, repeats=2, tail=30,
                                 budgets=(20, 200, 1000))
    growth = rates.geometric_batch_growth(10, 1.1, 200)
    sizes = [max(1, int(round(float(growth(k))))) for k in range(1, 200)]
    switch = next(i for i, m in enumerate(sizes) if m >= 200)
    assert result.switch_update == switch and result.switch_examples == sum(sizes[:switch])
    grown = result.examples[1]
    np.testing.assert_array_equal(grown[1:switch + 1], np.cumsum(sizes[:switch]))
    assert np.all(np.diff(grown[switch:]) == 200) and 3800 < grown[-1] <= 4000
    sampled = result.examples[2]
    np.testing.assert_array_equal(sampled[1:], np.cumsum(sizes[:len(sampled) - 1]))
    np.testing.assert_array_equal(result.examples[3], 200 * np.arange(21))
    np.testing.assert_array_equal(result.examples[0], 200 * np.arange(len(result.examples[0])))
    # Exact gradients after the switch: a constant ε < 2/L makes J fall at every update.
    assert np.all(np.diff(result.excess[1][switch:]) < 0)
    with pytest.raises(ValueError, match="growth_rate must be in"):
        rates.growing_batch(growth_rate=1.0)
    with pytest.raises(ValueError, match="tail must be an integer"):
        rates.growing_batch(tail=2)
    # The other draws of the data: one (4, B) table each, each policy at its per-budget best.
    assert result.data_seeds.tolist() == [1, 2] and result.seed_at_budgets.shape == (2, 3, 3)
    assert np.all(np.isfinite(result.seed_at_budgets)) and np.all(result.seed_at_budgets > 0)
    with pytest.raises(ValueError, match="data_seeds must be an integer"):
        rates.growing_batch(data_seeds=(-1,))
    with pytest.raises(ValueError, match="end before the minibatch reaches n"):
        rates.growing_batch(n=200, dim=3, epochs=2, repeats=2)


def test_growing_batch_default_grid_is_log_uniform_without_gaps():
    import inspect
    lrs = np.asarray(inspect.signature(rates.growing_batch).parameters["lrs"].default)
    step = np.diff(np.log(lrs))
    np.testing.assert_allclose(step, step[0], rtol=1e-9)
    assert np.exp(step[0]) < 1.5 and lrs[0] == pytest.approx(1 / 1024) and lrs[-1] == 1.95


def test_growing_batch_other_draws_are_the_same_computation_on_another_seed():
    kw = dict(n=200, dim=3, epochs=20, repeats=2, lrs=(0.25, 0.5, 1.0), budgets=(200, 1000))
    other = rates.growing_batch(data_seeds=(3,), **kw)
    # Batch GD has no sampling: its excess on draw 3 is that of the main result with seed=3.
    alone = rates.growing_batch(seed=3, data_seeds=(), **kw)
    np.testing.assert_allclose(other.seed_at_budgets[0, 2], alone.at_budgets[3], rtol=1e-12)
    # The growing batch on that draw: the same rule, half the seeds.
    half = rates.growing_batch(seed=3, data_seeds=(), **{**kw, "repeats": 1})
    np.testing.assert_allclose(other.seed_at_budgets[0, :2], half.at_budgets[1:3], rtol=1e-12)


def test_growing_batch_tunes_each_policy_on_the_grid():
    result = rates.growing_batch(n=200, dim=3, epochs=20, repeats=2, lrs=(0.25, 0.5, 1.0),
                                 budgets=(20, 200, 1000))
    assert result.final_by_lr.shape == (4, 3) and result.lr_at_budgets.shape == (4, 3)
    best = np.nanargmin(result.final_by_lr, axis=1)
    np.testing.assert_array_equal(result.best_lr, result.lrs[best])
    # Batch GD at its best ε: its curve is the exact run at that ε.
    from coursekit.optimizers import sgd
    from coursekit.problems import make_least_squares
    from coursekit.runner import run
    problem = make_least_squares(200, 3, np.random.default_rng(0), noise=0.5, condition_number=10.0)
    gd = run(problem, sgd(float(result.best_lr[3])), np.zeros(3), 20)
    np.testing.assert_allclose(result.excess[3], gd.loss - problem.min_loss, rtol=1e-10)
    lam = np.linalg.eigvalsh(problem.hessian)
    assert result.theory_contraction == pytest.approx(
        np.max((1 - result.best_lr[3] * lam[[0, -1]]) ** 2))
    with pytest.raises(ValueError, match="below 2/L"):
        rates.growing_batch(lrs=(0.5, 2.0))


def test_expected_excess_matches_a_brute_force_sum():
    # Oracle: θ_k = Φ(k,0) θ_0 − Σ_j Φ(k,j) ε_j σ ξ_j with Φ(k,j) = Π_{j<i≤k} (1 − ε_i λ):
    # Var θ_k = σ² Σ_j ε_j² Φ(k,j)², and θ̄_k = (1/k) Σ_{i≤k} θ_i has
    # Var θ̄_k = σ² Σ_j ε_j² (Σ_{i=j..k} Φ(i,j) / k)², by plain double loops.
    lam = np.array([0.05, 0.3, 1.2])
    lr = 0.7 / np.sqrt(np.arange(1, 41))
    theta0 = np.array([1.0, -2.0, 0.5])
    sigma = 0.8
    exact = rates.expected_excess(lam, theta0, lr, sigma, average=True, chunk=7)
    K = lr.size
    phi = np.ones((K + 1, K + 1, 3))  # phi[i, j] = Φ(i, j) for i ≥ j
    for j in range(K + 1):
        for i in range(j + 1, K + 1):
            phi[i, j] = phi[i - 1, j] * (1 - lr[i - 1] * lam)
    for k in (1, 5, 17, 40):
        mean = phi[k, 0] * theta0
        var = sigma**2 * sum(lr[j - 1] ** 2 * phi[k, j] ** 2 for j in range(1, k + 1))
        assert exact.bias_last[k] == pytest.approx(0.5 * np.sum(lam * mean**2), rel=1e-12)
        assert exact.noise_last[k] == pytest.approx(0.5 * np.sum(lam * var), rel=1e-12)
        mean_avg = sum(phi[i, 0] for i in range(1, k + 1)) * theta0 / k
        var_avg = sigma**2 * sum(lr[j - 1] ** 2 * (sum(phi[i, j] for i in range(j, k + 1)) / k) ** 2
                                 for j in range(1, k + 1))
        assert exact.bias_average[k] == pytest.approx(0.5 * np.sum(lam * mean_avg**2), rel=1e-12)
        assert exact.noise_average[k] == pytest.approx(0.5 * np.sum(lam * var_avg), rel=1e-12)
    assert exact.noise_last[0] == 0.0 and exact.noise_average[0] == 0.0
    # The chunking does not change the result.
    whole = rates.expected_excess(lam, theta0, lr, sigma)
    np.testing.assert_allclose(whole.noise_last, exact.noise_last, rtol=1e-12)
    assert whole.bias_average is None


def test_expected_excess_matches_the_runner_in_monte_carlo():
    # The closed form against the course's runner on Quadratic with additive noise, 4000 seeds.
    from coursekit.optimizers import sgd
    from coursekit.problems import Quadratic
    from coursekit.runner import run
    from coursekit.schedules import inverse_sqrt
    lam = np.array([0.01, 0.1, 1.0])
    problem = Quadratic(lam, noise=0.7)
    result = run(problem, sgd(inverse_sqrt(0.5)), np.ones(3), 60, batch_size=1,
                 rng=np.random.default_rng(0), repeats=4000, average=True)
    exact = rates.expected_excess(lam, 1.0, 0.5 / np.sqrt(np.arange(1, 61)), 0.7, average=True)
    for measured, expected in ((result.loss, exact.bias_last + exact.noise_last),
                               (result.average_loss, exact.bias_average + exact.noise_average)):
        np.testing.assert_allclose(measured.mean(axis=1)[1:] - problem.min_loss, expected[1:],
                                   rtol=0.05)


def test_expected_excess_with_one_sigma_per_coordinate_is_the_sum_of_one_dimensional_runs():
    # Oracle: the coordinates are independent, so diag(σ_i²) noise is d scalar problems.
    lam = np.array([1e-3, 0.05, 0.3, 1.0])
    sigmas = np.array([0.1, 0.4, 0.0, 1.3])
    lr = 0.6 / np.sqrt(np.arange(1, 80))
    theta0 = np.array([1.0, -0.5, 2.0, 0.3])
    joint = rates.expected_excess(lam, theta0, lr, sigmas, average=True, chunk=11)
    parts = [rates.expected_excess(lam[[i]], theta0[i], lr, float(sigmas[i]), average=True)
             for i in range(4)]
    for field in ("bias_last", "noise_last", "bias_average", "noise_average"):
        np.testing.assert_allclose(getattr(joint, field),
                                   sum(getattr(p, field) for p in parts), rtol=1e-12, atol=1e-300)
    # A scalar σ is the same as σ for every coordinate.
    same = rates.expected_excess(lam, theta0, lr, np.full(4, 0.7))
    np.testing.assert_allclose(same.noise_last, rates.expected_excess(lam, theta0, lr, 0.7).noise_last,
                               rtol=1e-12)
    with pytest.raises(ValueError, match="one sigma per eigenvalue"):
        rates.expected_excess(lam, theta0, lr, np.ones(3))


def test_expected_excess_rejects_a_step_that_lands_on_one_over_lambda():
    with pytest.raises(ValueError, match="differ from 1"):
        rates.expected_excess([0.5, 1.0], 1.0, [1.0, 0.5], 1.0)
    with pytest.raises(ValueError, match="eigenvalues must be in"):
        rates.expected_excess([0.0, 1.0], 1.0, [0.5], 1.0)


def test_seconds_per_update_returns_unclipped_marginal_times():
    result = rates.seconds_per_update(sizes=(100, 1000), sgd_steps=50, gd_examples=5000, timings=3)
    assert result["sgd"].shape == (2,) and result["gd"].shape == (2,)
    assert np.all(np.isfinite(result["sgd"])) and np.all(np.isfinite(result["gd"]))
    # A difference of two medians, not clipped: 100 updates of batch GD on n = 1000 cost more
    # than one, so the estimate is positive.
    assert result["gd"][1] > 0
    with pytest.raises(ValueError, match="sgd_steps must be an integer"):
        rates.seconds_per_update(sgd_steps=1)
