"""Experiments for lecture 03: how fast SGD converges, and what that costs (section 8.3.1).

Each function runs on the batched runner (:func:`coursekit.runner.run`)
from an explicit ``seed`` and returns a frozen result with the arrays to plot
and the measured numbers that the lecture prints and ``tests/test_claims_rates.py``
asserts.

- :func:`convex_rate` (claim C8): averaged SGD with ε_k = ε_0/√k on a convex
  quadratic whose curvatures span six decades, so that no strong convexity is
  visible in the measured window: J(θ̄_k) − J* = O(1/√k).
- :func:`strongly_convex_rate` (C8): SGD with ε_k = 1/(μ(k + τ)) on a
  μ-strongly convex noisy quadratic: J(θ_k) − J* = O(1/k).
- :func:`work_per_update` (C6): examples touched per update against the
  training-set size n: m for SGD, n for batch gradient descent.
- :func:`one_pass` (C7): one pass of minibatch SGD over 10^6 examples
  reaches within a tolerance of its final test error long before the pass ends.
- :func:`statistical_floor` (C9): one-pass SGD next to the Cramér–Rao rate
  σ²d/(2k), and batch gradient descent at equal examples seen.
- :func:`growing_batch` (C10): a geometrically growing minibatch against a
  small fixed minibatch and the full batch, at equal examples seen.

Loss convention: J(θ) = (1/2n) Σ (x_iᵀθ − y_i)², so the excess test error
of the least-squares estimator from k examples is σ²d/(2(k − d − 1)) ≈ σ²d/(2k).

>>> result = work_per_update(sizes=(100, 1000, 10_000))
>>> result.sgd_examples_per_update.tolist(), result.gd_examples_per_update.tolist()
([10, 10, 10], [100, 1000, 10000])
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_interval, check_scalar
from ..analysis import loglog_slope, steps_to_tolerance
from ..data import make_large_regression, make_linear_regression
from ..optimizers import sgd
from ..problems import LeastSquares, Quadratic, make_least_squares
from ..runner import run
from ..schedules import Schedule, constant, inverse_sqrt, inverse_time

__all__ = [
    "ConvexRateResult",
    "GrowingBatchResult",
    "OnePassResult",
    "StatisticalFloorResult",
    "StronglyConvexRateResult",
    "WorkResult",
    "convex_rate",
    "geometric_batch_growth",
    "growing_batch",
    "one_pass",
    "seconds_per_update",
    "statistical_floor",
    "strongly_convex_rate",
    "work_per_update",
]


# -- small shared checks --------------------------------------------------------
def _check_window(window, steps: int) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise TypeError(f"window must be a pair (k_min, k_max), got {window!r}") from None
    lo = check_int("window[0]", lo, low=1, high=steps)
    hi = check_int("window[1]", hi, low=1, high=steps)
    if lo >= hi:
        raise ValueError(f"window must satisfy k_min < k_max, got ({lo}, {hi})")
    return lo, hi


def _check_levels(name: str, values, low: float = 0.0) -> np.ndarray:
    arr = check_interval(name, values, low, np.inf, low_open=True, high_open=True)
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a 1-D sequence, got shape {arr.shape}")
    return arr


def _check_sizes(sizes) -> np.ndarray:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size < 2 or arr.dtype.kind not in "iu":
        raise ValueError(f"sizes must be a 1-D sequence of at least 2 integers, got {sizes!r}")
    if arr.min() < 1 or np.any(np.diff(arr) <= 0):
        raise ValueError(f"sizes must be positive and increasing, got {arr.tolist()}")
    return arr.astype(np.int64)


# -- C8: the convex rate ----------------------------------------------------------
@dataclass(frozen=True)
class ConvexRateResult:
    """Averaged SGD with ε_k = ε_0/√k on a convex, not strongly convex quadratic.

    steps : (R,)                the iteration k of each record
    noise : (S,)                σ, the gradient-noise levels compared
    average_excess : (R, S)     J(θ̄_k) − J*, mean over seeds (θ̄_k = (1/k) Σ θ_j)
    last_excess : (R, S)        J(θ_k) − J*, mean over seeds (no averaging)
    slope_average, slope_last : (S,)   fitted log-log slopes over ``window``
    window : (k_min, k_max);  eigenvalues : (d,);  lr0 : ε_0;  repeats : seeds
    """

    steps: np.ndarray
    noise: np.ndarray
    average_excess: np.ndarray
    last_excess: np.ndarray
    slope_average: np.ndarray
    slope_last: np.ndarray
    window: tuple
    eigenvalues: np.ndarray
    lr0: float
    repeats: int


def convex_rate(
    *,
    noise=(0.3, 1.0),
    lr0: float = 0.5,
    dim: int = 24,
    smallest_curvature: float = 1e-6,
    steps: int = 5000,
    repeats: int = 16,
    record_every: int = 5,
    window=(50, 5000),
    seed: int = 0,
) -> ConvexRateResult:
    """Excess error of averaged SGD with ε_k = ε_0/√k on a convex quadratic (claim C8).

    The problem is J(θ) = ½ Σ_i λ_i θ_i² with λ_i log-spaced from
    ``smallest_curvature`` to 1, started at θ_0 = (1, ..., 1), with minibatch
    gradients ∇J(θ) + σξ, ξ ~ N(0, I) (:class:`coursekit.problems.Quadratic`).
    With equal initial errors on log-spaced curvatures, the error still to be
    removed after "time" T = Σ_j ε_j ≈ 2ε_0√k is about Σ_{λ_i < 1/T} λ_i,
    which is ∝ 1/T ∝ 1/√k as long as 1 ≪ T ≪ 1/λ_min: on the whole window the
    problem shows no strong convexity. This is the worst case behind the
    convex bound

        E[J(θ̄_k)] − J* ≤ (‖θ_0 − θ*‖² + G² Σ_j ε_j²) / (c Σ_j ε_j) = O(log k / √k)

    for ε_j = ε_0/√j (Nemirovski et al., 2009, "Robust stochastic approximation
    approach to stochastic programming", eq. 2.18-2.24): the first term is the
    bias, the second the noise, whose log k flattens the fitted slope when
    σ is large.

    Returns excess errors averaged over ``repeats`` seeds, one column per σ,
    and slopes fitted by :func:`coursekit.analysis.loglog_slope` on ``window``.
    """
    noise = _check_levels("noise", noise)
    lr0 = check_scalar("lr0", lr0, 0.0, 1.0, low_open=True)
    dim = check_int("dim", dim, low=2)
    smallest_curvature = check_scalar("smallest_curvature", smallest_curvature, 0.0, 1.0,
                                      low_open=True, high_open=True)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    window = _check_window(window, steps)
    seed = check_int("seed", seed, low=0)

    eigenvalues = np.geomspace(smallest_curvature, 1.0, dim)
    theta0 = np.ones(dim)
    average, last = [], []
    # One run per σ: the noise level belongs to the problem, not to a hyperparameter.
    for j, sigma in enumerate(noise):
        problem = Quadratic(eigenvalues, noise=float(sigma))
        result = run(problem, sgd(inverse_sqrt(lr0)), theta0, steps, batch_size=1,
                     rng=np.random.default_rng([seed, j]), repeats=repeats,
                     record_every=record_every, average=True)
        average.append((result.average_loss - problem.min_loss).mean(axis=1))
        last.append((result.loss - problem.min_loss).mean(axis=1))
    steps_rec = result.steps
    average = np.stack(average, axis=1)
    last = np.stack(last, axis=1)
    return ConvexRateResult(
        steps=steps_rec,
        noise=noise,
        average_excess=average,
        last_excess=last,
        slope_average=np.atleast_1d(loglog_slope(steps_rec, average, *window)),
        slope_last=np.atleast_1d(loglog_slope(steps_rec, last, *window)),
        window=window,
        eigenvalues=eigenvalues,
        lr0=lr0,
        repeats=repeats,
    )


# -- C8: the strongly convex rate ---------------------------------------------------
@dataclass(frozen=True)
class StronglyConvexRateResult:
    """SGD with ε_k = 1/(μ(k + τ)) on a μ-strongly convex noisy quadratic.

    steps : (R,);  excess : (R,) J(θ_k) − J*, mean over seeds;  lr : (R,) ε_k
    slope : fitted log-log slope over ``window``;  mu, L, tau, noise, repeats
    """

    steps: np.ndarray
    excess: np.ndarray
    lr: np.ndarray
    slope: float
    window: tuple
    mu: float
    L: float
    tau: float
    noise: float
    repeats: int


def strongly_convex_rate(
    *,
    mu: float = 0.1,
    dim: int = 24,
    noise: float = 1.0,
    steps: int = 5000,
    repeats: int = 16,
    record_every: int = 5,
    window=(50, 5000),
    seed: int = 0,
) -> StronglyConvexRateResult:
    """Excess error of SGD with ε_k = 1/(μ(k + τ)) on a strongly convex quadratic (claim C8).

    J(θ) = ½ Σ_i λ_i θ_i² with λ_i log-spaced from μ to L = 1, θ_0 = (1, ..., 1),
    minibatch gradients ∇J(θ) + σξ. The schedule is
    :func:`coursekit.schedules.inverse_time` with τ = L/μ and ε_0 = 1/(μτ), i.e.
    ε_k = 1/(μ(k + τ)): ε_1 < 1/L keeps the first steps stable, and ε_k ≈ 1/(μk)
    later. Along the flattest direction x_{k+1} = (1 − 1/(k+τ)) x_k − σξ/(μ(k+τ)),
    which averages the noise like a running mean, so
    E[J(θ_k)] − J* ≈ σ²/(2μk) per such direction: O(1/k) (e.g. Bottou, Curtis &
    Nocedal, 2018, "Optimization methods for large-scale machine learning",
    Theorem 4.7).
    """
    mu = check_scalar("mu", mu, 0.0, 1.0, low_open=True, high_open=True)
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    window = _check_window(window, steps)
    seed = check_int("seed", seed, low=0)

    problem = Quadratic(np.geomspace(mu, 1.0, dim), noise=noise)
    tau = problem.L / mu
    schedule = inverse_time(1.0 / (mu * tau), tau)
    result = run(problem, sgd(schedule), np.ones(dim), steps, batch_size=1,
                 rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every)
    excess = (result.loss - problem.min_loss).mean(axis=1)
    lr = np.asarray(schedule(np.maximum(result.steps, 1)), dtype=float)
    return StronglyConvexRateResult(
        steps=result.steps,
        excess=excess,
        lr=lr,
        slope=loglog_slope(result.steps, excess, *window),
        window=window,
        mu=mu,
        L=problem.L,
        tau=tau,
        noise=noise,
        repeats=repeats,
    )


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
    steps: int = 10, seed: int = 0,
) -> dict:
    """Wall-clock seconds per update of SGD and batch GD for each n (side note to C6).

    Machine-dependent, unlike :func:`work_per_update`: returns
    ``{"sizes", "sgd", "gd"}`` arrays, the median of 3 timings each.
    """
    sizes = _check_sizes(sizes)
    batch_size = check_int("batch_size", batch_size, low=1, high=int(sizes[0]))
    dim = check_int("dim", dim, low=1)
    steps = check_int("steps", steps, low=1)
    seed = check_int("seed", seed, low=0)

    def clock(fn):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) / steps)
        return float(np.median(times))

    out = {"sizes": sizes, "sgd": [], "gd": []}
    for n in sizes:
        problem = _work_problem(int(n), dim, seed)
        theta0 = np.zeros(dim)
        out["sgd"].append(clock(lambda: run(problem, sgd(0.1), theta0, steps, batch_size=batch_size,
                                            rng=np.random.default_rng(seed), record_every=steps)))
        out["gd"].append(clock(lambda: run(problem, sgd(0.1), theta0, steps, record_every=steps)))
    out["sgd"] = np.array(out["sgd"])
    out["gd"] = np.array(out["gd"])
    return out


# -- C7: one pass over a large training set ----------------------------------------
@dataclass(frozen=True)
class OnePassResult:
    """One pass of minibatch SGD over n training examples.

    examples : (T,) examples seen at each test record;  test_loss : (T,)
    final_test_loss : after the pass;  threshold = (1 + tolerance) × final
    examples_to_tolerance : first examples count from which test_loss stays ≤ threshold
    epoch_fraction = examples_to_tolerance / n;  noise_floor = σ²/2 (Bayes test error)
    n, batch_size, tolerance
    """

    examples: np.ndarray
    test_loss: np.ndarray
    final_test_loss: float
    threshold: float
    examples_to_tolerance: int
    epoch_fraction: float
    noise_floor: float
    n: int
    batch_size: int
    tolerance: float


def one_pass(
    *, n: int = 10**6, dim: int = 20, noise: float = 0.5, n_test: int = 10_000,
    batch_size: int = 200, tau: float = 2.0, tolerance: float = 0.01, test_every: int = 5,
    seed: int = 0,
) -> OnePassResult:
    """When does one-pass SGD get within ``tolerance`` of its final test error? (claim C7)

    Data: :func:`coursekit.data.make_large_regression` (x ~ N(0, I_d), so
    μ = L = 1 for the population cost). SGD with minibatches of m examples
    and ε_k = 1/(μ(k + τ)) (:func:`coursekit.schedules.inverse_time` with
    ε_0 = 1/τ) runs for n/m updates, one pass in expectation (minibatches are
    drawn with replacement, as in Algorithm 8.1). The test error is recorded
    every ``test_every`` updates; the result is the first number of examples
    from which it stays within (1 + tolerance) × its final value
    (:func:`coursekit.analysis.steps_to_tolerance`).
    """
    n = check_int("n", n, low=1000)
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    n_test = check_int("n_test", n_test, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=n // 10)
    tau = check_scalar("tau", tau, 1.0, np.inf)
    tolerance = check_scalar("tolerance", tolerance, 0.0, 1.0, low_open=True, high_open=True)
    test_every = check_int("test_every", test_every, low=1)
    seed = check_int("seed", seed, low=0)

    data = make_large_regression(n, dim, rng=np.random.default_rng(seed), noise=noise,
                                 n_test=n_test)
    problem = LeastSquares(data.X, data.y, data.X_test, data.y_test,
                           name=f"large least squares n={n}")
    steps = n // batch_size
    # record_every=steps: the full training loss (a pass over 10^6 rows) only at the ends.
    result = run(problem, sgd(inverse_time(1.0 / tau, tau)), np.zeros(dim), steps,
                 batch_size=batch_size, rng=np.random.default_rng([seed, 1]),
                 record_every=steps, test_every=test_every)
    examples = result.test_steps.astype(np.int64) * batch_size
    final = float(result.test_loss[-1])
    threshold = (1.0 + tolerance) * final
    reached = int(steps_to_tolerance(examples, result.test_loss, threshold))
    return OnePassResult(
        examples=examples,
        test_loss=result.test_loss.copy(),
        final_test_loss=final,
        threshold=threshold,
        examples_to_tolerance=reached,
        epoch_fraction=reached / n,
        noise_floor=0.5 * noise**2,
        n=n,
        batch_size=batch_size,
        tolerance=tolerance,
    )


# -- C9: the statistical floor ------------------------------------------------------
@dataclass(frozen=True)
class StatisticalFloorResult:
    """One-pass SGD and batch GD against the Cramér–Rao rate σ²d/(2k).

    sgd_examples : (R,);  sgd_excess : (R,) excess test error ½‖θ_k − θ_true‖², mean over seeds
    gd_examples : (G,);   gd_excess : (G,) the same for batch gradient descent
    floor : (R,) σ²d/(2k) at sgd_examples (nan at k = 0)
    ratio : (R,) sgd_excess / floor;  ratio_range : (min, max) of ratio over ``window``
    window : (k_min, k_max) in examples;  budgets : (B,) examples
    sgd_at_budgets, gd_at_budgets : (B,) excess at the last record with ≤ budget examples
    ols_excess : ½‖θ̂_OLS − θ_true‖², the best the n training examples allow
    n, dim, noise, batch_size, gd_lr, repeats
    """

    sgd_examples: np.ndarray
    sgd_excess: np.ndarray
    gd_examples: np.ndarray
    gd_excess: np.ndarray
    floor: np.ndarray
    ratio: np.ndarray
    ratio_range: tuple
    window: tuple
    budgets: np.ndarray
    sgd_at_budgets: np.ndarray
    gd_at_budgets: np.ndarray
    ols_excess: float
    n: int
    dim: int
    noise: float
    batch_size: int
    gd_lr: float
    repeats: int


def _at_budgets(examples: np.ndarray, values: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """values at the last record whose examples count is ≤ each budget."""
    index = np.searchsorted(examples, budgets, side="right") - 1
    return values[np.maximum(index, 0)]


def statistical_floor(
    *, n: int = 20_000, dim: int = 20, noise: float = 0.5, batch_size: int = 10,
    tau: float = 2.0, gd_lr: float = 0.5, gd_epochs: int = 12, repeats: int = 8,
    record_every: int = 20, window=(1000, 10_000), budgets=(200, 2000, 10_000, 20_000, 100_000),
    seed: int = 0,
) -> StatisticalFloorResult:
    """One-pass SGD next to the statistical floor, and batch GD at equal examples (claim C9).

    Linear regression y = xᵀθ_true + σ·noise with x ~ N(0, I_d)
    (:func:`coursekit.data.make_linear_regression`). For ½ squared error the
    excess test error of θ is exactly ½‖θ − θ_true‖² (the population Hessian
    is I), and no unbiased estimator from k examples does better than
    σ²d/(2k) on average: the Cramér–Rao bound, here attained by least squares
    up to the factor k/(k − d − 1). Bottou & Bousquet (2008, "The tradeoffs of
    large scale learning") conclude that optimizing faster than O(1/k) does
    not pay once the statistical error dominates.

    SGD: minibatches of m, ε_k = 1/(μ(k + τ)) with μ = 1, one pass (n/m
    updates), ``repeats`` seeds. Batch GD: constant ε = ``gd_lr`` on the
    same n examples for ``gd_epochs`` updates (n examples each).
    """
    n = check_int("n", n, low=100)
    dim = check_int("dim", dim, low=1, high=n // 10)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    tau = check_scalar("tau", tau, 1.0, np.inf)
    gd_lr = check_scalar("gd_lr", gd_lr, 0.0, 1.0, low_open=True)
    gd_epochs = check_int("gd_epochs", gd_epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    budgets = _check_sizes(budgets)
    seed = check_int("seed", seed, low=0)
    steps = n // batch_size
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise TypeError(f"window must be a pair (k_min, k_max), got {window!r}") from None
    lo = check_int("window[0]", lo, low=1, high=steps * batch_size)
    hi = check_int("window[1]", hi, low=1, high=steps * batch_size)
    if lo >= hi:
        raise ValueError(f"window must satisfy k_min < k_max, got ({lo}, {hi})")

    data = make_linear_regression(n, dim, np.random.default_rng(seed), noise=noise)
    problem = LeastSquares(data.X, data.y, name=f"linear regression n={n} d={dim}")
    theta_true = data.theta_true

    def excess(path):  # ½‖θ − θ_true‖², the population excess test error for Σ = I
        diff = path - theta_true
        return 0.5 * np.sum(diff * diff, axis=-1)

    theta0 = np.zeros(dim)
    stochastic = run(problem, sgd(inverse_time(1.0 / tau, tau)), theta0, steps,
                     batch_size=batch_size, rng=np.random.default_rng([seed, 1]),
                     repeats=repeats, record_every=record_every, keep_path=True)
    sgd_examples = stochastic.examples_seen.astype(np.int64)
    sgd_excess = excess(stochastic.theta).mean(axis=1)
    batch = run(problem, sgd(gd_lr), theta0, gd_epochs, keep_path=True)
    gd_examples = batch.examples_seen.astype(np.int64)
    gd_excess = excess(batch.theta)

    with np.errstate(divide="ignore"):
        floor = np.where(sgd_examples > 0, noise**2 * dim / (2.0 * np.maximum(sgd_examples, 1)),
                         np.nan)
    ratio = sgd_excess / floor
    inside = (sgd_examples >= lo) & (sgd_examples <= hi)
    return StatisticalFloorResult(
        sgd_examples=sgd_examples,
        sgd_excess=sgd_excess,
        gd_examples=gd_examples,
        gd_excess=gd_excess,
        floor=floor,
        ratio=ratio,
        ratio_range=(float(ratio[inside].min()), float(ratio[inside].max())),
        window=(lo, hi),
        budgets=budgets,
        sgd_at_budgets=_at_budgets(sgd_examples, sgd_excess, budgets),
        gd_at_budgets=_at_budgets(gd_examples, gd_excess, budgets),
        ols_excess=float(excess(problem.minimizer)),
        n=n,
        dim=dim,
        noise=noise,
        batch_size=batch_size,
        gd_lr=gd_lr,
        repeats=repeats,
    )


# -- C10: a growing minibatch ------------------------------------------------------
def geometric_batch_growth(initial, rate, maximum) -> Schedule:
    """m_k = min(m_0 · r^(k−1), m_max): a minibatch that grows geometrically (claim C10).

    Friedlander & Schmidt (2012, "Hybrid deterministic-stochastic methods for
    data fitting") show that growing m_k geometrically keeps the linear rate
    of batch gradient descent on a strongly convex cost while the first
    updates cost as little as SGD's. The runner rounds m_k to an integer.

    >>> s = geometric_batch_growth(10, 2.0, 50)
    >>> [float(s(k)) for k in (1, 2, 3, 4)]
    [10.0, 20.0, 40.0, 50.0]
    """
    initial = check_scalar("initial", initial, 1.0, np.inf)
    rate = check_scalar("rate", rate, 1.0, np.inf, low_open=True, high_open=True)
    maximum = check_scalar("maximum", maximum, initial, np.inf)
    # Cap the exponent at an integer k past the one where m_k reaches m_max, so that
    # r^(k−1) never overflows and the cap itself is hit exactly (not 49.999...).
    last = np.floor(np.log(maximum / initial) / np.log(rate)) + 2.0
    return Schedule(
        lambda k: np.minimum(initial * rate ** (np.minimum(k, last) - 1.0), maximum),
        "min(m0·r^(k−1), m_max)",
        {"initial": np.asarray(initial), "rate": np.asarray(rate),
         "maximum": np.asarray(maximum)},
        None,  # a growth schedule, not a decay: no Robbins–Monro tail
        (np.asarray(initial), np.asarray(maximum)),
    )


@dataclass(frozen=True)
class GrowingBatchResult:
    """Training excess loss J(θ) − J* against examples seen for three minibatch policies.

    labels : 3 names;  examples : list of 3 (R_i,) arrays;  excess : list of 3 (R_i,) arrays
    (mean over seeds);  updates : list of 3 (R_i,) update counts k
    budgets : (B,) examples;  at_budgets : (3, B) excess at the last record within each budget
    updates_at_budgets : (3, B) updates taken within each budget
    n, lr, small_batch, growth_rate
    """

    labels: tuple
    examples: tuple
    excess: tuple
    updates: tuple
    budgets: np.ndarray
    at_budgets: np.ndarray
    updates_at_budgets: np.ndarray
    n: int
    lr: float
    small_batch: int
    growth_rate: float


def growing_batch(
    *, n: int = 2000, dim: int = 10, condition_number: float = 10.0, noise: float = 0.5,
    lr: float = 0.5, small_batch: int = 10, growth_rate: float = 1.1, epochs: int = 40,
    repeats: int = 8, budgets=(200, 2000, 20_000, 80_000), seed: int = 0,
) -> GrowingBatchResult:
    """Small fixed m, full batch and a growing m_k, at equal examples seen (claim C10).

    Least squares (:func:`coursekit.problems.make_least_squares`, L = 1,
    μ = 1/κ), the same constant ε for all three so that only the minibatch
    policy differs: SGD with m = ``small_batch`` (Algorithm 8.1), batch
    gradient descent (m = n), and m_k = min(m_0 r^(k−1), n) with m_0 =
    ``small_batch`` (:func:`geometric_batch_growth`). Each runs until it has
    touched ``epochs`` × n examples.
    """
    n = check_int("n", n, low=10)
    dim = check_int("dim", dim, low=1, high=n)
    condition_number = check_scalar("condition_number", condition_number, 1.0, 1e6)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    lr = check_scalar("lr", lr, 0.0, 1.0, low_open=True)
    small_batch = check_int("small_batch", small_batch, low=1, high=n)
    growth_rate = check_scalar("growth_rate", growth_rate, 1.0, np.inf, low_open=True)
    epochs = check_int("epochs", epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    budgets = _check_sizes(budgets)
    seed = check_int("seed", seed, low=0)

    problem = make_least_squares(n, dim, np.random.default_rng(seed), noise=noise,
                                 condition_number=condition_number)
    theta0 = np.zeros(dim)
    total = epochs * n
    growth = geometric_batch_growth(small_batch, growth_rate, n)
    # Updates needed by the growing schedule to touch `total` examples.
    sizes = np.maximum(1, np.round(np.asarray(growth(np.arange(1, total + 1)))))
    growth_steps = int(np.searchsorted(np.cumsum(sizes), total) + 1)
    settings = (
        (f"SGD, m = {small_batch}", small_batch, total // small_batch, 10),
        (f"growing m_k = {small_batch}·{growth_rate:g}^(k−1) up to n", growth, growth_steps, 1),
        (f"batch GD, m = n = {n}", None, epochs, 1),
    )
    labels, examples, excess, updates, at, k_at = [], [], [], [], [], []
    for j, (label, m, steps, every) in enumerate(settings):
        result = run(problem, sgd(constant(lr)), theta0, steps, batch_size=m,
                     rng=np.random.default_rng([seed, j]), repeats=repeats, record_every=every)
        ex = result.examples_seen.astype(np.int64)
        curve = (result.loss - problem.min_loss).mean(axis=1)
        labels.append(label)
        examples.append(ex)
        excess.append(curve)
        updates.append(result.steps.astype(np.int64))
        at.append(_at_budgets(ex, curve, budgets))
        k_at.append(_at_budgets(ex, result.steps.astype(np.int64), budgets))
    return GrowingBatchResult(
        labels=tuple(labels),
        examples=tuple(examples),
        excess=tuple(excess),
        updates=tuple(updates),
        budgets=budgets,
        at_budgets=np.array(at),
        updates_at_budgets=np.array(k_at),
        n=n,
        lr=lr,
        small_batch=small_batch,
        growth_rate=growth_rate,
    )
