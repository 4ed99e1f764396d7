"""Checks for the exercises of lecture 02: tuning the learning rate.

Both exercises read a sweep of ε_0 the way the lecture does (book section
8.3.1, SGD of Algorithm 8.1 with the linear schedule of eq. 8.14): a run
whose cost is NaN or inf diverged and takes no part in the choice, and a
grid on which every run diverged has no answer, so the student's function
must raise ``ValueError`` with a message that says so.
"""

from __future__ import annotations

import numpy as np

from ._core import Checker, CheckFailed, Mistake, show

__all__ = ["best_learning_rate", "practical_rule"]

# The 13-rate grid of the lecture's sweep (3·10⁻³ to 30, three per decade) and
# its mean costs over 4 seeds, rounded: after k = 100 and after k = τ = 1000.
_GRID = np.geomspace(3e-3, 30.0, 13)
_EARLY_DECAY = np.array([1.8348, 1.4540, 0.9955, 0.6234, 0.3886, 0.2542, 0.1743,
                         0.1337, 0.1481, 0.2179, 0.6380, 1.8385, 6.3090])
_FINAL_DECAY = np.array([0.9221, 0.5725, 0.3566, 0.2331, 0.1610, 0.1181, 0.0932,
                         0.0824, 0.0807, 0.0829, 0.0886, 0.1074, 0.2147])
_EARLY_FREE = np.array([1.8347, 1.4535, 0.9942, 0.6205, 0.3832, 0.2451, 0.1595,
                        0.1104, 0.1056, 0.1301, 0.3139, 0.7017, 2.0911])
_FINAL_FREE = np.array([9.2054e-01, 5.6925e-01, 3.5066e-01, 2.2332e-01, 1.4576e-01,
                        9.5023e-02, 5.9412e-02, 3.5133e-02, 1.8520e-02, 7.2826e-03,
                        1.3173e-03, 1.0674e-04, 1.6832e-05])


def _with_divergence(costs: np.ndarray) -> np.ndarray:
    """The same sweep with its two largest rates diverged (NaN, then inf)."""
    out = costs.copy()
    out[-2:] = [np.nan, np.inf]
    return out


def _finite_argmin(costs: np.ndarray) -> int:
    """Index of the lowest finite cost (the first one on ties); −1 if none is finite."""
    best = -1
    for i, value in enumerate(costs):
        if np.isfinite(value) and (best < 0 or value < costs[best]):
            best = i
    return best


def _expect_diverged_error(c: Checker, args: tuple) -> None:
    """One case on which every run diverged: the function must raise a ValueError
    whose message contains "diverged"; any returned value is diagnosed."""
    c.count += 1
    raised = None
    try:
        got = c.call(args)
    except CheckFailed as err:
        if not isinstance(err.__cause__, ValueError):
            raise
        raised = err.__cause__
    expected = 'ValueError("... diverged ...")'
    if raised is None:
        hint = c.diagnose(args, lambda m: _same(got, m))
        if hint == c.hint:  # no known mistake explains it
            hint = ("every cost is NaN or inf here, so there is no rate to choose: raise "
                    "ValueError with a message saying that every run diverged.")
        c.fail(args, expected, show(got), hint)
    if "diverged" not in str(raised).lower():
        c.fail(args, expected, f"nothing, it raised ValueError: {raised}",
               "check yourself that at least one cost is finite (np.isfinite), and raise "
               "ValueError with a message saying that every run diverged; numpy's own "
               "error about an empty or all-NaN array does not tell the reader why.")


def _same(got, mistaken) -> bool:
    try:
        return bool(np.shape(got) == np.shape(mistaken)
                    and np.allclose(np.asarray(got, float), mistaken, rtol=1e-9, atol=1e-12))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------
# best_learning_rate
# --------------------------------------------------------------------------


def _expected_best(lrs, final_costs) -> float:
    """The lr of the lowest finite final cost (first on ties), by a plain loop."""
    return float(lrs[_finite_argmin(final_costs)])


def _best_nan_picked(lrs, final_costs):
    return lrs[np.argmin(final_costs)]


def _best_inf_kept(lrs, final_costs):
    return lrs[np.nanargmin(final_costs)]


def _best_index(lrs, final_costs):
    costs = np.where(np.isfinite(final_costs), final_costs, np.inf)
    return int(np.argmin(costs))


def _best_maximum(lrs, final_costs):
    costs = np.where(np.isfinite(final_costs), final_costs, -np.inf)
    return lrs[np.argmax(costs)]


def _best_cost(lrs, final_costs):
    return np.min(final_costs[np.isfinite(final_costs)])


BEST_MISTAKES = (
    Mistake("np.argmin picking a diverged (NaN) run",
            "np.argmin returns the position of the first NaN when there is one: keep only "
            "the runs with np.isfinite(final_costs) before taking the minimum.",
            _best_nan_picked),
    Mistake("an inf cost treated as a valid result",
            "a final cost of inf is a diverged run too, like NaN: np.nanargmin skips NaN "
            "but not inf. Keep only np.isfinite(final_costs), and raise ValueError when "
            "nothing is left.",
            _best_inf_kept),
    Mistake("the position of the best run instead of its rate",
            "return lrs[i], the rate ε_0 itself, not the index i.",
            _best_index),
    Mistake("the largest final cost instead of the smallest",
            "the best rate is the one whose final cost J(θ_K) is the lowest: argmin, not argmax.",
            _best_maximum),
    Mistake("the lowest final cost instead of its rate",
            "the answer is the rate ε_0 that achieved the lowest cost, not the cost itself.",
            _best_cost),
)


def best_learning_rate(fn) -> None:
    """Check ``fn(lrs, final_costs) -> float``: the rate of the lowest finite final cost.

    ``lrs`` (S,) increasing rates ε_0, ``final_costs`` (S,) J(θ_K) of each run
    (SGD, Algorithm 8.1, section 8.3.1); NaN and inf mark a diverged run. Ties
    go to the smaller rate. When every run diverged: ValueError mentioning
    "diverged".
    """
    c = Checker("best_learning_rate", fn, ("lrs", "final_costs"), BEST_MISTAKES,
                hint="among the runs whose final cost is finite (np.isfinite), return the "
                     "rate ε_0 of the one with the lowest cost.")
    lrs4 = np.array([0.01, 0.1, 1.0, 10.0])
    cases = [
        (lrs4, np.array([0.9, 0.2, 0.12, 1.5])),
        (lrs4, np.array([0.9, 0.2, 0.12, np.nan])),          # the largest rate diverged
        (lrs4, np.array([0.9, np.nan, 0.12, 0.3])),
        (lrs4, np.array([0.9, 0.2, 0.12, np.inf])),
        (lrs4, np.array([0.4, 0.3, np.inf, 0.35])),
        (_GRID, _FINAL_DECAY.copy()),                        # the lecture's sweep: 1.39
        (_GRID, _with_divergence(_FINAL_DECAY)),
        (_GRID, _FINAL_FREE.copy()),                         # no weight decay: the largest rate
        (_GRID, _with_divergence(_FINAL_FREE)),
        (lrs4, np.array([0.5, 0.3, 0.3, 0.7])),              # a tie: the smaller rate
        (np.array([0.3]), np.array([0.25])),                 # one run
        (np.array([0.003, 0.3, 30.0]), np.array([np.nan, 0.0954, np.inf])),
    ]
    for args in cases:
        c.case(args, _expected_best(*args))
    for costs in ([np.inf, np.nan, np.inf], [np.nan, np.nan, np.nan]):
        _expect_diverged_error(c, (np.array([0.1, 1.0, 10.0]), np.array(costs)))
    c.passed()


# --------------------------------------------------------------------------
# practical_rule
# --------------------------------------------------------------------------


def _expected_rule(lrs, early_costs, tolerance) -> float:
    """The largest ε_0 at or above the early favourite whose early cost is finite and
    ≤ tolerance × the best early cost, by a plain loop."""
    favourite = _finite_argmin(early_costs)
    limit = tolerance * early_costs[favourite]
    pick = favourite
    for i in range(favourite, len(lrs)):
        if np.isfinite(early_costs[i]) and early_costs[i] <= limit:
            pick = i
    return float(lrs[pick])


def _clean(costs):
    return np.where(np.isfinite(costs), costs, np.inf)


def _rule_favourite(lrs, early_costs, tolerance):
    return lrs[np.argmin(_clean(early_costs))]


def _rule_next(lrs, early_costs, tolerance):
    return lrs[min(int(np.argmin(_clean(early_costs))) + 1, len(lrs) - 1)]


def _rule_added(lrs, early_costs, tolerance):
    costs = _clean(early_costs)
    return lrs[np.flatnonzero(costs <= costs.min() + tolerance)[-1]]


def _rule_strict(lrs, early_costs, tolerance):
    costs = _clean(early_costs)
    best = int(np.argmin(costs))
    ok = np.flatnonzero(costs < tolerance * costs[best])
    return lrs[max(ok[-1], best) if ok.size else best]


def _rule_contiguous(lrs, early_costs, tolerance):
    costs = _clean(early_costs)
    i = int(np.argmin(costs))
    while i + 1 < len(lrs) and costs[i + 1] <= tolerance * costs.min():
        i += 1
    return lrs[i]


def _rule_index(lrs, early_costs, tolerance):
    costs = _clean(early_costs)
    return int(np.flatnonzero(costs <= tolerance * costs.min())[-1])


RULE_MISTAKES = (
    Mistake("the early favourite itself",
            "the rule starts from the rate with the lowest early cost, then moves to the "
            "largest rate whose early cost is still ≤ tolerance × that lowest cost.",
            _rule_favourite),
    Mistake("one grid step above the favourite",
            "the rule does not move a fixed number of steps: it takes the largest rate "
            "of the grid whose early cost passes the test cost ≤ tolerance × best.",
            _rule_next),
    Mistake("a tolerance added to the best cost",
            "the test is relative: cost ≤ tolerance × best (twice the best cost for "
            "tolerance = 2), not cost ≤ best + tolerance.",
            _rule_added),
    Mistake("a strict inequality",
            "a rate whose early cost equals tolerance × best exactly passes the test: use <=.",
            _rule_strict),
    Mistake("a scan that stops at the first rate that fails the test",
            "look at every rate above the favourite, not only the unbroken run next to it: "
            "a larger rate that passes the test again is the one to take.",
            _rule_contiguous),
    Mistake("the position of the chosen rate instead of the rate",
            "return lrs[i], the rate ε_0 itself, not the index i.",
            _rule_index),
)


def practical_rule(fn) -> None:
    """Check ``fn(lrs, early_costs, tolerance) -> float``: the lecture's rule for ε_0.

    Section 8.3.1's advice (watch the first iterations, then go above the
    best-looking rate but stay below instability), made concrete as in
    :func:`coursekit.experiments.tuning.sweep_initial_rate`: the largest ε_0 at
    or above the rate with the lowest finite early cost J(θ_100) whose early
    cost is finite and ≤ tolerance × that lowest cost. When every run
    diverged: ValueError mentioning "diverged".
    """
    c = Checker("practical_rule", fn, ("lrs", "early_costs", "tolerance"), RULE_MISTAKES,
                hint="find the lowest finite early cost (the favourite), then return the "
                     "largest rate of the grid whose early cost is finite and ≤ tolerance "
                     "× that lowest cost.")
    lrs7 = np.array([0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0])
    cases = [
        (_GRID, _EARLY_DECAY.copy(), 2.0),                       # the lecture: 3.0
        (_GRID, _EARLY_FREE.copy(), 2.0),
        (_GRID, _EARLY_FREE.copy(), 3.0),
        (lrs7, np.array([0.9, 0.3, 0.2, 0.35, 0.5, 0.38, 1.2]), 2.0),   # a gap above the favourite
        (lrs7[:5], np.array([0.5, 0.25, 0.3, 0.5, 0.75]), 2.0),  # 0.5 = 2 × 0.25 exactly
        (lrs7[:4], np.array([0.4, 0.2, 0.2, 0.3]), 1.0),         # tolerance 1: a tie only
        (lrs7, np.array([0.9, 0.3, 0.2, 0.35, 0.5, 0.38, 1.2]), 1.5),
        (_GRID, _with_divergence(_EARLY_DECAY), 2.0),
        (lrs7, np.array([1.2, 0.5, np.nan, 0.4, 0.7, np.inf, np.nan]), 2.0),
        (lrs7[:4], np.array([0.9, 0.6, 0.4, 0.3]), 2.0),         # the favourite is the largest rate
        (np.array([0.3]), np.array([0.25]), 2.0),
    ]
    for args in cases:
        c.case(args, _expected_rule(*args))
    _expect_diverged_error(c, (lrs7[:3], np.array([np.nan, np.inf, np.nan]), 2.0))
    c.passed()
