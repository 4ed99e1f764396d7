"""The checks of exercises 03 accept the solutions and name each mistake."""

from __future__ import annotations

import ast
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import checks
from coursekit.analysis import loglog_slope
from coursekit.checks import rates
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "03_convergence_rates"


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


def test_the_solutions_agree_with_the_lecture(solution):
    """Closed forms, and the update counts of the lecture's growing-minibatch table."""
    k = np.arange(1, 201)
    assert solution["loglog_slope"](k, 3.0 / np.sqrt(k)) == pytest.approx(-0.5)
    budgets = (200, 2000, 20_000, 40_000, 80_000)
    counts = [solution["updates_within_budget"](b, 10, 1.1, 2000) for b in budgets]
    assert counts == [11, 31, 55, 65, 85]
    # The lecture's own table: the same counts from the runner.
    from coursekit.experiments import rates
    growing = rates.growing_batch(repeats=1, lrs=(0.5,), budgets=budgets)
    assert growing.updates_at_budgets[1].tolist() == counts
    assert [solution["updates_within_budget"](b, 10, 1.0, 2000) for b in (200, 80_000)] == [20, 8000]
    assert [solution["updates_within_budget"](b, 2000, 1.1, 2000) for b in (200, 80_000)] == [0, 40]


def test_the_counts_are_those_of_the_lectures_table(solution):
    """The lecture's growing minibatch switches to the exact gradient at m_k = n, which also
    touches n examples: the exercise's count is the update count the lecture prints."""
    from coursekit.experiments.rates import growing_batch

    result = growing_batch()
    counts = [solution["updates_within_budget"](int(b), 10, 1.1, 2000) for b in result.budgets]
    assert counts == result.updates_at_budgets[1].tolist()


def test_the_updates_oracle_matches_a_run(solution):
    """The runner's own count: a growing-minibatch run of K updates touches exactly the
    examples the exercise adds up, so K is the largest count within that budget."""
    from coursekit.experiments.rates import geometric_batch_growth
    from coursekit.optimizers import sgd
    from coursekit.problems import make_least_squares
    from coursekit.runner import run

    problem = make_least_squares(500, 3, np.random.default_rng(0))
    steps = 30
    result = run(problem, sgd(0.1), np.zeros(3), steps, batch_size=geometric_batch_growth(4, 1.2, 500),
                 rng=np.random.default_rng(1), record_every=1)
    used = result.examples_seen.astype(int)
    for k in (1, 7, 19, 30):
        assert solution["updates_within_budget"](int(used[k]), 4, 1.2, 500) == k
        assert solution["updates_within_budget"](int(used[k]) - 1, 4, 1.2, 500) == k - 1


@settings(max_examples=40, deadline=None, derandomize=True)
@given(budget=st.integers(0, 100_000), m0=st.integers(1, 50), growth=st.floats(1.0, 3.0),
       extra=st.integers(0, 3000))
def test_the_updates_oracle_adds_up_the_sizes_of_the_lecture(budget, m0, growth, extra):
    """The check computes m_k itself; its count is that of the lecture's schedule,
    geometric_batch_growth, rounded as the runner rounds a minibatch size."""
    from coursekit.experiments.rates import geometric_batch_growth

    n = m0 + extra
    if growth == 1.0:
        sizes = np.full(budget + 1, float(min(m0, n)))
    else:
        sizes = np.asarray(geometric_batch_growth(m0, growth, n)(np.arange(1, budget + 2)), dtype=float)
    totals = np.cumsum([max(1, round(float(m))) for m in sizes])
    assert rates._expected_updates(budget, m0, growth, n) == int(np.searchsorted(totals, budget, "right"))


def test_the_check_imports_no_lecture_experiment():
    """A check sits below the lectures: it may use coursekit's core, never coursekit.experiments."""
    tree = ast.parse(Path(rates.__file__).read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if "experiments" in name]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(budget=st.integers(0, 5000), m0=st.integers(1, 50), growth=st.floats(1.0, 3.0),
       extra=st.integers(0, 3000))
def test_the_updates_oracle_agrees_with_the_solution(solution, budget, m0, growth, extra):
    n = m0 + extra
    assert solution["updates_within_budget"](budget, m0, growth, n) == \
        rates._expected_updates(budget, m0, growth, n)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(records=st.integers(3, 40), columns=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_the_slope_oracle_agrees_with_the_solution(solution, records, columns, seed):
    rng = np.random.default_rng(seed)
    k = np.sort(rng.choice(np.arange(1, 10_000), records, replace=False))
    values = np.exp(rng.normal(size=(records, columns)))
    np.testing.assert_allclose(solution["loglog_slope"](k, values), loglog_slope(k, values),
                               rtol=1e-9, atol=1e-12)


# -- loglog_slope: each mutant is a wrong version a student could write -----------------


def _fit(k, values):
    return np.polyfit(np.log(k), np.log(values), 1)[0]


def _slope_mutating(k, values):
    np.log(values, out=values)  # in place
    return np.polyfit(np.log(k), values, 1)[0]


SLOPE_MUTANTS = [
    ("a fit of the raw values against k", lambda k, v: np.polyfit(k, v, 1)[0]),
    ("a fit of log(values) against k", lambda k, v: np.polyfit(k, np.log(v), 1)[0]),
    ("with the logarithm on one axis only", lambda k, v: np.polyfit(np.log(k), v, 1)[0]),
    ("the axes swapped", lambda k, v: np.polyfit(np.log(v), np.log(k), 1)[0]),
    ("a slope through the two end points only",
     lambda k, v: (np.log(v[-1]) - np.log(v[0])) / (np.log(k[-1]) - np.log(k[0]))),
    ("the intercept of the fit instead of its slope",
     lambda k, v: np.polyfit(np.log(k), np.log(v), 1)[1]),
    ("log10 on one axis and the natural log on the other",
     lambda k, v: np.polyfit(np.log10(k), np.log(v), 1)[0]),
    ("log10 on one axis and the natural log on the other",
     lambda k, v: np.polyfit(np.log(k), np.log10(v), 1)[0]),
    ("could not be broadcast",  # the formula written for one curve only
     lambda k, v: np.sum((np.log(k) - np.log(k).mean()) * (np.log(v) - np.log(v).mean()))
     / np.sum((np.log(k) - np.log(k).mean()) ** 2)),
    ("changed its input", _slope_mutating),
    ("shape", lambda k, v: np.atleast_1d(_fit(k, v))),
    ("shape", lambda k, v: np.mean(_fit(k, v))),  # one number for several curves
    ("no `return`", lambda k, v: None),
    ("not finite", lambda k, v: _fit(k, v) / 0.0),
]


@pytest.mark.parametrize("hint, mutant", SLOPE_MUTANTS, ids=[h for h, _ in SLOPE_MUTANTS])
def test_loglog_slope_names_each_mistake(hint, mutant):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.loglog_slope(mutant)


# -- updates_within_budget ---------------------------------------------------------------


def _updates(budget, m0, growth, n, *, first_power=0, cap=True, rounding=round,
             strict=False, crossing=False, examples=False):
    used, k = 0, 0
    while True:
        size = m0 * growth ** (k + first_power)
        size = rounding(min(size, n) if cap else size)
        if used + size > budget or (strict and used + size == budget):
            if crossing and used < budget:
                return k + 1
            return used if examples else k
        used, k = used + size, k + 1


def _updates_cumsum(budget, m0, growth, n):
    """The lecture's searchsorted count: the first K with m_1 + ... + m_K ≥ budget."""
    sizes = np.round(np.minimum(m0 * growth ** np.arange(budget + 1), n))
    return int(np.searchsorted(np.cumsum(sizes), budget) + 1)


UPDATE_MUTANTS = [
    ("the exponent off by one", lambda b, m0, r, n: _updates(b, m0, r, n, first_power=1)),
    ("the update that crosses the budget counted",
     lambda b, m0, r, n: _updates(b, m0, r, n, crossing=True)),
    ("the update that crosses the budget counted", _updates_cumsum),
    ("a strict inequality", lambda b, m0, r, n: _updates(b, m0, r, n, strict=True)),
    ("a minibatch that grows past n", lambda b, m0, r, n: _updates(b, m0, r, n, cap=False)),
    ("minibatch sizes that are not rounded",
     lambda b, m0, r, n: _updates(b, m0, r, n, rounding=lambda m: m)),
    ("minibatch sizes rounded down with int()",
     lambda b, m0, r, n: _updates(b, m0, r, n, rounding=int)),
    ("the number of examples used instead of the number of updates",
     lambda b, m0, r, n: _updates(b, m0, r, n, examples=True)),
    ("an int", lambda b, m0, r, n: float(_updates(b, m0, r, n))),
    ("an int", lambda b, m0, r, n: np.array([_updates(b, m0, r, n)])),  # a wrong shape
    ("an int", lambda b, m0, r, n: None),
    ("an int", lambda b, m0, r, n: float("nan")),
]


@pytest.mark.parametrize("hint, mutant", UPDATE_MUTANTS, ids=[h for h, _ in UPDATE_MUTANTS])
def test_updates_within_budget_names_each_mistake(hint, mutant):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.updates_within_budget(mutant)


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _scalar_or_array(slope):
    return float(slope) if np.ndim(slope) == 0 else slope


def _slope_through_origin(k, values):
    """Least squares without an intercept: log(values) = p·log(k)."""
    x, y = np.log(k), np.log(values)
    return _scalar_or_array(np.tensordot(x, y, axes=(0, 0)) / (x @ x))


def _mean_of_local_slopes(k, values):
    x, y = np.log(k), np.log(values)
    return _scalar_or_array((np.diff(y, axis=0).T / np.diff(x)).T.mean(axis=0))


def _slope_by_lstsq(k, values):
    design = np.column_stack([np.log(k), np.ones(len(k))])
    return _scalar_or_array(np.linalg.lstsq(design, np.log(values), rcond=None)[0][0])


def _sizes_until(budget, m0, growth, n, rounding=round):
    used = count = 0
    while True:
        size = rounding(min(m0 * growth**count, n))
        if used + size > budget:
            return count
        used, count = used + size, count + 1


def _updates_from_a_list(budget, m0, growth, n):
    sizes = []
    while sum(sizes) <= budget:
        sizes.append(round(min(m0 * growth ** len(sizes), n)))
    return len(sizes) - 1  # the last size no longer fits


def _updates_by_accumulate(budget, m0, growth, n):
    sizes = (round(min(m0 * growth**j, n)) for j in itertools.count())
    return sum(1 for _ in itertools.takewhile(lambda total: total <= budget, itertools.accumulate(sizes)))


FURTHER_MISTAKES = [
    ("loglog_slope", "expected:", _slope_through_origin),
    ("loglog_slope", "expected:", _mean_of_local_slopes),
    ("loglog_slope", "expected:", lambda k, v: _scalar_or_array(  # log(k + 1) "to avoid log 0"
        np.polyfit(np.log(np.asarray(k) + 1.0), np.log(v), 1)[0])),
    # Sizes 12.5, 4.5, ...: the rounding of a half decides a count on the boundary budgets.
    ("updates_within_budget", "This looks like minibatch sizes rounded up with ceil",
     lambda b, m0, r, n: _sizes_until(b, m0, r, n, rounding=math.ceil)),
    ("updates_within_budget", "This looks like minibatch sizes rounded half up, int(m + 0.5)",
     lambda b, m0, r, n: _sizes_until(b, m0, r, n, rounding=lambda m: int(m + 0.5))),
    ("updates_within_budget", "expected:", lambda b, m0, r, n: int(b // m0)),  # SGD's count
    ("updates_within_budget", "expected:", lambda b, m0, r, n: (  # the geometric sum, solved for K
        int(math.log(1 + b * (r - 1) / m0) // math.log(r)) if r != 1 else int(b // m0))),
]

FURTHER_CORRECT = [
    ("loglog_slope", lambda k, v: _scalar_or_array(np.polyfit(np.log(k), np.log(v), 1)[0])),
    ("loglog_slope", _slope_by_lstsq),
    ("updates_within_budget", _updates_from_a_list),
    ("updates_within_budget", _updates_by_accumulate),
    ("updates_within_budget", lambda b, m0, r, n: _sizes_until(b, m0, r, n, rounding=lambda m: int(np.rint(m)))),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
