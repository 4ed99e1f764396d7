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
    assert result.noise_term[0] == 0.0 and result.control_excess.shape == (11, 2)
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


def test_statistical_floor_oracles():
    result = rates.statistical_floor(n=2000, dim=4, batch_size=10, repeats=2, gd_epochs=3,
                                     gd_lrs=(0.5,), sgd_constants=(1.0,), record_every=5,
                                     early_window=(100, 1000), budgets=(100, 2000, 6000))
    k = result.sgd_examples[1:]
    np.testing.assert_allclose(result.floor[1:], 0.25 * 4 / (2 * k))
    assert np.isnan(result.floor[0]) and result.window == (50, 2000)
    assert result.gd_examples.tolist() == [0, 2000, 4000, 6000]
    assert result.gd_lr == 0.5 and result.sgd_constant == 1.0
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
    assert result.ratio_range == (result.ratio[inside].min(), result.ratio[inside].max())


def test_statistical_floor_picks_the_grid_best_by_the_same_rule():
    result = rates.statistical_floor(n=2000, dim=4, batch_size=10, repeats=2, gd_epochs=2,
                                     record_every=5, early_window=(100, 1000),
                                     budgets=(100, 2000, 4000))
    assert result.sgd_final.shape == (3,) and result.gd_final.shape == (4,)
    assert result.sgd_final[result.sgd_best] == result.sgd_final.min()
    assert result.gd_final[result.gd_best] == result.gd_final.min()
    np.testing.assert_array_equal(result.sgd_excess[-1], result.sgd_final[result.sgd_best])
    assert result.gd_excess[1] == result.gd_final[result.gd_best]


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
    np.testing.assert_array_equal(result.examples[0], 100 * np.arange(len(result.examples[0])))
    # Exact gradients after the switch: a constant ε < 2/L makes J fall at every update.
    assert np.all(np.diff(result.excess[1][switch:]) < 0)
    with pytest.raises(ValueError, match="growth_rate must be in"):
        rates.growing_batch(growth_rate=1.0)
    with pytest.raises(ValueError, match="tail must be an integer"):
        rates.growing_batch(tail=5)
    with pytest.raises(ValueError, match="end before the minibatch reaches n"):
        rates.growing_batch(n=200, dim=3, epochs=2, repeats=2)
