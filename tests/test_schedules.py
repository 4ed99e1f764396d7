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
        (lambda: S.step_decay(1.0, 0.0, 3), r"rate must be in \(0, 1\], got 0"),
        (lambda: S.step_decay(1.0, 0.5, 0), r"every must be an integer in \[1, inf\], got 0"),
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
    with pytest.raises(TypeError, match="every must be an integer, got float 2.5"):
        S.step_decay(1.0, 0.5, every=2.5)
    with pytest.raises(TypeError, match="lr must be a real number"):
        S.as_schedule("lr", "fast")
    with pytest.raises(TypeError, match="fn must be callable"):
        S.Schedule(0.1, "not a function")


def test_a_plain_callable_is_a_schedule_with_unknown_facts():
    def halving(k):
        return 0.5 ** k

    named = S.as_schedule("lr", halving)
    assert named.name == "halving" and named.value_range is None and named.tail is None
    assert S.as_schedule("lr", lambda k: 0.1 / k).name == "lr(k)"
    np.testing.assert_array_equal(named(np.arange(1, 4)), [0.5, 0.25, 0.125])
    with pytest.raises(ValueError, match="k must be an integer"):
        named(0)


@given(values=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=20), k=st.integers(1, 40))
@settings(max_examples=50, deadline=None)
def test_table_gives_row_k_then_holds_the_last(values, k):
    sched = S.table(values)
    expected = values[min(k, len(values)) - 1]
    assert sched(k) == expected
    assert sched(np.array([k]))[0] == expected
    lo, hi = sched.value_range
    assert lo == min(values) and hi == max(values)
    assert sched.tail == (("power", 0.0) if values[-1] > 0 else ("zero",))


def test_join_and_stack_take_plain_callables_and_keep_what_is_known():
    joined = S.join([lambda k: 0.0, S.nesterov_momentum()], [5])
    assert joined.value_range is None  # a plain part: unknown range
    joined = S.join([S.constant(0.0), S.nesterov_momentum()], [5])
    assert float(joined.value_range[1]) == 1.0 and not joined.supremum_attained
    assert S.join([S.constant(0.9), S.nesterov_momentum()], [5]).supremum_attained is False
    assert S.join([S.constant(1.0), S.constant(0.5)], [5]).supremum_attained is True
    np.testing.assert_array_equal(S.stack(lambda k: 0.1 * k, S.constant(0.2))(3), [0.30000000000000004, 0.2])


def test_a_plain_callable_gets_an_integer_k():
    seen = []
    sched = S.as_schedule("lr", lambda k: seen.append(k) or [0.3, 0.2, 0.1][k - 1])
    assert sched(2) == 0.2 and type(seen[-1]) is int
    steps = S.as_schedule("lr", lambda k: 0.1 * k)(np.arange(1, 4))
    np.testing.assert_allclose(steps, [0.1, 0.2, 0.3])


def test_table_with_settings_side_by_side_and_bad_input():
    sched = S.table([[0.3, 1.0], [0.1, 0.5]])
    # Tabulated like any schedule with parameters of shape (S,): k of shape (K, 1).
    assert sched(np.arange(1, 5)[:, None]).shape == (4, 2)
    np.testing.assert_array_equal(sched(np.arange(1, 4)), [[0.3, 1.0], [0.1, 0.5], [0.1, 0.5]])
    np.testing.assert_array_equal(sched(5), [0.1, 0.5])
    with pytest.raises(ValueError, match=r"values must be in \[0, inf\)"):
        S.table([0.1, -0.1])
    with pytest.raises(ValueError, match="shape \\(K, ...\\)"):
        S.table([])


@given(b1=st.integers(1, 30), b2=st.integers(1, 30), k=st.integers(1, 80))
@settings(max_examples=60, deadline=None)
def test_join_restarts_each_schedule_at_its_boundary(b1, b2, k):
    parts = [S.constant(0.5), S.inverse_k(0.5), S.inverse_sqrt(2.0)]
    bounds = [b1, b1 + b2]
    joined = S.join(parts, bounds)
    if k <= b1:
        expected = parts[0](k)
    elif k <= b1 + b2:
        expected = parts[1](k - b1)
    else:
        expected = parts[2](k - b1 - b2)
    assert joined(k) == pytest.approx(expected, rel=1e-15)
    assert joined(np.arange(1, 81))[k - 1] == pytest.approx(expected, rel=1e-15)
    assert joined.tail == ("power", 0.5)
    assert float(joined.value_range[1]) == 2.0


def test_join_bad_input():
    with pytest.raises(ValueError, match="one boundary fewer"):
        S.join([S.constant(0.1), S.constant(0.2)], [])
    with pytest.raises(ValueError, match="increase strictly"):
        S.join([S.constant(0.1)] * 3, [5, 5])
    with pytest.raises(TypeError, match="must be a schedule or a callable"):
        S.join([S.constant(0.1), 0.2], [3])
    with pytest.raises(ValueError, match="at least one schedule"):
        S.join([], [])


@given(lr0=st.floats(1e-3, 1.0), p=st.floats(0.0, 2.0), rate=st.floats(0.5, 1.0),
       k=st.integers(1, 1000))
@settings(max_examples=40, deadline=None)
def test_stack_matches_each_schedule(lr0, p, rate, k):
    parts = (S.constant(lr0), S.polynomial_decay(lr0, p), S.exponential_decay(lr0, rate))
    stacked = S.stack(*parts)
    # Equal up to rounding: numpy's array power may round one ulp away from its scalar power.
    np.testing.assert_allclose(stacked(k), [s(k) for s in parts], rtol=1e-15, atol=0)
    np.testing.assert_allclose(stacked(np.array([k, k]))[1], [s(k) for s in parts], rtol=1e-15, atol=0)


def test_stack_keeps_each_supremum_and_bad_input():
    stacked = S.stack(S.constant(0.9), S.nesterov_momentum())
    np.testing.assert_array_equal(stacked.value_range[1], [0.9, 1.0])
    np.testing.assert_array_equal(stacked.supremum_attained, [True, False])
    assert S.stack(S.constant(0.1), S.as_schedule("lr", lambda k: 0.1)).value_range is None
    with pytest.raises(ValueError, match="at least one schedule"):
        S.stack()
    with pytest.raises(TypeError, match="must be a schedule or a callable"):
        S.stack(S.constant(0.1), 0.1)
    with pytest.raises(ValueError, match="scalar values"):
        S.stack(S.constant([0.1, 0.2]))


def test_harmonic_partial_sum_oracle():
    # Σ_{k≤n} 1/k = ln n + γ + 1/(2n) + O(1/n²): an independent closed form.
    n = 10**5
    total = float(np.sum(S.inverse_k(1.0)(np.arange(1, n + 1))))
    assert total == pytest.approx(math.log(n) + 0.5772156649015329 + 1 / (2 * n), abs=1e-9)
