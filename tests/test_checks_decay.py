"""The checks of exercises 01 name each common mistake (tests/test_checks_solutions.py
runs the solutions and the stubs)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursekit import checks
from tests.further_cases import further_case_tests


def _linear(k, lr0, lr_tau, tau):
    a = np.minimum(np.asarray(k) / tau, 1.0)
    return (1 - a) * lr0 + a * lr_tau


LINEAR_MUTANTS = {
    "keeps decaying past τ": lambda k, lr0, lr_tau, tau: (1 - np.asarray(k) / tau) * lr0 + np.asarray(k) / tau * lr_tau,
    "(k − 1)/τ": lambda k, lr0, lr_tau, tau: _linear(np.asarray(k) - 1, lr0, lr_tau, tau),
    "(k + 1)/τ": lambda k, lr0, lr_tau, tau: _linear(np.asarray(k) + 1, lr0, lr_tau, tau),
    "swapped": lambda k, lr0, lr_tau, tau: _linear(k, lr_tau, lr0, tau),
    "drops to 0": lambda k, lr0, lr_tau, tau: np.where(np.asarray(k) > tau, 0.0, _linear(k, lr0, lr_tau, tau)),
    "integer division": lambda k, lr0, lr_tau, tau: _linear(np.asarray(k) // tau * tau, lr0, lr_tau, tau),
    "`if` and `and`/`or` do not work elementwise": lambda k, lr0, lr_tau, tau: lr_tau if k > tau else _linear(k, lr0, lr_tau, tau),
    "changed its input": None,  # filled below: mutates an array k in place
    "no `return`": lambda k, lr0, lr_tau, tau: None,
    "not finite": lambda k, lr0, lr_tau, tau: _linear(k, lr0, lr_tau, tau) / 0.0,
    "shape": lambda k, lr0, lr_tau, tau: np.atleast_1d(_linear(k, lr0, lr_tau, tau)),
}


def _mutating(k, lr0, lr_tau, tau):
    if isinstance(k, np.ndarray):
        np.minimum(k, tau, out=k)
        return (1 - k / tau) * lr0 + k / tau * lr_tau
    return _linear(k, lr0, lr_tau, tau)


LINEAR_MUTANTS["changed its input"] = _mutating


@pytest.mark.parametrize("hint", list(LINEAR_MUTANTS))
def test_linear_schedule_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.linear_schedule(LINEAR_MUTANTS[hint])


POWER_MUTANTS = {
    "p = 1/2 accepted": lambda p: 0.5 <= p <= 1,
    "p = 1 rejected": lambda p: 0.5 < p < 1,
    "only eq. 8.12 tested": lambda p: p <= 1,
    "only eq. 8.13 tested": lambda p: p > 0.5,
    "swapped": lambda p: p <= 0.5 or p > 1,
    "True or False": lambda p: int(0.5 < p <= 1),
}


@pytest.mark.parametrize("hint", list(POWER_MUTANTS))
def test_robbins_monro_power_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.robbins_monro_power(POWER_MUTANTS[hint])


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


FURTHER_MISTAKES = [
    # Right for a decreasing schedule only; the check's ramp up (ε_0 = 0.1 < ε_τ = 0.3) fails it.
    ("linear_schedule", "expected:", lambda k, lr0, lr_tau, tau: np.maximum(
        lr0 + (lr_tau - lr0) * np.asarray(k) / tau, lr_tau)),
    ("linear_schedule", "`if` and `and`/`or` do not work elementwise", lambda k, lr0, lr_tau, tau: (
        (1 - min(k / tau, 1.0)) * lr0 + min(k / tau, 1.0) * lr_tau)),  # the builtin min on an array
    ("linear_schedule", "expected:", lambda k, lr0, lr_tau, tau: (
        (1 - np.minimum(np.asarray(k) / tau, 1.0)) * lr0 + lr_tau)),  # ε_τ without its weight a
    ("robbins_monro_power", "This looks like only eq. 8.13 tested", lambda p: 0.5 < p < 2),
    ("robbins_monro_power", "This looks like only eq. 8.12 tested", lambda p: p > 0),  # any decay
    # Partial sums up to 2000 compared with a constant cannot see a slow divergence.
    ("robbins_monro_power", "expected:", lambda p: bool(
        sum(k ** -p for k in range(1, 2001)) > 50 and sum(k ** (-2 * p) for k in range(1, 2001)) < 50)),
]

FURTHER_CORRECT = [
    ("linear_schedule", lambda k, lr0, lr_tau, tau: np.interp(k, [0, tau], [lr0, lr_tau])),
    ("linear_schedule", lambda k, lr0, lr_tau, tau: np.where(
        np.asarray(k) < tau, lr0 + (lr_tau - lr0) * np.asarray(k) / tau, lr_tau) * 1.0),
    ("robbins_monro_power", lambda p: not (p <= 0.5 or p > 1)),
    ("robbins_monro_power", lambda p: np.logical_and(2 * p > 1, p <= 1)),  # a numpy bool
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
