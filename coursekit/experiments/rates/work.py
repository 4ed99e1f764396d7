"""Claim C6: the work of one update, in examples touched and in wall-clock seconds, against n."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..._validation import check_int
from ...analysis import loglog_slope
from ...optimizers import sgd
from ...problems import LeastSquares, make_least_squares
from ...runner import run
from ._common import _check_sizes

__all__ = [
    "WorkResult",
    "seconds_per_update",
    "work_per_update",
]


# -- C6: work per update --------------------------------------------------------
@dataclass(frozen=True)
class WorkResult:
    """Examples touched per update against the training-set size n.

    sizes : (N,) n;  sgd_examples_per_update, gd_examples_per_update : (N,) int
    sgd_slope, gd_slope : log-log slopes of the two against n;  batch_size : m
    """

    sizes: np.ndarray
    sgd_examples_per_update: np.ndarray
    gd_examples_per_update: np.ndarray
    sgd_slope: float
    gd_slope: float
    batch_size: int


def _work_problem(n: int, dim: int, seed: int) -> LeastSquares:
    return make_least_squares(n, dim, np.random.default_rng(seed))


def work_per_update(
    *, sizes=(100, 1000, 10_000, 100_000), batch_size: int = 10, dim: int = 10,
    steps: int = 5, seed: int = 0,
) -> WorkResult:
    """Examples touched per update by SGD and by batch gradient descent (claim C6).

    For each training-set size n, runs ``steps`` updates of each method on a
    least-squares problem and reads ``RunResult.examples_seen``: an SGD update
    (Algorithm 8.1) averages m per-example gradients whatever n is, a batch
    gradient ∇J = (1/n) Σ_i ∇L_i touches all n. The counts are deterministic;
    the slopes of log(count) against log(n) are 0 and 1.
    """
    sizes = _check_sizes(sizes)
    batch_size = check_int("batch_size", batch_size, low=1, high=int(sizes[0]))
    dim = check_int("dim", dim, low=1)
    steps = check_int("steps", steps, low=1)
    seed = check_int("seed", seed, low=0)

    sgd_work, gd_work = [], []
    for n in sizes:  # each n is a different problem: no batch axis to share
        problem = _work_problem(int(n), dim, seed)
        opt = sgd(0.1)
        theta0 = np.zeros(dim)
        stochastic = run(problem, opt, theta0, steps, batch_size=batch_size,
                         rng=np.random.default_rng(seed), record_every=steps)
        batch = run(problem, opt, theta0, steps, record_every=steps)
        sgd_work.append(stochastic.examples_seen[-1] // steps)
        gd_work.append(batch.examples_seen[-1] // steps)
    sgd_work = np.array(sgd_work, dtype=np.int64)
    gd_work = np.array(gd_work, dtype=np.int64)
    return WorkResult(
        sizes=sizes,
        sgd_examples_per_update=sgd_work,
        gd_examples_per_update=gd_work,
        sgd_slope=loglog_slope(sizes, sgd_work),
        gd_slope=loglog_slope(sizes, gd_work),
        batch_size=batch_size,
    )


def seconds_per_update(
    *, sizes=(100, 1000, 10_000, 100_000), batch_size: int = 10, dim: int = 10,
    sgd_steps: int = 300, gd_examples: int = 50_000, timings: int = 3, seed: int = 0,
) -> dict:
    """Wall-clock seconds per update of SGD and batch GD for each n (side note to C6).

    Machine-dependent, unlike :func:`work_per_update`. The runner evaluates
    the full training cost J(θ) (a pass over all n examples) at each record,
    which is not part of an update; so each method is timed on a run of s
    updates that records only at k = 0 and k = s, and on a run of one update
    (the same two records), and the difference is divided by s − 1: the
    marginal cost of one update, the recording cancelled out. Each time is
    the median of ``timings`` repetitions; nothing is clipped. s is
    ``sgd_steps`` for SGD and max(10, ``gd_examples``/n) for batch GD, so that
    every timed run is long next to the clock's resolution. Returns
    ``{"sizes", "sgd", "gd"}`` arrays and the settings ``"timings"``,
    ``"sgd_steps"``, ``"gd_examples"``.
    """
    sizes = _check_sizes(sizes)
    batch_size = check_int("batch_size", batch_size, low=1, high=int(sizes[0]))
    dim = check_int("dim", dim, low=1)
    sgd_steps = check_int("sgd_steps", sgd_steps, low=2)
    gd_examples = check_int("gd_examples", gd_examples, low=1)
    timings = check_int("timings", timings, low=1)
    seed = check_int("seed", seed, low=0)

    def median_time(fn, count):
        times = []
        for _ in range(timings):
            start = time.perf_counter()
            fn(count)
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    def marginal(fn, count):
        return (median_time(fn, count) - median_time(fn, 1)) / (count - 1)

    out = {"sizes": sizes, "sgd": [], "gd": []}
    for n in sizes:
        problem = _work_problem(int(n), dim, seed)
        theta0 = np.zeros(dim)
        out["sgd"].append(marginal(
            lambda s: run(problem, sgd(0.1), theta0, s, batch_size=batch_size,
                          rng=np.random.default_rng(seed), record_every=s), sgd_steps))
        out["gd"].append(marginal(
            lambda s: run(problem, sgd(0.1), theta0, s, record_every=s),
            max(10, gd_examples // int(n))))
    out["sgd"] = np.array(out["sgd"])
    out["gd"] = np.array(out["gd"])
    out["timings"], out["sgd_steps"], out["gd_examples"] = timings, sgd_steps, gd_examples
    return out
