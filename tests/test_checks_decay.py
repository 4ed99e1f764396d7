"""The checks of exercises 01 name each common mistake (tests/test_checks_solutions.py
runs the solutions and the stubs)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursekit import checks


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
