"""The Robbins–Monro helper (eqs. 8.12, 8.13): verdicts and partial sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import schedules as S
from coursekit.robbins_monro import robbins_monro


@pytest.mark.parametrize(
    "schedule, sum_div, sq_div",
    [
        (S.inverse_k(0.5), True, False),          # both conditions hold
        (S.inverse_time(0.5, 10.0), True, False),
        (S.inverse_sqrt(0.5), True, True),         # only eq. 8.12
        (S.constant(0.1), True, True),             # fails eq. 8.13
        (S.linear_decay(0.1, 0.001, 100), True, True),
        (S.exponential_decay(0.1, 0.99), False, False),  # fails eq. 8.12
        (S.step_decay(0.1, 0.5, 100), False, False),
        (S.linear_decay(0.1, 0.0, 100), False, False),
    ],
)
def test_verdicts_of_the_course_schedules(schedule, sum_div, sq_div):
    report = robbins_monro(schedule, n_terms=10_000)
    assert (report.sum_diverges, report.sum_squares_diverges) == (sum_div, sq_div)
    assert report.satisfied == (sum_div and not sq_div)


@given(power=st.floats(0.0, 3.0))
@settings(max_examples=50, deadline=None)
def test_power_family_verdict(power):
    report = robbins_monro(S.polynomial_decay(1.0, power), n_terms=100)
    assert report.satisfied == (0.5 < power <= 1.0)


def test_partial_sums_match_a_plain_loop():
    sched = S.linear_decay(0.3, 0.003, 40)
    report = robbins_monro(sched, n_terms=500)
    for k, s1, s2 in zip(report.k, report.partial_sum, report.partial_sum_squares):
        values = [sched(j) for j in range(1, int(k) + 1)]
        assert s1 == pytest.approx(math.fsum(values), rel=1e-12)
        assert s2 == pytest.approx(math.fsum(v * v for v in values), rel=1e-12)


def test_partial_sums_show_convergence_and_divergence():
    report = robbins_monro(S.inverse_k(1.0), n_terms=10**6)
    # Σ 1/k² → π²/6, Σ 1/k grows like ln k.
    assert report.partial_sum_squares[-1] == pytest.approx(math.pi**2 / 6, abs=1.1e-6)
    assert report.partial_sum[-1] == pytest.approx(math.log(10**6) + 0.5772156649, abs=1e-5)
    geometric = robbins_monro(S.exponential_decay(1.0, 0.5), n_terms=200)
    assert geometric.partial_sum[-1] == pytest.approx(2.0, rel=1e-12)


def test_report_text_mentions_both_conditions():
    text = str(robbins_monro(S.inverse_sqrt(1.0), n_terms=100))
    assert "Σε_k = ∞ (holds)" in text and "Σε_k² = ∞ (fails)" in text


def test_an_unknown_tail_is_reported_as_unknown():
    for schedule in (lambda k: 1.0 / k, S.nesterov_momentum()):
        report = robbins_monro(schedule, n_terms=1000)
        assert report.satisfied is None and report.sum_diverges is None
        assert "unknown" in str(report) and "no verdict" in report.reason
    report = robbins_monro(lambda k: 1.0 / k, n_terms=10**4)
    exact = robbins_monro(S.inverse_k(1.0), n_terms=10**4)
    np.testing.assert_array_equal(report.partial_sum, exact.partial_sum)


def test_bad_input():
    with pytest.raises(TypeError, match="schedule must be a real number"):
        robbins_monro("1/k")
    with pytest.raises(ValueError, match="n_terms must be an integer"):
        robbins_monro(S.inverse_k(1.0), n_terms=0)
    with pytest.raises(ValueError, match="one schedule at a time"):
        robbins_monro(S.linear_decay(0.1, np.array([0.0, 0.01]), 10))
