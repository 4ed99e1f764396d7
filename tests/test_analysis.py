"""Analysis: rates, contraction factors, hitting times and floors against closed forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import optimizers as O
from coursekit.analysis import geometric_rate, loglog_slope, steps_to_tolerance, tail_mean
from coursekit.problems import canyon
from coursekit.runner import run

from .strategies import seeds

K = np.arange(1, 1001, dtype=float)


@pytest.fixture(autouse=True)
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------
# loglog_slope
# --------------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [-1.0, -2.0, -0.5, 0.3])
def test_loglog_slope_recovers_an_exact_power_law(exponent):
    slope = loglog_slope(K, 7.5 * K**exponent)
    assert isinstance(slope, float)
    assert slope == pytest.approx(exponent, abs=1e-12)


def test_loglog_slope_on_the_course_window_far_from_k_1():
    # The window of claim C20: k from 1e3 to 3e4, where log k is far from 0.
    k = np.arange(0, 30_001)
    with np.errstate(divide="ignore"):
        values = 0.3 / k.astype(float) ** 2  # inf at k = 0, outside the window
    assert loglog_slope(k, values, k_min=1000, k_max=30_000) == pytest.approx(-2.0, abs=1e-12)


@given(
    exponent=st.floats(-3.0, 1.0),
    log_c=st.floats(-20.0, 20.0),
    lo=st.integers(1, 400),
    width=st.integers(2, 500),
)
@settings(max_examples=40, deadline=None)
def test_loglog_slope_exact_for_any_power_law_and_window(exponent, log_c, lo, width):
    values = np.exp(log_c) * K**exponent
    slope = loglog_slope(K, values, k_min=lo, k_max=lo + width)
    assert slope == pytest.approx(exponent, abs=1e-10)


@given(seed=seeds, sigma=st.floats(0.01, 0.5))
@settings(max_examples=30, deadline=None)
def test_loglog_slope_with_multiplicative_noise_is_the_least_squares_fit(seed, sigma):
    rng = np.random.default_rng(seed)
    k = np.arange(10, 2001, dtype=float)
    values = 3.0 / k * np.exp(sigma * rng.standard_normal(k.size))
    slope = loglog_slope(k, values)
    # Oracle 1: numpy's own polynomial least squares on the same data.
    assert slope == pytest.approx(np.polyfit(np.log(k), np.log(values), 1)[0], abs=1e-10)
    # Oracle 2: the OLS standard error σ/√Σ(x−x̄)² bounds the error (6 s.e.).
    x = np.log(k)
    stderr = sigma / np.sqrt(np.sum((x - x.mean()) ** 2))
    assert abs(slope + 1.0) < 6 * stderr


def test_loglog_slope_batch_equals_the_loop_over_curves():
    rng = np.random.default_rng(3)
    exponents = rng.uniform(-2.5, -0.2, size=(3, 4))
    values = 2.0 * K[:, None, None] ** exponents * np.exp(0.05 * rng.standard_normal((K.size, 3, 4)))
    slopes = loglog_slope(K, values, k_min=20, k_max=800)
    assert slopes.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            single = loglog_slope(K, values[:, i, j], k_min=20, k_max=800)
            assert slopes[i, j] == pytest.approx(single, rel=1e-13, abs=1e-14)
            assert slopes[i, j] == pytest.approx(exponents[i, j], abs=0.01)


def test_loglog_slope_uses_only_the_window():
    # 1/k up to k = 100, then 100/k² (continuous at 100): two regimes, two slopes.
    values = np.where(K <= 100, 1.0 / K, 100.0 / K**2)
    assert loglog_slope(K, values, k_min=1, k_max=100) == pytest.approx(-1.0, abs=1e-12)
    assert loglog_slope(K, values, k_min=100, k_max=1000) == pytest.approx(-2.0, abs=1e-12)
    # Anything outside the window is ignored, even NaN, zero or k = 0.
    k = np.concatenate([[0.0], K])
    spoiled = np.concatenate([[0.0], values])
    spoiled[-5:] = np.nan
    assert loglog_slope(k, spoiled, k_min=200, k_max=990) == pytest.approx(-2.0, abs=1e-12)


def test_loglog_slope_on_a_curve_that_is_not_an_exact_power_law():
    # J(θ_k) − J* of gradient descent (ε = 1/L = 1) on J = ½ Σ λ_i θ_i², λ_i = 1/i²,
    # from θ_0 = 1: Σ ½ λ_i (1 − λ_i)^(2k). It is a power law only asymptotically,
    # so the oracle is numpy's least-squares fit over the same window.
    lam = 1.0 / np.arange(1, 2001) ** 2
    k = np.arange(1, 3001)
    loss = 0.5 * np.sum(lam * (1 - lam) ** (2 * k[:, None]), axis=1)
    expected = np.polyfit(np.log(k[99:]), np.log(loss[99:]), 1)[0]
    assert loglog_slope(k, loss, k_min=100) == pytest.approx(expected, abs=1e-10)


def test_loglog_slope_inputs_unchanged():
    values = np.stack([1.0 / K, 1.0 / K**2], axis=1)
    k_copy, v_copy = K.copy(), values.copy()
    loglog_slope(K, values, k_min=5)
    np.testing.assert_array_equal(K, k_copy)
    np.testing.assert_array_equal(values, v_copy)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(k=K, values=-1.0 / K, k_min=1000, k_max=30000),
         ValueError, r"window k in \[1000, 30000\] must hold at least 3 records to fit a line, got 1"),
        (dict(k=np.arange(1, 6), values=np.ones(4)), ValueError,
         r"values must have shape \(R, \.\.\.\) with R = len\(k\) = 5, got shape \(4,\)"),
        (dict(k=np.ones((2, 3)), values=np.ones((2, 3))), ValueError,
         r"k must be a non-empty 1-D array, got shape \(2, 3\)"),
        (dict(k=[1.0, np.nan, 3.0], values=[1.0, 1.0, 1.0]), ValueError, r"k must be finite"),
        (dict(k=np.arange(0, 10), values=np.ones(10)), ValueError,
         r"k must be > 0 inside the window \[0, 9\] to take log k, got min k = 0; pass k_min > 0"),
        (dict(k=K, values=np.ones(1000), k_min=10, k_max=5), ValueError,
         r"k_min must be <= k_max, got k_min = 10, k_max = 5"),
        (dict(k=K, values=np.ones(1000), k_min=[1, 2]), ValueError,
         r"k_min must be a single number, got an array of shape \(2,\)"),
        (dict(k=[5.0, 5.0, 5.0], values=[1.0, 2.0, 3.0]), ValueError,
         r"k must take at least 2 distinct values in the window \[5, 5\], got only 5"),
        (dict(k=K, values="abc"), TypeError, r"values must be a real number or array"),
    ],
)
def test_loglog_slope_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        loglog_slope(**kwargs)


def test_loglog_slope_counts_bad_values_in_the_window():
    k = np.arange(0, 30_001, dtype=float)
    values = np.ones((k.size, 2))
    values[1500, 0] = 0.0
    values[2000, 1] = np.nan
    values[29_999, 1] = np.inf
    values[10, :] = np.nan  # outside the window: not counted
    with pytest.raises(ValueError, match=(
        r"^values must be > 0 and finite for k in \[1000, 30000\]; 3 entries are not$"
    )):
        loglog_slope(k, values, k_min=1000, k_max=30_000)


# --------------------------------------------------------------------------
# geometric_rate
# --------------------------------------------------------------------------


@given(rate=st.floats(0.05, 0.999), log_c=st.floats(-10.0, 10.0), lo=st.integers(0, 100),
       width=st.integers(2, 100))
@settings(max_examples=40, deadline=None)
def test_geometric_rate_recovers_an_exact_geometric_sequence(rate, log_c, lo, width):
    k = np.arange(0, 250)
    values = np.exp(log_c + k * np.log(rate))
    assert geometric_rate(values, lo, lo + width) == pytest.approx(rate, rel=1e-11)


def test_geometric_rate_uses_the_given_steps():
    # Recorded every 5 steps: the per-step factor, not the per-record one.
    steps = np.arange(0, 501, 5)
    values = 0.8**steps
    assert geometric_rate(values, 100, 400, steps=steps) == pytest.approx(0.8, rel=1e-12)
    assert geometric_rate(values, 20, 80) == pytest.approx(0.8**5, rel=1e-12)


def test_geometric_rate_batch_equals_loop_and_ignores_outside_the_window():
    rng = np.random.default_rng(11)
    rates = rng.uniform(0.5, 0.99, size=5)
    k = np.arange(200)
    values = 3.0 * rates**k[:, None] * np.exp(0.01 * rng.standard_normal((200, 5)))
    values[150:, 2] = np.nan  # diverged after the window
    batch = geometric_rate(values, 10, 120)
    assert batch.shape == (5,)
    for j in range(5):
        assert batch[j] == pytest.approx(geometric_rate(values[:, j], 10, 120), rel=1e-13)
        assert batch[j] == pytest.approx(rates[j], rel=1e-3)


def test_geometric_rate_of_gradient_descent_matches_theory():
    # ε = 2/(L+μ): both coordinates contract by exactly (κ−1)/(κ+1) in size, so
    # J(θ_k) − J* contracts by its square per step (a closed form, Figure 8.5 setting).
    kappa = 50.0
    problem = canyon(kappa)
    result = run(problem, O.sgd(2.0 / (1.0 + kappa)), [-1.0, 1.0], steps=120)
    r = (kappa - 1.0) / (kappa + 1.0)
    assert geometric_rate(result.loss, 20, 120, steps=result.steps) == pytest.approx(r**2, rel=1e-10)


def test_geometric_rate_validation_and_purity():
    values = 0.9 ** np.arange(50.0)
    copy = values.copy()
    geometric_rate(values, 0, 49)
    np.testing.assert_array_equal(values, copy)
    bad = values.copy()
    bad[[5, 6]] = [0.0, -1.0]
    with pytest.raises(ValueError, match=r"values must be > 0 and finite for steps in \[0, 10\]; 2 entries"):
        geometric_rate(bad, 0, 10)
    with pytest.raises(ValueError, match=r"must hold at least 3 records to fit a line, got 2"):
        geometric_rate(values, 3, 4)
    with pytest.raises(ValueError, match=r"values must have shape \(R, \.\.\.\), got a scalar"):
        geometric_rate(1.0, 0, 4)
    with pytest.raises(ValueError, match=r"R = len\(steps\) = 3"):
        geometric_rate(values, 0, 4, steps=[0, 1, 2])


# --------------------------------------------------------------------------
# steps_to_tolerance
# --------------------------------------------------------------------------


def brute_force_steps_to_tolerance(steps, column, tol):
    """The definition, one record at a time."""
    for i in range(len(column)):
        if all(v <= tol for v in column[i:]):  # NaN <= tol is False
            return int(steps[i])
    return -1


@pytest.mark.parametrize("tol", [-1.0, np.nan, np.inf, [0.1, -0.1]])
def test_steps_to_tolerance_rejects_a_tolerance_that_is_not_a_level(tol):
    with pytest.raises(ValueError, match=r"tol must be in \[0, inf\)"):
        steps_to_tolerance(np.arange(3), np.ones((3, 2)), tol)


def test_steps_to_tolerance_ignores_a_zig_zag_that_dips_below_once():
    steps = np.arange(0, 80, 10)
    values = np.array([5.0, 0.5, 3.0, 0.4, 2.0, 0.9, 0.3, 0.1])
    assert steps_to_tolerance(steps, values, 1.0) == 50
    assert steps_to_tolerance(steps, values, 0.45) == 60
    assert steps_to_tolerance(steps, values, 5.0) == 0
    assert isinstance(steps_to_tolerance(steps, values, 1.0), int)


def test_steps_to_tolerance_never_reached_and_nan():
    steps = np.arange(5)
    assert steps_to_tolerance(steps, [3.0, 2.0, 1.5, 1.2, 1.1], 1.0) == -1
    # Below tol, then diverged: NaN counts as above, so the run never settled.
    assert steps_to_tolerance(steps, [3.0, 0.5, 0.2, np.nan, np.nan], 1.0) == -1
    # A NaN before the final stretch does not matter.
    assert steps_to_tolerance(steps, [np.nan, 2.0, 0.5, 0.2, 0.1], 1.0) == 2
    # Equality counts as reached.
    assert steps_to_tolerance(steps, [3.0, 1.0, 1.0, 1.0, 1.0], 1.0) == 1


@given(seed=seeds, n_records=st.integers(1, 30), tol=st.floats(0.0, 1.0))
@settings(max_examples=50, deadline=None)
def test_steps_to_tolerance_batch_equals_the_brute_force_loop(seed, n_records, tol):
    rng = np.random.default_rng(seed)
    steps = np.sort(rng.choice(1000, size=n_records, replace=False))
    values = rng.uniform(0.0, 1.5, size=(n_records, 3, 2))
    values[rng.uniform(size=values.shape) < 0.1] = np.nan
    values[-3:, 0, 0] = tol / 2  # at least one curve ends below tol
    got = steps_to_tolerance(steps, values, tol)
    assert got.shape == (3, 2) and got.dtype == np.int64
    for i in range(3):
        for j in range(2):
            assert got[i, j] == brute_force_steps_to_tolerance(steps, values[:, i, j], tol)


def test_steps_to_tolerance_one_tolerance_per_curve():
    steps = np.arange(4)
    values = np.array([[4.0, 40.0], [2.0, 20.0], [1.0, 10.0], [0.5, 5.0]])
    tol = 0.5 * values[0]  # half the initial value, per curve
    np.testing.assert_array_equal(steps_to_tolerance(steps, values, tol), [1, 1])
    with pytest.raises(ValueError, match=r"tol has shape \(3,\), which does not broadcast"):
        steps_to_tolerance(steps, values, [1.0, 2.0, 3.0])


def test_steps_to_tolerance_validation_and_purity():
    steps, values = np.arange(4), np.array([3.0, 2.0, 1.0, 0.5])
    copies = steps.copy(), values.copy()
    steps_to_tolerance(steps, values, 1.0)
    np.testing.assert_array_equal(steps, copies[0])
    np.testing.assert_array_equal(values, copies[1])
    with pytest.raises(TypeError, match="steps must be an integer array, got dtype float64"):
        steps_to_tolerance(steps.astype(float), values, 1.0)
    with pytest.raises(ValueError, match=r"tol must be in \[0, inf\), got nan"):
        steps_to_tolerance(steps, values, np.nan)
    with pytest.raises(ValueError, match=r"R = len\(steps\) = 4, got shape \(3,\)"):
        steps_to_tolerance(steps, values[:3], 1.0)


# --------------------------------------------------------------------------
# tail_mean
# --------------------------------------------------------------------------


@given(seed=seeds, n_records=st.integers(1, 40), fraction=st.floats(0.01, 1.0))
@settings(max_examples=40, deadline=None)
def test_tail_mean_is_the_mean_of_the_last_records(seed, n_records, fraction):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n_records, 3))
    n_tail = max(1, int(fraction * n_records + 0.5))
    got = tail_mean(values, fraction)
    for j in range(3):
        expected = sum(values[n_records - n_tail:, j]) / n_tail
        assert got[j] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_tail_mean_examples_and_axis():
    assert tail_mean([1.0, 2.0, 3.0, 4.0]) == 3.5
    assert tail_mean([1.0, 2.0, 3.0, 4.0], fraction=1.0) == 2.5
    assert tail_mean([1.0, 2.0, 3.0, 4.0], fraction=0.25) == 4.0
    assert tail_mean([1.0, 2.0, 3.0, 4.0, 5.0], fraction=0.5) == 4.0  # 2.5 rounds to 3 records
    assert tail_mean([7.0], fraction=0.01) == 7.0  # at least one record
    rows = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]])
    np.testing.assert_array_equal(tail_mean(rows, axis=1), [3.5, 35.0])
    np.testing.assert_array_equal(tail_mean(rows, axis=-1), [3.5, 35.0])


def test_tail_mean_propagates_nan_in_the_tail_only():
    values = np.array([[np.nan, 1.0], [1.0, 2.0], [2.0, np.nan], [4.0, 8.0]])
    got = tail_mean(values)
    assert got[0] == 3.0  # the NaN is in the head
    assert np.isnan(got[1])  # a diverged run has no floor
    with np.errstate(all="raise"):  # and no warning escapes, even with inf − inf
        assert np.isnan(tail_mean(np.array([1.0, np.inf, -np.inf])))


def test_tail_mean_measures_the_sgd_noise_floor_of_a_quadratic():
    # Closed form of the stationary excess loss (Quadratic.stationary_excess_loss).
    problem = canyon(10.0, noise=1.0)
    lr, m = 0.05, 4
    result = run(problem, O.sgd(lr), [1.0, 1.0], steps=4000, batch_size=m,
                 rng=np.random.default_rng(5), repeats=64)
    floor = tail_mean(result.loss, fraction=0.5).mean()
    assert floor == pytest.approx(problem.stationary_excess_loss(lr, m), rel=0.05)


def test_tail_mean_validation_and_purity():
    values = np.arange(6.0)
    copy = values.copy()
    tail_mean(values, 0.3)
    np.testing.assert_array_equal(values, copy)
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\], got 0"):
        tail_mean(values, 0)
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\], got 1.5"):
        tail_mean(values, 1.5)
    with pytest.raises(ValueError, match=r"axis must be in \[-1, 0\] for values of shape \(6,\), got 1"):
        tail_mean(values, axis=1)
    with pytest.raises(TypeError, match="axis must be an integer, got float 0.0"):
        tail_mean(values, axis=0.0)
    with pytest.raises(ValueError, match="values must have at least 1 dimension"):
        tail_mean(3.0)
    with pytest.raises(ValueError, match="at least 1 record along axis 0, got 0"):
        tail_mean(np.empty((0, 3)))
