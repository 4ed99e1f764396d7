"""Checks for the exercises of lecture 03: convergence rates and what an update costs.

- ``loglog_slope``: the exponent p of values ≈ C·k^p as the least-squares
  slope of log(values) against log(k), the way the lecture measures the
  rates O(1/√k) and O(1/k) of section 8.3.1. Oracle:
  :func:`coursekit.analysis.loglog_slope`.
- ``updates_within_budget``: how many updates a run with the growing
  minibatch m_k = min(m_0·r^(k−1), n) (Friedlander & Schmidt, 2012) completes
  within a budget of examples. Oracle: a plain loop over the sizes, each
  rounded to the nearest integer as the runner rounds a minibatch size (the
  sizes of the lecture's ``geometric_batch_growth``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..analysis import loglog_slope as _fitted_slope
from ._core import Checker, Mistake

__all__ = ["loglog_slope", "updates_within_budget"]


# --------------------------------------------------------------------------
# loglog_slope
# --------------------------------------------------------------------------


def _line(x, y):
    """Least-squares slope and intercept of y (R,) or (R, B) on x (R,)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xc = x - x.mean()
    slope = np.tensordot(xc, y - y.mean(axis=0), axes=(0, 0)) / (xc @ xc)
    intercept = y.mean(axis=0) - slope * x.mean()
    return slope, intercept


def _float_or_array(value):
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


SLOPE_MISTAKES = (
    Mistake("a fit of the raw values against k, without logarithms",
            "a power law C·k^p is a straight line only on log-log axes: fit log(values) "
            "against log(k).",
            lambda k, values: _float_or_array(_line(k, values)[0])),
    Mistake("a fit of log(values) against k (a semi-log plot)",
            "take the logarithm of both axes: log(values) against log(k).",
            lambda k, values: _float_or_array(_line(k, np.log(values))[0])),
    Mistake("a fit of the values against log(k), with the logarithm on one axis only",
            "take the logarithm of both axes: log(values) against log(k).",
            lambda k, values: _float_or_array(_line(np.log(k), values)[0])),
    Mistake("the axes swapped: log(k) fitted against log(values)",
            "x is log(k) and y is log(values): np.polyfit(np.log(k), np.log(values), 1) "
            "puts x first.",
            lambda k, values: _float_or_array(_line(np.log(values), np.log(k))[0])),
    Mistake("a slope through the two end points only",
            "with noisy values the two end points do not give the least-squares slope: fit "
            "a line through all the points (np.polyfit(x, y, 1), or Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²).",
            lambda k, values: _float_or_array(
                (np.log(values[-1]) - np.log(values[0])) / (np.log(k[-1]) - np.log(k[0])))),
    Mistake("the intercept of the fit instead of its slope",
            "np.polyfit(x, y, 1) returns [slope, intercept], highest power first: take "
            "element [0].",
            lambda k, values: _float_or_array(_line(np.log(k), np.log(values))[1])),
    Mistake("log10 on one axis and the natural log on the other",
            "the slope does not depend on the base, but only if both axes use the same one.",
            lambda k, values: _float_or_array(_line(np.log(k), np.log10(values))[0])),
    Mistake("log10 on one axis and the natural log on the other",
            "the slope does not depend on the base, but only if both axes use the same one.",
            lambda k, values: _float_or_array(_line(np.log10(k), np.log(values))[0])),
)


def _noisy_power(k, p, scale, rng, spread=0.2):
    """C·k^p times a log-normal factor: a measured curve around a power law."""
    return scale * k**p * np.exp(spread * rng.standard_normal(np.shape(k)))


def loglog_slope(fn) -> None:
    """Check ``fn(k, values)``: the least-squares slope p of log(values) against log(k).

    ``k`` (R,) > 0; ``values`` (R,) > 0 gives a float, (R, B) one slope per
    column, shape (B,). A power law values = C·k^p gives p: −1/2 for the
    convex rate O(1/√k), −1 for the strongly convex O(1/k) (section 8.3.1).
    """
    c = Checker("loglog_slope", fn, ("k", "values"), SLOPE_MISTAKES,
                hint="x = log(k), y = log(values), and the least-squares slope "
                     "Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², or np.polyfit(x, y, 1)[0].")
    rng = np.random.default_rng(3)
    k100 = np.arange(1, 101)
    k_window = np.arange(50, 5001, 50)
    k_geom = np.geomspace(10.0, 1000.0, 25)
    columns = np.stack([_noisy_power(k_window, p, 2.0, rng, 0.3) for p in (-0.5, -1.0, 0.0)],
                       axis=1)
    cases = [
        (k100, 4.0 / np.sqrt(k100)),                       # O(1/√k): slope −1/2
        (k_geom, 2.0 / k_geom**2),
        (k_window, _noisy_power(k_window, -0.5, 3.0, rng)),  # a measured curve
        (k_window, _noisy_power(k_window, -1.0, 0.5, rng)),
        (k_geom, 0.7 * k_geom**1.5),                       # a rising curve
        (k_geom, np.full(k_geom.shape, 0.25)),             # flat: slope 0
        (k_window, columns),                               # one slope per column
        (k100 * 1.0, 1.0 / k100[:, None]),                 # one column: shape (1,)
        (np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.6, 0.2])),   # three points
    ]
    for k, values in cases:
        c.case((k, values), _fitted_slope(k, values), rtol=1e-8, atol=1e-10)
    c.passed()


# --------------------------------------------------------------------------
# updates_within_budget
# --------------------------------------------------------------------------


def _expected_updates(budget, m0, growth, n) -> int:
    """The largest K with m_1 + ... + m_K ≤ budget, by a plain loop.

    m_k = min(m0·r^(k−1), n), rounded half to even as the runner rounds a
    minibatch size; once m_k reaches n it stays there, so r^(k−1) is never
    computed past the cap (it would overflow after a few thousand updates).
    """
    total, count, size = 0, 0, None
    for k in itertools.count(1):
        if size != n:
            size = min(m0 * growth ** (k - 1), n)
        m = max(1, round(size))
        if total + m > budget:
            return count
        total, count = total + m, count + 1


def _grown(m0, growth, n, shift=0, cap=True, rounding=round):
    """m_k for k = 1, 2, ... with the variations students write."""
    def size(k):
        m = m0 * growth ** (k - 1 + shift)
        return rounding(min(m, n) if cap else m)
    return size


def _count(budget, size, strict=False, crossing=False, examples=False):
    total, k = 0, 0
    while True:
        m = size(k + 1)
        over = total + m >= budget if strict else total + m > budget
        if over:
            if crossing and total < budget:
                k, total = k + 1, total + m
            return total if examples else k
        total, k = total + m, k + 1


UPDATE_MISTAKES = (
    Mistake("the exponent off by one: m_k = m_0·r^k",
            "the first update uses m_1 = m_0: the exponent is k − 1 when updates are "
            "counted from k = 1.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, shift=1))),
    Mistake("the update that crosses the budget counted",
            "count only the updates whose examples fit in the budget: the last one "
            "counted must leave m_1 + ... + m_K ≤ budget.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n), crossing=True)),
    Mistake("a strict inequality: m_1 + ... + m_K < budget",
            "an update that uses up the budget exactly still fits: m_1 + ... + m_K ≤ budget.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n), strict=True)),
    Mistake("a minibatch that grows past n",
            "a minibatch cannot hold more than the n training examples: m_k = "
            "min(m_0·r^(k−1), n).",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, cap=False))),
    Mistake("minibatch sizes rounded up with ceil",
            "round m_k to the nearest integer with round(...): math.ceil turns 12.5 into 13 and "
            "10.125 into 11.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, rounding=math.ceil))),
    Mistake("minibatch sizes rounded half up, int(m + 0.5)",
            "round(...) rounds a size that ends in .5 to the even integer (12.5 becomes 12, "
            "4.5 becomes 4), as the course's runner does; int(m + 0.5) rounds it up.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, rounding=lambda x: int(x + 0.5)))),
    Mistake("minibatch sizes that are not rounded",
            "an update uses a whole number of examples: round m_k to the nearest integer "
            "(round(...)) before adding it up.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, rounding=float))),
    Mistake("minibatch sizes rounded down with int()",
            "int() truncates (14.64 becomes 14): round m_k to the nearest integer with round().",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n, rounding=int))),
    Mistake("the number of examples used instead of the number of updates",
            "return K, the count of updates, not the examples m_1 + ... + m_K they used.",
            lambda b, m0, r, n: _count(b, _grown(m0, r, n), examples=True)),
)


def updates_within_budget(fn) -> None:
    """Check ``fn(budget, m0, growth, n) -> int``: updates of the growing minibatch in a budget.

    m_k = round(min(m_0·r^(k−1), n)) for k = 1, 2, ... (Friedlander & Schmidt,
    2012; lecture 03, section 5); the answer is the largest K ≥ 0 with
    m_1 + ... + m_K ≤ budget. r = 1 is SGD with m = m_0 (Algorithm 8.1),
    m_0 = n is batch gradient descent.
    """
    c = Checker("updates_within_budget", fn, ("budget", "m0", "growth", "n"), UPDATE_MISTAKES,
                hint="add m_1, m_2, ... (each rounded and capped at n) while the total stays "
                     "≤ budget, and return how many you added.")
    cases = [
        (100, 10, 2.0, 1000),            # sizes 10, 20, 40, 80: totals 10, 30, 70, 150
        (200, 10, 1.1, 2000),            # the lecture's table: 11, 31, 55, 85
        (2000, 10, 1.1, 2000),
        (20_000, 10, 1.1, 2000),
        (80_000, 10, 1.1, 2000),
        (200, 10, 1.0, 2000),            # growth 1: SGD with m = 10
        (2000, 10, 1.0, 2000),
        (2000, 2000, 1.1, 2000),         # m_0 = n: batch gradient descent
        (80_000, 2000, 1.1, 2000),
        (135, 10, 1.1, 2000),            # sizes 10, 11, 12, 13, 15, 16, 18, 19, 21 add up to 135
        (105, 10, 1.7, 1000),            # 10 + 17 + 29 + 49 = 105; unrounded 105.03
        (1000, 10, 2.0, 100),            # the cap at n matters
        (5, 10, 1.1, 2000),              # the budget does not pay for one update
        (0, 10, 1.1, 2000),
        (5000, 3, 1.3, 500),
        # SGD with budget/m_0 a whole number, a half and just above a half: a count taken as
        # ceil(budget/m_0) − 1, round(budget/m_0) or budget/m_0 + 1 is wrong on one of them.
        (300, 15, 1.0, 500), (310, 20, 1.0, 500), (207, 10, 1.0, 2000),
    ]
    # Sizes 10, 12.5, 15.625, 19.53, ... and 3, 4.5, 6.75, 10.125, ... (exact in binary):
    # round() (half to even), int(m + 0.5), ceil and int() give four different sequences.
    # Budgets on each running total, where the last update exactly uses it up, one example
    # below it, where it does not fit, and one above; the largest first, so that a wrong
    # rounding passes some cases before it fails and the hint can tell the roundings apart.
    # They go before the 10th case, (135, 10, 1.1, 2000), where ceil and no rounding fail alike.
    boundary = []
    for m0, growth, n in [(10, 1.25, 100), (3, 1.5, 400)]:
        totals = itertools.accumulate(round(min(m0 * growth ** j, n)) for j in range(8))
        for total in sorted(totals, reverse=True):
            boundary += [(total + 1, m0, growth, n), (total, m0, growth, n), (total - 1, m0, growth, n)]
    cases = cases[:9] + boundary + cases[9:]
    for args in cases:
        c.case(args, _expected_updates(*args))
    c.passed()
