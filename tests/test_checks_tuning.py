"""The checks of exercises 02 accept the solutions and name each mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import checks
from coursekit.checks import tuning
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "02_tuning_the_learning_rate"


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


def test_the_solutions_agree_with_the_lecture(solution):
    """The lecture's sweep with weight decay: best final ε_0 = 1.39, rule ε_0 = 3."""
    lrs = np.geomspace(3e-3, 30.0, 13)
    final = np.array([0.9221, 0.5725, 0.3566, 0.2331, 0.161, 0.1181, 0.0932, 0.0824, 0.0807,
                      0.0829, 0.0886, 0.1109, 0.1919])
    early = np.array([1.8348, 1.454, 0.9955, 0.6234, 0.3886, 0.2542, 0.1743, 0.1337, 0.1481,
                      0.2179, 0.638, 1.8385, 6.3085])
    assert solution["best_learning_rate"](lrs, final) == pytest.approx(1.3924766500838337)
    assert solution["practical_rule"](lrs, early, 2.0) == pytest.approx(3.0)


_COSTS = st.lists(st.one_of(st.floats(0.01, 10.0), st.sampled_from([0.5, np.nan, np.inf])),
                  min_size=1, max_size=9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(costs=_COSTS, tolerance=st.floats(1.0, 3.0))
def test_the_oracles_agree_with_the_solutions(solution, costs, tolerance):
    """Two independent versions (the checks' loops, the notebook's numpy) of both rules."""
    lrs = np.geomspace(0.01, 10.0, len(costs))
    costs = np.array(costs)
    if not np.isfinite(costs).any():
        with pytest.raises(ValueError, match="diverged"):
            solution["best_learning_rate"](lrs, costs)
        with pytest.raises(ValueError, match="diverged"):
            solution["practical_rule"](lrs, costs, tolerance)
        return
    assert solution["best_learning_rate"](lrs, costs) == tuning._expected_best(lrs, costs)
    assert solution["practical_rule"](lrs, costs, tolerance) == tuning._expected_rule(lrs, costs, tolerance)


# -- best_learning_rate: each mutant is a wrong version a student could write ---------


def _finite_best(lrs, final_costs):
    ok = np.isfinite(final_costs)
    return lrs[ok][np.argmin(final_costs[ok])]


def _best_mutating(lrs, final_costs):
    final_costs[~np.isfinite(final_costs)] = np.inf  # in place
    if np.isinf(final_costs).all():
        raise ValueError("every run diverged")
    return lrs[np.argmin(final_costs)]


def _best_none_when_diverged(lrs, final_costs):
    if not np.isfinite(final_costs).any():
        return None
    return _finite_best(lrs, final_costs)


def _best_runtime_error(lrs, final_costs):
    if not np.isfinite(final_costs).any():
        raise RuntimeError("every run diverged")
    return _finite_best(lrs, final_costs)


BEST_MUTANTS = [
    ("np.argmin picking a diverged (NaN) run", lambda lrs, c: lrs[np.argmin(c)]),
    ("an inf cost treated as a valid result", lambda lrs, c: lrs[np.nanargmin(c)]),
    ("an inf cost treated as a valid result",
     lambda lrs, c: lrs[np.argmin(np.where(np.isnan(c), np.inf, c))]),
    ("instead of its rate", lambda lrs, c: int(np.nanargmin(np.where(np.isinf(c), np.nan, c)))),
    ("the largest final cost instead of the smallest",
     lambda lrs, c: lrs[np.nanargmax(np.where(np.isinf(c), np.nan, c))]),
    ("the lowest final cost instead of its rate", lambda lrs, c: np.min(c[np.isfinite(c)])),
    ("numpy's own error", _finite_best),  # argmin of an empty array when all diverged
    ("there is no rate to choose", _best_none_when_diverged),
    ("raised RuntimeError", _best_runtime_error),
    ("changed its input", _best_mutating),
    ("shape", lambda lrs, c: np.atleast_1d(_finite_best(lrs, c))),
    ("no `return`", lambda lrs, c: None),
    ("not finite", lambda lrs, c: _finite_best(lrs, c) * np.nan),
]


@pytest.mark.parametrize("hint, mutant", BEST_MUTANTS, ids=[h for h, _ in BEST_MUTANTS])
def test_best_learning_rate_names_each_mistake(hint, mutant):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.best_learning_rate(mutant)


# -- practical_rule ---------------------------------------------------------------------


def _rule(lrs, costs, tolerance, strict=False, added=False):
    costs = np.where(np.isfinite(costs), costs, np.inf)
    best = costs.min()
    limit = best + tolerance if added else tolerance * best
    ok = costs < limit if strict else costs <= limit
    ok[costs == best] = True
    return lrs[np.flatnonzero(ok)[-1]]


def _rule_scan(lrs, costs, tolerance):
    costs = np.where(np.isfinite(costs), costs, np.inf)
    i = int(np.argmin(costs))
    limit = tolerance * costs[i]
    while i + 1 < len(lrs) and costs[i + 1] <= limit:
        i += 1
    return lrs[i]


def _rule_mutating(lrs, costs, tolerance):
    costs[~np.isfinite(costs)] = np.inf  # in place
    return _rule(lrs, costs, tolerance)


def _rule_no_check(lrs, costs, tolerance):
    ok = np.isfinite(costs)
    best = np.min(costs[ok])  # raises numpy's ValueError when nothing is finite
    return lrs[np.flatnonzero(ok & (costs <= tolerance * best))[-1]]


RULE_MUTANTS = [
    ("the early favourite itself",
     lambda lrs, c, t: lrs[np.argmin(np.where(np.isfinite(c), c, np.inf))]),
    ("one grid step above the favourite",
     lambda lrs, c, t: lrs[min(np.argmin(np.where(np.isfinite(c), c, np.inf)) + 1, len(lrs) - 1)]),
    ("a tolerance added to the best cost", lambda lrs, c, t: _rule(lrs, c, t, added=True)),
    ("a strict inequality", lambda lrs, c, t: _rule(lrs, c, t, strict=True)),
    ("a scan that stops at the first rate that fails the test", _rule_scan),
    ("the position of the chosen rate instead of the rate",
     lambda lrs, c, t: int(np.flatnonzero(np.where(np.isfinite(c), c, np.inf)
                                          <= t * np.min(c[np.isfinite(c)]))[-1])),
    ("numpy's own error", _rule_no_check),
    ("changed its input", _rule_mutating),
    ("shape", lambda lrs, c, t: np.array([_rule(lrs, c, t)])),
    ("no `return`", lambda lrs, c, t: None),
    ("not finite", lambda lrs, c, t: _rule(lrs, c, t) + np.nan),
]


@pytest.mark.parametrize("hint, mutant", RULE_MUTANTS, ids=[h for h, _ in RULE_MUTANTS])
def test_practical_rule_names_each_mistake(hint, mutant):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.practical_rule(mutant)


def test_a_wrong_answer_when_all_diverged_is_reported_with_the_call():
    """A rule that returns a rate on an all-diverged sweep fails on that case."""
    def rule(lrs, costs, tolerance):
        if not np.isfinite(costs).any():
            return float(lrs[-1])
        return _rule(lrs, costs, tolerance)

    with pytest.raises(checks.CheckFailed) as info:
        checks.practical_rule(rule)
    message = str(info.value)
    assert "early_costs=array([nan, inf, nan])" in message
    assert 'expected: ValueError("... diverged ...")' in message
    assert "returned: 0.1" in message


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _best_last_on_ties(lrs, costs):
    clean = np.where(np.isfinite(costs), costs, np.inf)
    if np.isinf(clean).all():
        raise ValueError("every run diverged")
    return float(lrs[len(clean) - 1 - int(np.argmin(clean[::-1]))])  # the larger rate on a tie


def _best_smallest_finite(lrs, costs):
    finite = np.isfinite(costs)
    if not finite.any():
        raise ValueError("every run diverged")
    return float(lrs[finite][0])  # the first rate that did not diverge


def _best_by_loop(lrs, costs):
    best = None
    for lr, cost in zip(lrs, costs):
        if np.isfinite(cost) and (best is None or cost < best[0]):
            best = (cost, lr)
    if best is None:
        raise ValueError("all runs diverged")
    return float(best[1])


def _best_by_nanargmin(lrs, costs):
    clean = np.where(np.isfinite(costs), costs, np.nan)
    if np.isnan(clean).all():
        raise ValueError("every run diverged")
    return float(lrs[np.nanargmin(clean)])


def _rule_first_passing(lrs, costs, tolerance):
    clean = np.where(np.isfinite(costs), costs, np.inf)
    if np.isinf(clean).all():
        raise ValueError("every run diverged")
    favourite = int(np.argmin(clean))
    passing = np.flatnonzero(clean <= tolerance * clean[favourite])
    return float(lrs[passing[passing >= favourite][0]])  # the smallest passing rate, not the largest


def _rule_nan_only(lrs, costs, tolerance):
    favourite = int(np.nanargmin(costs))  # inf is kept, and nothing raises when all diverged
    return float(lrs[np.flatnonzero(np.asarray(costs) <= tolerance * costs[favourite])[-1]])


def _rule_downwards(lrs, costs, tolerance):
    finite = [i for i in range(len(lrs)) if np.isfinite(costs[i])]
    if not finite:
        raise ValueError("every run diverged")
    favourite = min(finite, key=lambda i: costs[i])
    for i in range(len(lrs) - 1, favourite - 1, -1):
        if np.isfinite(costs[i]) and costs[i] <= tolerance * costs[favourite]:
            return float(lrs[i])


def _rule_masks(lrs, costs, tolerance):
    finite = np.isfinite(costs)
    if not finite.any():
        raise ValueError("no finite cost: every run diverged")
    best = np.min(costs[finite])
    at_or_above = np.arange(len(lrs)) >= np.flatnonzero(finite & (costs == best))[0]
    passes = finite & (np.where(finite, costs, 0.0) <= tolerance * best) & at_or_above
    return float(np.max(lrs[passes]))


FURTHER_MISTAKES = [
    ("best_learning_rate", "expected:", _best_last_on_ties),
    ("best_learning_rate", "expected:", _best_smallest_finite),
    ("best_learning_rate", "expected:", lambda lrs, c: float(lrs[np.argsort(c)[0]])),  # argsort keeps inf
    ("practical_rule", "expected:", _rule_first_passing),
    ("practical_rule", "raised", _rule_nan_only),
]

FURTHER_CORRECT = [
    ("best_learning_rate", _best_by_loop),
    ("best_learning_rate", _best_by_nanargmin),
    ("practical_rule", _rule_downwards),
    ("practical_rule", _rule_masks),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
