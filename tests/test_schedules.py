"""Schedules: closed forms, endpoints, continuity, purity and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import schedules as S

KS = np.arange(1, 2001)


def test_linear_decay_matches_eq_8_14_by_hand():
    lr0, lr_tau, tau = 0.2, 0.002, 50
    for k in (1, 10, 25, 49, 50, 51, 500):
        a = min(k / tau, 1.0)
        expected = (1 - a) * lr0 + a * lr_tau
        assert S.linear_decay(lr0, lr_tau, tau)(k) == pytest.approx(expected, rel=1e-15)


@given(
    lr0=st.floats(1e-4, 10.0),
    ratio=st.floats(0.0, 1.0),
    tau=st.integers(1, 10_000),
)
@settings(max_examples=50, deadline=None)
def test_linear_decay_endpoints_and_continuity_at_tau(lr0, ratio, tau):
    sched = S.linear_decay(lr0, ratio * lr0, tau)
    lr_tau = ratio * lr0
    assert sched(tau) == pytest.approx(lr_tau, rel=1e-12, abs=1e-15)
    # Constant after τ: no further decay (a common mistake keeps decaying).
    assert sched(tau + 1) == pytest.approx(lr_tau, rel=1e-12, abs=1e-15)
    assert sched(10 * tau + 7) == pytest.approx(lr_tau, rel=1e-12, abs=1e-15)
    # The jump between consecutive steps never exceeds one slope increment.
    values = sched(np.arange(1, 2 * tau + 2))
    rounding = 1e-12 * lr0
    assert np.max(np.abs(np.diff(values))) <= (lr0 - lr_tau) / tau + rounding
    assert np.all(np.diff(values) <= rounding)


def test_power_schedules_closed_forms():
    assert np.allclose(S.inverse_k(0.3)(KS) * KS, 0.3, rtol=1e-14)
    assert np.allclose(S.inverse_sqrt(0.3)(KS) * np.sqrt(KS), 0.3, rtol=1e-14)
    assert np.allclose(S.polynomial_decay(2.0, 0.75)(KS), 2.0 * KS**-0.75, rtol=1e-14)
    assert np.allclose(S.inverse_time(0.5, 20.0)(KS), 0.5 / (1 + KS / 20.0), rtol=1e-14)


def test_exponential_and_step_decay():
    values = S.exponential_decay(1.0, 0.9)(KS[:50])
    assert values[0] == 1.0
    assert np.allclose(values[1:] / values[:-1], 0.9, rtol=1e-13)
    steps = S.step_decay(1.0, 0.5, every=10)(np.arange(1, 31))
    assert np.all(steps[:10] == 1.0) and np.all(steps[10:20] == 0.5) and np.all(steps[20:] == 0.25)


def test_nesterov_momentum_schedule():
    sched = S.nesterov_momentum()
    assert sched(1) == 0.0
    assert sched(2) == pytest.approx(0.25)
    values = sched(np.arange(1, 10**6, 997))
    assert np.all(values < 1.0) and np.all(np.diff(values) > 0)
    assert sched(10**6) == pytest.approx(1.0, abs=1e-5)
    assert sched.supremum_attained is False


def test_constant_and_value_ranges():
    assert S.constant(0.1)(123) == 0.1
    lo, hi = S.linear_decay(0.5, 0.9, 10).value_range
    assert (float(lo), float(hi)) == (0.5, 0.9)
    lo, hi = S.inverse_time(1.0, 4.0).value_range
    assert float(hi) == pytest.approx(S.inverse_time(1.0, 4.0)(1))


@given(k=st.integers(1, 10**7))
@settings(max_examples=50, deadline=None)
def test_schedules_are_pure_and_scalar_matches_array(k):
    for sched in (S.linear_decay(0.1, 0.001, 300), S.inverse_sqrt(0.2), S.step_decay(1.0, 0.3, 7),
                  S.exponential_decay(0.4, 0.999), S.nesterov_momentum()):
        first = sched(k)
        assert sched(k) == first
        assert sched(np.array([k]))[0] == pytest.approx(first, rel=1e-15, abs=0.0)


def test_array_parameters_vectorize_over_a_batch():
    lr0 = np.array([0.1, 0.2, 0.4])
    sched = S.linear_decay(lr0, 0.01 * lr0, tau=100)
    table = sched(np.arange(1, 201)[:, None])
    assert table.shape == (200, 3)
    for j, value in enumerate(lr0):
        assert np.allclose(table[:, j], S.linear_decay(value, 0.01 * value, 100)(np.arange(1, 201)))


def test_parameters_are_not_mutated():
    lr0 = np.array([0.1, 0.2])
    kept = lr0.copy()
    sched = S.linear_decay(lr0, 0.0, 10)
    sched(np.arange(1, 20)[:, None])
    assert np.array_equal(lr0, kept)


@pytest.mark.parametrize(
    "factory, message",
    [
        (lambda: S.linear_decay(0.1, 0.001, 0), r"tau must be in \(0, inf\), got 0"),
        (lambda: S.linear_decay(0.1, 0.001, -5), r"tau must be in \(0, inf\), got -5"),
        (lambda: S.linear_decay(-0.1, 0.001, 5), r"lr0 must be in \[0, inf\), got -0.1"),
        (lambda: S.constant(float("nan")), r"value must be in \[0, inf\), got nan"),
        (lambda: S.exponential_decay(1.0, 1.5), r"rate must be in \(0, 1\], got 1.5"),
        (lambda: S.step_decay(1.0, 0.0, 3), r"factor must be in \(0, 1\], got 0"),
        (lambda: S.polynomial_decay(1.0, -1), r"power must be in \[0, inf\), got -1"),
    ],
)
def test_bad_arguments_raise_with_the_value(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


@pytest.mark.parametrize("k", [0, -3, 1.5, np.array([1, 0]), np.array([1.0, 2.0])])
def test_bad_step_raises(k):
    with pytest.raises(ValueError, match="k must be an integer"):
        S.inverse_k(1.0)(k)


def test_type_errors_name_the_parameter():
    with pytest.raises(TypeError, match="lr0 must be a real number"):
        S.linear_decay("big", 0.1, 10)
    with pytest.raises(TypeError, match="callable"):
        S.as_schedule("lr", lambda k: 0.1)


def test_harmonic_partial_sum_oracle():
    # Σ_{k≤n} 1/k = ln n + γ + 1/(2n) + O(1/n²): an independent closed form.
    n = 10**5
    total = float(np.sum(S.inverse_k(1.0)(np.arange(1, n + 1))))
    assert total == pytest.approx(math.log(n) + 0.5772156649015329 + 1 / (2 * n), abs=1e-9)
