"""Experiments for lecture 03: how fast SGD converges, and what that costs (section 8.3.1).

Each function runs on the batched runner (:func:`coursekit.runner.run`)
from an explicit ``seed`` and returns a frozen result with the arrays to plot
and the measured numbers that the lecture prints and ``tests/test_claims_rates.py``
asserts.

- :func:`convex_rate` (claim C8): SGD with ε_k = ε_0/√k on a convex quadratic
  whose curvatures span six decades, with the excess error split exactly into
  its bias term (the run without noise) and its noise term (the run from θ*):
  the bias falls like 1/√k, the noise term like log k/√k.
- :func:`strongly_convex_rate` (C8): SGD with ε_k = 1/(μ(k + k_0)) on a
  μ-strongly convex noisy quadratic: J(θ_k) − J* = O(1/k), from the noise
  term; controls with a step constant too small and with ε_0/√k.
- :func:`work_per_update` (C6): examples touched per update against the
  training-set size n: m for SGD, n for batch gradient descent.
- :func:`one_pass` (C7): one pass of minibatch SGD over 10^6 examples; the
  test loss reaches a tolerance of its final value long before the pass
  ends, while the excess error ½‖θ − θ_true‖² keeps falling.
- :func:`statistical_floor` (C9): one-pass SGD next to the rate σ²d/(2k),
  and batch gradient descent at equal examples seen, both tuned on a grid.
- :func:`growing_batch` (C10): a geometrically growing minibatch, exact once
  m_k ≥ n, against a small fixed minibatch, the same growth sampled with
  replacement, and the full batch, at equal examples seen.

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
from ..analysis import geometric_rate, loglog_slope, steps_to_tolerance
from ..data import make_large_regression, make_linear_regression
from ..optimizers import sgd
from ..problems import LeastSquares, Quadratic, make_least_squares
from ..runner import run
from ..schedules import Schedule, constant, inverse_sqrt, inverse_time

__all__ = [
    "ConvexRateResult",
    "ExpectedExcess",
    "GrowingBatchResult",
    "OnePassResult",
    "StatisticalFloorResult",
    "StronglyConvexRateResult",
    "WorkResult",
    "convex_rate",
    "expected_excess",
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


# -- exact expectations on a diagonal quadratic ------------------------------------
@dataclass(frozen=True)
class ExpectedExcess:
    """E[J(θ_k)] − J* of SGD on a diagonal noisy quadratic, split exactly into bias and noise term.

    bias_last, noise_last : (K+1,) for the last iterate θ_k, k = 0..K
    bias_average, noise_average : (K+1,) for θ̄_k = (1/k) Σ_{j≤k} θ_j (entry 0: θ_0), or None
    """

    bias_last: np.ndarray
    noise_last: np.ndarray
    bias_average: np.ndarray | None
    noise_average: np.ndarray | None


def expected_excess(eigenvalues, theta0, lr, noise, *, average: bool = False,
                    chunk: int = 16384) -> ExpectedExcess:
    """Exact E[J(θ_k)] − J* of SGD on J(θ) = ½ Σ_i λ_i θ_i² with gradient noise σξ, ξ ~ N(0, I).

    ``noise`` is σ, a number (isotropic noise, covariance σ²I, as in
    :class:`coursekit.problems.Quadratic`) or one σ_i per coordinate
    (covariance diag(σ_i²)); σ_i² = σ²λ_i is the noise of least squares near
    θ*, whose per-example gradient x(xᵀθ* − y) has covariance σ²H.

    A closed form, not a simulation: the update of Algorithm 8.1 on this
    problem (:class:`coursekit.problems.Quadratic` with minibatch size 1) is
    θ_k,i = a_k,i θ_{k−1},i − ε_k σ ξ_k,i with a_k,i = 1 − ε_k λ_i, linear in θ
    with additive noise. So each coordinate's mean and variance follow exact
    recursions: the mean b_k,i = a_k,i b_{k−1},i (the *bias*, the noiseless
    run), and the variance

        v_k,i = a_k,i² v_{k−1},i + ε_k² σ²   ⇒   v_k,i = P_k,i Σ_{j≤k} ε_j² σ² / P_j,i,

    P_k,i = Π_{j≤k} a_j,i², computed in log space (cumulative logaddexp) so
    that neither P nor 1/P over- or underflows. Then E[J(θ_k)] − J* =
    ½ Σ_i λ_i b_k,i² + ½ Σ_i λ_i v_k,i exactly (bias plus noise term).

    With ``average``, the same for θ̄_k = ((k − 1) θ̄_{k−1} + θ_k)/k: its
    variance needs the covariance c_k = Cov(θ_k, θ̄_k), and the three follow

        Cov(θ_k, θ̄_{k−1}) = a_k c_{k−1},
        Var θ̄_k = ((k−1)² Var θ̄_{k−1} + 2(k−1) a_k c_{k−1} + v_k) / k²,
        c_k = ((k−1) a_k c_{k−1} + v_k) / k,

    run as a loop over k (vectorized over i), so keep K to a few thousand.
    ``lr`` holds ε_1..ε_K; every ε_k λ_i must differ from 1.
    """
    lam = check_interval("eigenvalues", eigenvalues, 0.0, np.inf, low_open=True)
    lam = np.atleast_1d(np.asarray(lam, dtype=float))
    theta0 = np.broadcast_to(np.asarray(theta0, dtype=float), lam.shape)
    lr = np.atleast_1d(check_interval("lr", lr, 0.0, np.inf, low_open=True)).astype(float)
    noise = np.asarray(check_interval("noise", noise, 0.0, np.inf), dtype=float)
    if noise.ndim > 1 or (noise.ndim == 1 and noise.shape != lam.shape):
        raise ValueError(f"noise must be a number or one sigma per eigenvalue, got shape {noise.shape}")
    noise = np.broadcast_to(noise, lam.shape)
    chunk = check_int("chunk", chunk, low=1)
    factors = 1.0 - lr[:, None] * lam
    if np.any(factors == 0.0):
        raise ValueError("every eps_k * lambda_i must differ from 1 (the log-space products)")
    steps = lr.size
    bias_last, noise_last = np.empty(steps + 1), np.empty(steps + 1)
    bias_last[0], noise_last[0] = 0.5 * np.sum(lam * theta0**2), 0.0
    log_p = np.zeros_like(lam)                  # log P_k
    log_s = np.full_like(lam, -np.inf)          # log Σ_{j≤k} ε_j²σ²/P_j
    with np.errstate(divide="ignore"):          # σ = 0: log 0 = −inf is the right answer
        log_noise = np.log((lr[:, None] * noise) ** 2)   # (K, d)
    for start in range(0, steps, chunk):        # chunks bound the memory, not the result
        stop = min(start + chunk, steps)
        log_pk = log_p + np.cumsum(np.log(factors[start:stop] ** 2), axis=0)
        log_sk = np.logaddexp.accumulate(
            np.vstack([log_s, log_noise[start:stop] - log_pk]), axis=0)[1:]
        bias_last[start + 1:stop + 1] = 0.5 * np.sum(lam * theta0**2 * np.exp(log_pk), axis=1)
        noise_last[start + 1:stop + 1] = 0.5 * np.sum(lam * np.exp(log_pk + log_sk), axis=1)
        log_p, log_s = log_pk[-1], log_sk[-1]
    if not average:
        return ExpectedExcess(bias_last, noise_last, None, None)
    bias_avg, noise_avg = np.empty(steps + 1), np.empty(steps + 1)
    bias_avg[0], noise_avg[0] = bias_last[0], 0.0
    mean, mean_avg = theta0.copy(), np.zeros_like(lam)
    var, var_avg, cov = np.zeros_like(lam), np.zeros_like(lam), np.zeros_like(lam)
    for k in range(1, steps + 1):
        a, eps = factors[k - 1], lr[k - 1]
        mean = a * mean
        var = a * a * var + (eps * noise) ** 2
        cross = a * cov                          # Cov(θ_k, θ̄_{k−1})
        mean_avg = ((k - 1) * mean_avg + mean) / k
        var_avg = ((k - 1) ** 2 * var_avg + 2 * (k - 1) * cross + var) / k**2
        cov = ((k - 1) * cross + var) / k
        bias_avg[k] = 0.5 * np.sum(lam * mean_avg**2)
        noise_avg[k] = 0.5 * np.sum(lam * var_avg)
    return ExpectedExcess(bias_last, noise_last, bias_avg, noise_avg)


# -- C8: the convex rate ----------------------------------------------------------
@dataclass(frozen=True)
class ConvexRateResult:
    """SGD with ε_k = ε_0/√k on a convex, not strongly convex quadratic, split into bias and noise.

    steps : (R,)                   the iteration k of each record
    noise : (S,)                   σ, the gradient-noise levels compared
    bias_average, bias_last : (R,) J − J* of the noiseless run (σ = 0) from θ_0:
                                   averaged iterate θ̄_k = (1/k) Σ θ_j, and last iterate θ_k
    noise_average, noise_last : (R, S)   the noise term: mean over seeds of J − J* of the
                                   run from θ_0 = θ* at each σ
    total_average, total_last : (R, S)   mean over seeds of J − J* of the run from θ_0
    slope_bias_average, slope_bias_last : fitted log-log slopes of the bias term
    slope_noise_average, slope_noise_last : (S,) the same for the noise term
    slope_total_average, slope_total_last : (S,) the same for the whole excess error
    slope_log_reference : slope of log k/√k itself on ``window``
    constant_lr, slope_constant : ε of a noiseless run at a constant step, and its slope
    expected_noise_average, expected_noise_last : (R, S) the exact expectation of the noise
        term (:func:`expected_excess`), which the Monte Carlo mean over ``repeats`` seeds estimates
    slope_expected_noise_average, slope_expected_noise_last : their slopes (the same for every σ)
    slope_expected_total_average : (S,) slope of the exact E[J(θ̄_k)] − J*
    narrow_smallest_curvature : λ_min of a narrower spectrum (same d, up to 1)
    slope_expected_noise_narrow_average, slope_expected_noise_narrow_last : the noise term's
        exact slopes on that spectrum: the flattening depends on how far the curvatures spread
    shaped_noise_average, shaped_noise_last : (R,) exact noise term when the noise covariance
        is ∝ diag(λ_i) (least squares near θ*) instead of σ²I, with the same trace dσ²,
        σ = the largest ``noise``
    slope_shaped_noise_average, slope_shaped_noise_last : their slopes
    slope_shaped_total_average, slope_shaped_total_last : slopes of bias + that noise term
    constant_average_slope_shaped, constant_average_slope_isotropic : slope of the exact
        E[J(θ̄_k)] − J* of the *averaged constant step* ``constant_lr`` under each noise
        (Bach & Moulines, 2013: O(d/k) for least squares, no strong convexity needed)
    window : (k_min, k_max);  eigenvalues : (d,);  lr0 : ε_0;  repeats : seeds
    """

    steps: np.ndarray
    noise: np.ndarray
    bias_average: np.ndarray
    bias_last: np.ndarray
    noise_average: np.ndarray
    noise_last: np.ndarray
    total_average: np.ndarray
    total_last: np.ndarray
    slope_bias_average: float
    slope_bias_last: float
    slope_noise_average: np.ndarray
    slope_noise_last: np.ndarray
    slope_total_average: np.ndarray
    slope_total_last: np.ndarray
    slope_log_reference: float
    constant_lr: float
    slope_constant: float
    expected_noise_average: np.ndarray
    expected_noise_last: np.ndarray
    slope_expected_noise_average: float
    slope_expected_noise_last: float
    slope_expected_total_average: np.ndarray
    narrow_smallest_curvature: float
    slope_expected_noise_narrow_average: float
    slope_expected_noise_narrow_last: float
    shaped_noise_average: np.ndarray
    shaped_noise_last: np.ndarray
    slope_shaped_noise_average: float
    slope_shaped_noise_last: float
    slope_shaped_total_average: float
    slope_shaped_total_last: float
    constant_average_slope_shaped: float
    constant_average_slope_isotropic: float
    window: tuple
    eigenvalues: np.ndarray
    lr0: float
    repeats: int


def convex_rate(
    *,
    noise=(0.3, 1.0),
    lr0: float = 0.5,
    constant_lr: float = 0.5,
    dim: int = 24,
    smallest_curvature: float = 1e-6,
    narrow_smallest_curvature: float = 1e-2,
    steps: int = 5000,
    repeats: int = 16,
    record_every: int = 5,
    window=(50, 5000),
    seed: int = 0,
) -> ConvexRateResult:
    """Excess error of SGD with ε_k = ε_0/√k on a convex quadratic, bias and noise apart (claim C8).

    The problem is J(θ) = ½ Σ_i λ_i θ_i² with λ_i log-spaced from
    ``smallest_curvature`` to 1, started at θ_0 = (1, ..., 1), with minibatch
    gradients ∇J(θ) + σξ, ξ ~ N(0, I) whatever θ is
    (:class:`coursekit.problems.Quadratic`). The update is linear in θ and the
    noise is additive, so θ_k = b_k + e_k, where b_k is the noiseless run from
    θ_0 (the *bias*) and e_k the run from θ_0 = θ* with the same noise (the
    *noise term*); the cross term of J has mean zero, hence exactly

        E[J(θ_k)] − J* = (J(b_k) − J*) + E[J(e_k) − J*],

    and the same for the averaged iterate θ̄_k. The three runs are made for
    each σ (the noise and total runs share their seeds) and a fourth, without
    noise at a constant ``constant_lr``, shows what the decaying step does to
    the bias term.

    Why this problem: with equal initial errors on log-spaced curvatures, the
    bias still to be removed after "time" T = Σ_j ε_j ≈ 2ε_0√k is about
    Σ_{λ_i < 1/T} λ_i ∝ 1/T, i.e. 1/√k, while 1 ≪ T ≪ 1/λ_min: curvature at
    every scale is the worst case for the deterministic term. The convex bound
    for the averaged iterate,

        E[J(θ̄_k)] − J* ≤ (‖θ_0 − θ*‖² + G² Σ_j ε_j²) / (c Σ_j ε_j) = O(log k / √k)

    for ε_j = ε_0/√j (Nemirovski et al., 2009, "Robust stochastic approximation
    approach to stochastic programming", eqs. 2.18-2.24), has the same two
    terms: the first is the bias, ∝ 1/√k; the second the noise, ∝ log k/√k.

    That bound is for the ε-weighted average Σ_j ε_j θ_j / Σ_j ε_j; the runner
    (and this experiment) averages uniformly, θ̄_k = (1/k) Σ_j θ_j.

    The Monte Carlo means over ``repeats`` seeds are one draw; the exact
    expectation of both terms (:func:`expected_excess`) is computed alongside,
    also on a spectrum from ``narrow_smallest_curvature`` to 1. Slopes are
    fitted by :func:`coursekit.analysis.loglog_slope` on ``window``.
    """
    noise = _check_levels("noise", noise)
    lr0 = check_scalar("lr0", lr0, 0.0, 1.0, low_open=True)
    constant_lr = check_scalar("constant_lr", constant_lr, 0.0, 1.0, low_open=True)
    dim = check_int("dim", dim, low=2)
    smallest_curvature = check_scalar("smallest_curvature", smallest_curvature, 0.0, 1.0,
                                      low_open=True, high_open=True)
    narrow_smallest_curvature = check_scalar("narrow_smallest_curvature",
                                             narrow_smallest_curvature, 0.0, 1.0,
                                             low_open=True, high_open=True)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    window = _check_window(window, steps)
    seed = check_int("seed", seed, low=0)

    eigenvalues = np.geomspace(smallest_curvature, 1.0, dim)
    theta0 = np.ones(dim)
    schedule = inverse_sqrt(lr0)
    noiseless = Quadratic(eigenvalues)
    bias = run(noiseless, sgd(schedule), theta0, steps, record_every=record_every, average=True)
    constant_run = run(noiseless, sgd(constant(constant_lr)), theta0, steps,
                       record_every=record_every)
    noise_avg, noise_last, total_avg, total_last = [], [], [], []
    # One pair of runs per σ: the noise level belongs to the problem, not to a hyperparameter.
    # Every run draws the same ξ, so the noise term is exactly ∝ σ², and total − bias − noise
    # is the cross term alone.
    for sigma in noise:
        problem = Quadratic(eigenvalues, noise=float(sigma))
        for start, avg, last in ((noiseless.minimizer, noise_avg, noise_last),
                                 (theta0, total_avg, total_last)):
            result = run(problem, sgd(schedule), start, steps, batch_size=1,
                         rng=np.random.default_rng(seed), repeats=repeats,
                         record_every=record_every, average=True)
            avg.append((result.average_loss - problem.min_loss).mean(axis=1))
            last.append((result.loss - problem.min_loss).mean(axis=1))
    k = bias.steps
    noise_avg, noise_last = np.stack(noise_avg, axis=1), np.stack(noise_last, axis=1)
    total_avg, total_last = np.stack(total_avg, axis=1), np.stack(total_last, axis=1)
    bias_avg = bias.average_loss - noiseless.min_loss
    bias_last = bias.loss - noiseless.min_loss
    k_pos = np.maximum(k, 1).astype(float)

    def slope(values):
        return loglog_slope(k, values, *window)

    # The exact expectation at σ = 1 (the noise term scales like σ²), on the record grid.
    lrs = np.asarray(schedule(np.arange(1, steps + 1)), dtype=float)
    exact = expected_excess(eigenvalues, 0.0, lrs, 1.0, average=True)
    narrow = expected_excess(np.geomspace(narrow_smallest_curvature, 1.0, dim), 0.0, lrs, 1.0,
                             average=True)
    sigma2 = noise[None, :] ** 2
    # Control for the isotropic noise: a covariance ∝ diag(λ_i), what least squares gives near
    # θ* (per-example gradient x(xᵀθ* − y), covariance σ²H), scaled to the same total variance
    # dσ² as σ²I: σ_i² = σ² d λ_i / Σ_j λ_j. Exact, no simulation.
    shaped_sigma = float(noise[-1]) * np.sqrt(dim * eigenvalues / eigenvalues.sum())
    shaped = expected_excess(eigenvalues, 0.0, lrs, shaped_sigma, average=True)
    shaped_avg, shaped_last = shaped.noise_average[k], shaped.noise_last[k]
    # The averaged constant step under both noises (Bach & Moulines, 2013).
    flat = np.full(steps, constant_lr)
    const_bias = expected_excess(eigenvalues, theta0, flat, 0.0, average=True).bias_average[k]
    const_shaped = expected_excess(eigenvalues, 0.0, flat, shaped_sigma, average=True)
    const_iso = expected_excess(eigenvalues, 0.0, flat, float(noise[-1]), average=True)
    expected_avg = exact.noise_average[k][:, None] * sigma2
    expected_last = exact.noise_last[k][:, None] * sigma2

    return ConvexRateResult(
        steps=k,
        noise=noise,
        bias_average=bias_avg,
        bias_last=bias_last,
        noise_average=noise_avg,
        noise_last=noise_last,
        total_average=total_avg,
        total_last=total_last,
        slope_bias_average=slope(bias_avg),
        slope_bias_last=slope(bias_last),
        slope_noise_average=np.atleast_1d(slope(noise_avg)),
        slope_noise_last=np.atleast_1d(slope(noise_last)),
        slope_total_average=np.atleast_1d(slope(total_avg)),
        slope_total_last=np.atleast_1d(slope(total_last)),
        slope_log_reference=slope(np.log(k_pos) / np.sqrt(k_pos)),
        constant_lr=constant_lr,
        slope_constant=slope(constant_run.loss - noiseless.min_loss),
        expected_noise_average=expected_avg,
        expected_noise_last=expected_last,
        slope_expected_noise_average=slope(exact.noise_average[k]),
        slope_expected_noise_last=slope(exact.noise_last[k]),
        slope_expected_total_average=np.atleast_1d(slope(bias_avg[:, None] + expected_avg)),
        narrow_smallest_curvature=narrow_smallest_curvature,
        slope_expected_noise_narrow_average=slope(narrow.noise_average[k]),
        slope_expected_noise_narrow_last=slope(narrow.noise_last[k]),
        shaped_noise_average=shaped_avg,
        shaped_noise_last=shaped_last,
        slope_shaped_noise_average=slope(shaped_avg),
        slope_shaped_noise_last=slope(shaped_last),
        slope_shaped_total_average=slope(bias_avg + shaped_avg),
        slope_shaped_total_last=slope(bias_last + shaped_last),
        constant_average_slope_shaped=slope(const_bias + const_shaped.noise_average[k]),
        constant_average_slope_isotropic=slope(const_bias + const_iso.noise_average[k]),
        window=window,
        eigenvalues=eigenvalues,
        lr0=lr0,
        repeats=repeats,
    )


# -- C8: the strongly convex rate ---------------------------------------------------
@dataclass(frozen=True)
class StronglyConvexRateResult:
    """SGD with ε_k = c/(μ(k + k_0)) on a μ-strongly convex noisy quadratic, and two controls.

    steps : (R,);  lr : (R,) ε_k of the main schedule (c = 1)
    excess : (R,)   J(θ_k) − J*, mean over seeds, main schedule
    bias : (R,)     the noiseless run from θ_0;  noise_term : (R,) the run from θ* (mean over seeds)
    slope, slope_bias, slope_noise : fitted log-log slopes of those three over ``window``
    control_labels : 3 names;  control_excess : (R, 3);  control_slopes : (3,)
        the same problem with ε_k = c_small/(μ(k + k_0)) (last iterate), ε_k = sqrt_lr0/√k
        (last iterate) and ε_k = sqrt_lr0/√k with the average θ̄_k = (1/k) Σ θ_j
    expected_small_slope : slope of the exact E[J(θ_k)] − J* of the c_small control on ``window``
    late_window, expected_small_late_slope : the same on a late window (up to ``late_steps``)
    small_asymptote : −2 c_small λ_min/μ = −2 c_small, the slope it tends to as k → ∞
    mu, L, offset (k_0 = L/μ), small_constant (c_small), sqrt_lr0, noise, repeats, window
    """

    steps: np.ndarray
    lr: np.ndarray
    excess: np.ndarray
    bias: np.ndarray
    noise_term: np.ndarray
    slope: float
    slope_bias: float
    slope_noise: float
    control_labels: tuple
    control_excess: np.ndarray
    control_slopes: np.ndarray
    expected_small_slope: float
    late_window: tuple
    expected_small_late_slope: float
    small_asymptote: float
    window: tuple
    mu: float
    L: float
    offset: float
    small_constant: float
    sqrt_lr0: float
    noise: float
    repeats: int


def strongly_convex_rate(
    *,
    mu: float = 0.1,
    dim: int = 24,
    noise: float = 1.0,
    small_constant: float = 0.25,
    sqrt_lr0: float = 1.0,
    steps: int = 5000,
    repeats: int = 16,
    record_every: int = 5,
    window=(50, 5000),
    late_steps: int = 100_000,
    seed: int = 0,
) -> StronglyConvexRateResult:
    """Excess error of SGD with ε_k = 1/(μ(k + k_0)) on a strongly convex quadratic (claim C8).

    J(θ) = ½ Σ_i λ_i θ_i² with λ_i log-spaced from μ (the smallest curvature,
    which makes J μ-strongly convex) to L = 1, θ_0 = (1, ..., 1), minibatch
    gradients ∇J(θ) + σξ with ξ independent of θ. The schedule is
    :func:`coursekit.schedules.inverse_time` with offset k_0 = L/μ and
    ε_0 = c/(μ k_0), i.e. ε_k = c/(μ(k + k_0)): the offset keeps ε_1 ≤ 1/L.
    With c = 1 the flattest direction follows x_{k+1} = (1 − 1/(k + k_0)) x_k
    − σξ/(μ(k + k_0)), a running mean of the noise, so its noise term is about
    σ²/(2μk): O(1/k) (Bottou, Curtis & Nocedal, 2018, "Optimization methods for
    large-scale machine learning", Theorem 4.7), while its bias falls like
    (k_0/k)² in J. The bound needs c > 1/2: with cλ < 1/2 a direction decays
    only like k^(−2cλ) (Nemirovski et al., 2009, section 1), hence the control
    c = ``small_constant``. Within a finite window that control shows a mixture
    of directions (those with 2cλ/μ > 1 fall like 1/k), so its slope drifts
    towards −2c_small (λ = μ) only slowly: the exact expectation
    (:func:`expected_excess`) gives its slope on ``window`` and on
    [``late_steps``/10, ``late_steps``].

    The other controls use ε_0/√k, which needs no μ. For the last iterate it
    leaves a noise floor ∝ ε_k, i.e. O(1/√k). For the uniform average θ̄_k it
    gives O(1/k) without knowing μ: averaging turns the noise term of each
    direction into that of a running mean (Polyak & Juditsky, 1992,
    "Acceleration of stochastic approximation by averaging"; Bach & Moulines,
    2011, "Non-asymptotic analysis of stochastic approximation algorithms for
    machine learning"). So the 1/(μk) step is what the *last* iterate needs.

    Bias and noise term are split as in :func:`convex_rate`.
    """
    mu = check_scalar("mu", mu, 0.0, 1.0, low_open=True, high_open=True)
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    small_constant = check_scalar("small_constant", small_constant, 0.0, 1.0, low_open=True,
                                  high_open=True)
    sqrt_lr0 = check_scalar("sqrt_lr0", sqrt_lr0, 0.0, 1.0, low_open=True)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    window = _check_window(window, steps)
    late_steps = check_int("late_steps", late_steps, low=10 * window[1])
    seed = check_int("seed", seed, low=0)

    eigenvalues = np.geomspace(mu, 1.0, dim)
    problem = Quadratic(eigenvalues, noise=noise)
    noiseless = Quadratic(eigenvalues)
    offset = problem.L / mu
    schedule = inverse_time(1.0 / (mu * offset), offset)
    theta0 = np.ones(dim)

    def noisy(sched, start, average=False):
        result = run(problem, sgd(sched), start, steps, batch_size=1,
                     rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every,
                     average=average)
        loss = result.average_loss if average else result.loss
        return (loss - problem.min_loss).mean(axis=1), result.steps

    excess, k = noisy(schedule, theta0)
    noise_term, _ = noisy(schedule, problem.minimizer)
    bias = run(noiseless, sgd(schedule), theta0, steps, record_every=record_every).loss
    bias = bias - noiseless.min_loss
    small = inverse_time(small_constant / (mu * offset), offset)
    controls = (
        (f"ε_k = {small_constant:g}/(μ(k + k0)), last iterate", small, False),
        (f"ε_k = {sqrt_lr0:g}/√k, last iterate", inverse_sqrt(sqrt_lr0), False),
        (f"ε_k = {sqrt_lr0:g}/√k, averaged iterate", inverse_sqrt(sqrt_lr0), True),
    )
    control_excess = np.stack([noisy(sched, theta0, avg)[0] for _, sched, avg in controls],
                              axis=1)
    lr = np.asarray(schedule(np.maximum(k, 1)), dtype=float)
    # The c_small control in exact expectation, far beyond the simulated window.
    late = np.arange(late_steps + 1)
    exact = expected_excess(eigenvalues, theta0, np.asarray(small(late[1:]), dtype=float), noise)
    exact_small = exact.bias_last + exact.noise_last
    late_window = (late_steps // 10, late_steps)
    return StronglyConvexRateResult(
        steps=k,
        lr=lr,
        excess=excess,
        bias=bias,
        noise_term=noise_term,
        slope=loglog_slope(k, excess, *window),
        slope_bias=loglog_slope(k, bias, *window),
        slope_noise=loglog_slope(k, noise_term, *window),
        control_labels=tuple(label for label, _, _ in controls),
        control_excess=control_excess,
        control_slopes=np.atleast_1d(loglog_slope(k, control_excess, *window)),
        expected_small_slope=loglog_slope(late, exact_small, *window),
        late_window=late_window,
        expected_small_late_slope=loglog_slope(late, exact_small, *late_window),
        small_asymptote=-2.0 * small_constant * float(eigenvalues[0]) / mu,
        window=window,
        mu=mu,
        L=problem.L,
        offset=offset,
        small_constant=small_constant,
        sqrt_lr0=sqrt_lr0,
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


# -- C7: one pass over a large training set ----------------------------------------
@dataclass(frozen=True)
class OnePassResult:
    """One pass of minibatch SGD over n training examples: test loss and excess error.

    examples : (T,) examples seen at each test record
    test_loss : (T,) ½ mean squared error on the test set
    excess : (T,) excess error ½‖θ − θ_true‖² (x ~ N(0, I)), along the same trajectory
    final_test_loss, final_excess : after the pass
    test_floor : the test set's own loss at θ_true (its noise, the best any θ can expect)
    noise_floor : σ²/2, the population loss at θ_true
    threshold = (1 + tolerance) × final_test_loss
    examples_to_tolerance : first examples count from which test_loss stays ≤ threshold
    epoch_fraction = examples_to_tolerance / n
    excess_at_tolerance : the excess error at that point
    excess_factor : a tolerance on the excess error, as a factor of final_excess
    examples_to_excess_factor : first examples count from which excess ≤ excess_factor × final_excess
    n, dim, batch_size, tolerance
    """

    examples: np.ndarray
    test_loss: np.ndarray
    excess: np.ndarray
    final_test_loss: float
    final_excess: float
    test_floor: float
    noise_floor: float
    threshold: float
    examples_to_tolerance: int
    epoch_fraction: float
    excess_at_tolerance: float
    excess_factor: float
    examples_to_excess_factor: int
    n: int
    dim: int
    batch_size: int
    tolerance: float


def one_pass(
    *, n: int = 10**6, dim: int = 20, noise: float = 0.5, n_test: int = 10_000,
    batch_size: int = 200, offset: float = 2.0, tolerance: float = 0.01,
    excess_factor: float = 2.0, test_every: int = 5, seed: int = 0,
) -> OnePassResult:
    """When does one-pass SGD get within ``tolerance`` of its final test error? (claim C7)

    Data: :func:`coursekit.data.make_large_regression` (x ~ N(0, I_d), so
    μ = L = 1 for the population cost). SGD with minibatches of m examples
    and ε_k = 1/(μ(k + k_0)) (:func:`coursekit.schedules.inverse_time` with
    ε_0 = 1/k_0, k_0 = ``offset``) runs for n/m updates, one pass in
    expectation (minibatches are drawn with replacement, as in Algorithm 8.1).

    Two numbers are followed every ``test_every`` updates. The test loss on
    the ``n_test`` held-out rows, whose first example count within
    (1 + tolerance) × its final value is the result
    (:func:`coursekit.analysis.steps_to_tolerance`); and the excess error
    ½‖θ − θ_true‖², the population loss minus σ²/2. The excess error is read
    as the test loss of a second problem with the same training rows and the
    d test rows √d·I, targets √d·θ_true: its test loss is ½(θ − θ_true)ᵀ
    (d·I/d)(θ − θ_true) exactly. Both runs draw the same minibatches (same
    seed), so they follow the same trajectory.
    """
    n = check_int("n", n, low=1000)
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    n_test = check_int("n_test", n_test, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=n // 10)
    offset = check_scalar("offset", offset, 1.0, np.inf)
    tolerance = check_scalar("tolerance", tolerance, 0.0, 1.0, low_open=True, high_open=True)
    excess_factor = check_scalar("excess_factor", excess_factor, 1.0, np.inf, low_open=True)
    test_every = check_int("test_every", test_every, low=1)
    seed = check_int("seed", seed, low=0)

    data = make_large_regression(n, dim, rng=np.random.default_rng(seed), noise=noise,
                                 n_test=n_test)
    problem = LeastSquares(data.X, data.y, data.X_test, data.y_test,
                           name=f"large least squares n={n}")
    scale = np.sqrt(dim)
    population = LeastSquares(data.X, data.y, scale * np.eye(dim), scale * data.theta_true,
                              name=f"large least squares n={n}, excess error as test loss")
    steps = n // batch_size
    curves = []
    for prob in (problem, population):
        # record_every=steps: the full training loss (a pass over 10^6 rows) only at the ends.
        result = run(prob, sgd(inverse_time(1.0 / offset, offset)), np.zeros(dim), steps,
                     batch_size=batch_size, rng=np.random.default_rng([seed, 1]),
                     record_every=steps, test_every=test_every)
        curves.append(result.test_loss.copy())
    test_loss, excess = curves
    examples = result.test_steps.astype(np.int64) * batch_size
    final = float(test_loss[-1])
    threshold = (1.0 + tolerance) * final
    reached = int(steps_to_tolerance(examples, test_loss, threshold))
    final_excess = float(excess[-1])
    return OnePassResult(
        examples=examples,
        test_loss=test_loss,
        excess=excess,
        final_test_loss=final,
        final_excess=final_excess,
        test_floor=float(problem.test_loss(data.theta_true)),
        noise_floor=0.5 * noise**2,
        threshold=threshold,
        examples_to_tolerance=reached,
        epoch_fraction=reached / n,
        excess_at_tolerance=float(excess[np.searchsorted(examples, reached)]),
        excess_factor=excess_factor,
        examples_to_excess_factor=int(steps_to_tolerance(examples, excess,
                                                         excess_factor * final_excess)),
        n=n,
        dim=dim,
        batch_size=batch_size,
        tolerance=tolerance,
    )


# -- C9: the statistical floor ------------------------------------------------------
class _PermutedLeastSquares(LeastSquares):
    """Least squares whose minibatches walk through a random permutation of the n examples.

    Sampling *without* replacement: each trajectory draws a permutation of
    0..n−1 from the runner's rng at the start of every pass and takes its
    minibatches as consecutive slices, so within a pass every example is used
    exactly once. (The runner's default, :class:`FiniteSumProblem`, draws
    with replacement, as Algorithm 8.1 states it.) The position in the pass
    is state, so make a new instance for every run.
    """

    def __init__(self, X, y, name=None):
        super().__init__(X, y, name=name)
        self._order, self._next = None, 0

    def _sample_batch(self, rng, batch_shape, batch_size):
        n = self.n_train
        if batch_size > n:
            raise ValueError(f"a minibatch of {batch_size} examples does not fit in n = {n}")
        if self._order is None or self._order.shape[:-1] != tuple(batch_shape) \
                or self._next + batch_size > n:
            self._order = rng.permuted(np.broadcast_to(np.arange(n), tuple(batch_shape) + (n,)),
                                       axis=-1)
            self._next = 0
        batch = self._order[..., self._next:self._next + batch_size]
        self._next += batch_size
        return batch


@dataclass(frozen=True)
class StatisticalFloorResult:
    """One-pass SGD (two data orders) and batch GD, each tuned on a grid, against σ²d/(2k).

    sampling : 2 names, the data orders of SGD: with replacement, and one random permutation
    sgd_constants : (C,) c of ε_t = c/(t + k_0) at update t (μ = 1)
    sgd_final : (2, C) excess after one pass, per order and c;  sgd_best : (2,) index of the best c
    sgd_examples : (R,);  sgd_excess : (R, 2) excess ½‖θ − θ_true‖² of each order's best c,
        mean over seeds
    gd_lrs : (G,) constant ε of batch GD;  gd_final : (G,) excess after one epoch
    gd_best : index of the best ε;  gd_examples : (E+1,);  gd_excess : (E+1,) of the best ε
    floor : (R,) σ²d/(2k) at sgd_examples (nan at k = 0)
    ratio : (R, 2) sgd_excess / floor
    ratio_range, early_ratio_range : (2, 2) (min, max) of each order's ratio over ``window``
        and ``early_window``;  late_ratio_growth : (2,) ratio at the end over its minimum
        on the early window (> 1: the ratio grows late in the pass)
    budgets : (B,) examples;  sgd_at_budgets, ratio_at_budgets : (B, 2);  gd_at_budgets : (B,)
        at the last record with ≤ budget examples (SGD stops after one pass)
    ols_excess : ½‖θ̂_OLS − θ_true‖², the least-squares fit on all n examples
    epochs_to_ols : epochs of the best batch GD until its excess is ≤ ols_tolerance × ols_excess
    data_seeds : (S,) other draws of the data;  seed_ratios : (S, 2) each order's ratio to
        σ²d/(2n) at the end of the pass, with the c chosen on ``seed``
    pass_budgets : (P,) examples within the pass at which the orders are compared on all the
        draws (multiples of record_every·m);  replacement_ratio : (P,) mean excess with
        replacement / mean excess without, pooled over the S + 1 draws of the data (each at
        its order's c);  replacement_prediction : (P,) 1 + k/n, the ratio predicted by the
        repeats and omissions of sampling with replacement;  replacement_floor_ratio : (P,)
        the pooled mean excess with replacement / σ²d/(2k), to set against the same 1 + k/n
    hessian_extremes : (2,) smallest and largest eigenvalue of the training Hessian XᵀX/n:
        c λ_min < ½ puts ε_t = c/(t + k_0) below the threshold of the O(1/k) rate
    ill_condition_number : κ of a second design, x ~ N(0, diag(s²)), s² log-spaced from 1 to 1/κ
    ill_gd_lrs : (G2,);  ill_epochs_to_ols : (G2,) epochs each ε takes to come within
        ols_tolerance of that design's least-squares fit (−1: not within ill_epochs)
    ill_ols_excess : ½(θ̂ − θ_true)ᵀ diag(s²)(θ̂ − θ_true) of that fit
    n, dim, noise, batch_size, offset, repeats, ols_tolerance, ill_epochs
    """

    sampling: tuple
    sgd_constants: np.ndarray
    sgd_final: np.ndarray
    sgd_best: np.ndarray
    sgd_examples: np.ndarray
    sgd_excess: np.ndarray
    gd_lrs: np.ndarray
    gd_final: np.ndarray
    gd_best: int
    gd_examples: np.ndarray
    gd_excess: np.ndarray
    floor: np.ndarray
    ratio: np.ndarray
    ratio_range: np.ndarray
    early_ratio_range: np.ndarray
    late_ratio_growth: np.ndarray
    window: tuple
    early_window: tuple
    budgets: np.ndarray
    sgd_at_budgets: np.ndarray
    gd_at_budgets: np.ndarray
    ratio_at_budgets: np.ndarray
    ols_excess: float
    epochs_to_ols: int
    data_seeds: np.ndarray
    seed_ratios: np.ndarray
    pass_budgets: np.ndarray
    replacement_ratio: np.ndarray
    replacement_prediction: np.ndarray
    replacement_floor_ratio: np.ndarray
    hessian_extremes: np.ndarray
    ill_condition_number: float
    ill_gd_lrs: np.ndarray
    ill_epochs_to_ols: np.ndarray
    ill_ols_excess: float
    n: int
    dim: int
    noise: float
    batch_size: int
    offset: float
    repeats: int
    ols_tolerance: float
    ill_epochs: int

    @property
    def sgd_constant(self) -> np.ndarray:
        """(2,) the best c of each data order."""
        return self.sgd_constants[self.sgd_best]

    @property
    def gd_lr(self) -> float:
        return float(self.gd_lrs[self.gd_best])


def _at_budgets(examples: np.ndarray, values: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """values at the last record whose examples count is ≤ each budget."""
    index = np.searchsorted(examples, budgets, side="right") - 1
    return values[np.maximum(index, 0)]


def _check_example_window(name: str, window, high: int) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (k_min, k_max), got {window!r}") from None
    lo = check_int(f"{name}[0]", lo, low=1, high=high)
    hi = check_int(f"{name}[1]", hi, low=1, high=high)
    if lo >= hi:
        raise ValueError(f"{name} must satisfy k_min < k_max, got ({lo}, {hi})")
    return lo, hi


def _first_within(values: np.ndarray, threshold: float) -> int:
    """Index of the first entry from which ``values`` stays ≤ threshold (−1 if never)."""
    above = np.nonzero(~(values <= threshold))[0]
    if above.size == 0:
        return 0
    return int(above[-1] + 1) if above[-1] + 1 < values.size else -1


def statistical_floor(
    *, n: int = 20_000, dim: int = 20, noise: float = 0.5, batch_size: int = 10,
    offset: float = 2.0, sgd_constants=(0.5, 1.0, 2.0, 4.0), gd_lrs=(0.25, 0.5, 1.0, 1.5),
    gd_epochs: int = 5, repeats: int = 8, record_every: int = 50, window=None,
    early_window=(1000, 10_000), budgets=(500, 2000, 10_000, 20_000, 40_000, 100_000),
    data_seeds=(1, 2, 3), pass_budgets=(2000, 10_000, 20_000), ols_tolerance: float = 1.1, ill_condition_number: float = 100.0,
    ill_gd_lrs=(0.5, 1.0, 1.5, 1.8), ill_epochs: int = 150, seed: int = 0,
) -> StatisticalFloorResult:
    """One-pass SGD next to the statistical rate, and batch GD at equal examples (claim C9).

    Linear regression y = xᵀθ_true + σ·noise with x ~ N(0, I_d)
    (:func:`coursekit.data.make_linear_regression`). For ½ squared error the
    excess error of θ is exactly ½‖θ − θ_true‖² (the population Hessian is
    I). Two lower bounds put it at about σ²d/(2k) after k examples: the
    Cramér–Rao bound, for *unbiased* estimators (least squares attains it up
    to k/(k − d − 1)); and the minimax bound Ω(1/k) for *any* method that sees
    k noisy gradients of a strongly convex problem (Nemirovski & Yudin, 1983;
    Agarwal et al., 2012, "Information-theoretic lower bounds on the oracle
    complexity of stochastic convex optimization"), which covers SGD, a
    biased estimator. Here k counts examples, not updates.

    SGD runs one pass (n/m updates of m examples) in two data orders:
    minibatches drawn with replacement (Algorithm 8.1 as stated; late in the
    pass it reuses examples and never sees others), and one random
    permutation (:class:`_PermutedLeastSquares`: every example exactly once,
    which for i.i.d. data is the same as fresh examples from the
    population). Both orders and batch GD are tuned by the same rule, the
    excess error after n examples: SGD with ε_t = c/(t + k_0) for c in
    ``sgd_constants`` (all c in one batched run, ``repeats`` seeds), batch GD
    with constant ε in ``gd_lrs`` (one update of n examples), run for
    ``gd_epochs``. ``window`` defaults to the whole pass.

    Two checks of how far this one setting carries. ``data_seeds``: other
    draws of the data, SGD in both orders at the c chosen here. And the
    conditioning: x ~ N(0, I) makes ε = 1 a Newton step for batch GD, so it
    reaches the least-squares fit in about two epochs; on a design with
    condition number ``ill_condition_number`` the same method, at each ε of
    ``ill_gd_lrs``, is followed for up to ``ill_epochs`` epochs.
    """
    n = check_int("n", n, low=100)
    dim = check_int("dim", dim, low=1, high=n // 10)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    offset = check_scalar("offset", offset, 1.0, np.inf)
    sgd_constants = _check_levels("sgd_constants", sgd_constants)
    gd_lrs = _check_levels("gd_lrs", gd_lrs)
    gd_epochs = check_int("gd_epochs", gd_epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    budgets = _check_sizes(budgets)
    data_seeds = np.atleast_1d(np.asarray(data_seeds, dtype=np.int64))
    for s in data_seeds:
        check_int("data_seeds", int(s), low=0)
    ols_tolerance = check_scalar("ols_tolerance", ols_tolerance, 1.0, np.inf, low_open=True)
    ill_condition_number = check_scalar("ill_condition_number", ill_condition_number, 1.0, 1e6)
    ill_gd_lrs = _check_levels("ill_gd_lrs", ill_gd_lrs)
    ill_epochs = check_int("ill_epochs", ill_epochs, low=1)
    seed = check_int("seed", seed, low=0)
    steps = n // batch_size
    total = steps * batch_size
    window = _check_example_window("window", (record_every * batch_size, total)
                                   if window is None else window, total)
    early_window = _check_example_window("early_window", early_window, total)
    pass_budgets = _check_sizes(pass_budgets)
    if pass_budgets[-1] > total or np.any(pass_budgets % batch_size) \
            or np.any(pass_budgets % (record_every * batch_size)):
        raise ValueError("pass_budgets must be within the pass and multiples of "
                         f"record_every * batch_size = {record_every * batch_size}, "
                         f"got {pass_budgets.tolist()}")
    sampling = ("with replacement", "without replacement (one random permutation)")
    theta0 = np.zeros(dim)

    def one_pass_sgd(data, constants, data_seed, every):
        """Mean excess (R, C) of one pass in each order, and the examples seen."""
        out = []
        for j, problem in enumerate((LeastSquares(data.X, data.y),
                                     _PermutedLeastSquares(data.X, data.y))):
            # Each record costs a full pass over the data (the runner's J(θ)): few records.
            result = run(problem, sgd(inverse_time(constants / offset, offset)), theta0, steps,
                         batch_size=batch_size, rng=np.random.default_rng([data_seed, 1, j]),
                         repeats=repeats, record_every=every, keep_path=True)
            diff = result.theta - data.theta_true   # ½‖θ − θ_true‖²: the excess for Σ = I
            out.append(0.5 * np.sum(diff * diff, axis=-1).mean(axis=1))
        return np.stack(out), result.examples_seen.astype(np.int64)

    data = make_linear_regression(n, dim, np.random.default_rng(seed), noise=noise)
    problem = LeastSquares(data.X, data.y, name=f"linear regression n={n} d={dim}")
    theta_true = data.theta_true
    sgd_all, sgd_examples = one_pass_sgd(data, sgd_constants, seed, record_every)  # (2, R, C)
    sgd_best = np.argmin(sgd_all[:, -1], axis=1)
    sgd_excess = np.stack([sgd_all[j, :, c] for j, c in enumerate(sgd_best)], axis=1)  # (R, 2)

    def excess(path):
        diff = path - theta_true
        return 0.5 * np.sum(diff * diff, axis=-1)

    batch = run(problem, sgd(gd_lrs), theta0, gd_epochs, keep_path=True)
    gd_examples = batch.examples_seen.astype(np.int64)
    gd_all = excess(batch.theta)                            # (E+1, G)
    gd_best = int(np.argmin(gd_all[1]))
    gd_excess = gd_all[:, gd_best]
    ols_excess = float(excess(problem.minimizer))

    floor = np.full(sgd_examples.shape, np.nan)
    seen = sgd_examples > 0
    floor[seen] = noise**2 * dim / (2.0 * sgd_examples[seen])
    ratio = np.full(sgd_excess.shape, np.nan)
    ratio[seen] = sgd_excess[seen] / floor[seen, None]

    def ratio_range(lo, hi):
        inside = (sgd_examples >= lo) & (sgd_examples <= hi)
        return np.stack([ratio[inside].min(axis=0), ratio[inside].max(axis=0)], axis=1)

    early = ratio_range(*early_window)
    seed_ratios = []
    # The other draws are recorded every pool_every updates, which holds every budget of
    # pass_budgets (each record is a pass over the data): few records.
    pool_every = int(np.gcd.reduce(pass_budgets // batch_size))
    pooled = _at_budgets(sgd_examples, sgd_excess, pass_budgets)  # (P, 2), summed over draws
    for s in data_seeds:
        other = make_linear_regression(n, dim, np.random.default_rng(int(s)), noise=noise)
        curves, seen = one_pass_sgd(other, sgd_constants[sgd_best], int(s), pool_every)
        seed_ratios.append([curves[j, -1, j] / floor[-1] for j in range(2)])
        pooled += _at_budgets(seen, np.stack([curves[0, :, 0], curves[1, :, 1]], axis=1),
                              pass_budgets)
    # With replacement, k draws give example i a count w_i ~ Poisson(k/n): SGD with
    # ε_t ≈ 1/t is then close to a weighted least-squares fit, whose noise is
    # ∝ Σ w_i² / (Σ w_i)² ≈ (1 + k/n)/k: an effective sample size k/(1 + k/n).
    pooled_at = pooled
    hessian = np.linalg.eigvalsh(data.X.T @ data.X / n)

    # The same batch GD on a design with condition number κ (population Hessian diag(s²)).
    scales = np.sqrt(np.geomspace(1.0, 1.0 / ill_condition_number, dim))
    ill = make_linear_regression(n, dim, np.random.default_rng([seed, 2]), noise=noise,
                                 feature_scales=scales)
    ill_problem = LeastSquares(ill.X, ill.y)
    ill_run = run(ill_problem, sgd(ill_gd_lrs), theta0, ill_epochs, keep_path=True)

    def ill_excess(path):
        diff = path - ill.theta_true
        return 0.5 * np.sum(scales**2 * diff * diff, axis=-1)

    ill_ols = float(ill_excess(ill_problem.minimizer))
    ill_curves = ill_excess(ill_run.theta)                  # (E2+1, G2)
    ill_epochs_to_ols = np.array([_first_within(ill_curves[:, g], ols_tolerance * ill_ols)
                                  for g in range(ill_gd_lrs.size)], dtype=np.int64)

    return StatisticalFloorResult(
        sampling=sampling,
        sgd_constants=sgd_constants,
        sgd_final=sgd_all[:, -1],
        sgd_best=sgd_best,
        sgd_examples=sgd_examples,
        sgd_excess=sgd_excess,
        gd_lrs=gd_lrs,
        gd_final=gd_all[1],
        gd_best=gd_best,
        gd_examples=gd_examples,
        gd_excess=gd_excess,
        floor=floor,
        ratio=ratio,
        ratio_range=ratio_range(*window),
        early_ratio_range=early,
        late_ratio_growth=ratio[-1] / early[:, 0],
        window=window,
        early_window=early_window,
        budgets=budgets,
        sgd_at_budgets=_at_budgets(sgd_examples, sgd_excess, budgets),
        gd_at_budgets=_at_budgets(gd_examples, gd_excess, budgets),
        ratio_at_budgets=_at_budgets(sgd_examples, ratio, np.minimum(budgets, total)),
        ols_excess=ols_excess,
        epochs_to_ols=_first_within(gd_excess, ols_tolerance * ols_excess),
        data_seeds=data_seeds,
        seed_ratios=np.array(seed_ratios).reshape(data_seeds.size, 2),
        pass_budgets=pass_budgets,
        replacement_ratio=pooled_at[:, 0] / pooled_at[:, 1],
        replacement_prediction=1.0 + pass_budgets / n,
        replacement_floor_ratio=pooled_at[:, 0] / (data_seeds.size + 1)
        / (noise**2 * dim / (2.0 * pass_budgets)),
        hessian_extremes=np.array([hessian[0], hessian[-1]]),
        ill_condition_number=ill_condition_number,
        ill_gd_lrs=ill_gd_lrs,
        ill_epochs_to_ols=ill_epochs_to_ols,
        ill_ols_excess=ill_ols,
        n=n,
        dim=dim,
        noise=noise,
        batch_size=batch_size,
        offset=offset,
        repeats=repeats,
        ols_tolerance=ols_tolerance,
        ill_epochs=ill_epochs,
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
    """Training excess loss J(θ) − J* against examples seen for four minibatch policies.

    labels : 4 names (small fixed m; growing m_k, exact gradient once m_k ≥ n; the same
    growth sampled with replacement even at m_k = n; batch GD)
    examples : tuple of 4 (R_i,) arrays;  excess : tuple of 4 (R_i,) arrays (mean over seeds)
    updates : tuple of 4 (R_i,) update counts k
    budgets : (B,) examples;  at_budgets : (4, B) excess at the last record within each budget,
        each policy at its best ε *for that budget* (the same rule, applied per budget)
    lr_at_budgets : (4, B) that ε
    updates_at_budgets : (4, B) updates taken within each budget
    switch_update : updates made with minibatches (m_k < n) before the exact gradients
    switch_examples : examples those updates touched
    contraction : (4,) per-update factor of J − J* fitted over the last ``tail`` updates
        (SGD with the small m: over its last max(tail, 60), its records being 20 updates apart)
        (:func:`coursekit.analysis.geometric_rate`): < 1 means linear convergence
    theory_contraction : max((1 − ε μ)², (1 − ε L)²) at batch GD's ε, its worst direction
    lrs : (G,) the grid of constant ε;  final_by_lr : (4, G) each policy's excess at the end
        of the budget for each ε (mean over seeds; nan if it diverged)
    best_lr : (4,) the ε each policy got by the rule (lowest ``final_by_lr``); the curves above
        are at that ε
    n, small_batch, growth_rate, tail, mu, L
    data_seeds : (S,) other draws of the data;  seed_at_budgets : (S, 3, B) the excess of the
        policies other than SGD (labels[1:]) at each budget on those draws, each at its best ε
        for that budget (same rule)
    """

    labels: tuple
    examples: tuple
    excess: tuple
    updates: tuple
    budgets: np.ndarray
    at_budgets: np.ndarray
    lr_at_budgets: np.ndarray
    updates_at_budgets: np.ndarray
    switch_update: int
    switch_examples: int
    contraction: np.ndarray
    theory_contraction: float
    lrs: np.ndarray
    final_by_lr: np.ndarray
    best_lr: np.ndarray
    n: int
    small_batch: int
    growth_rate: float
    tail: int
    mu: float
    L: float
    data_seeds: np.ndarray
    seed_at_budgets: np.ndarray


def growing_batch(
    *, n: int = 2000, dim: int = 10, condition_number: float = 10.0, noise: float = 0.5,
    lrs=tuple(np.geomspace(1 / 1024, 1.95, 23)), small_batch: int = 10,
    growth_rate: float = 1.1, epochs: int = 40, repeats: int = 8, tail: int = 30,
    budgets=(200, 2000, 20_000, 40_000, 80_000), data_seeds=(1, 2), seed: int = 0,
) -> GrowingBatchResult:
    """Small fixed m, growing m_k and the full batch, at equal examples seen (claim C10).

    Least squares (:func:`coursekit.problems.make_least_squares`, L = 1,
    μ = 1/κ), four minibatch policies, each at a constant ε: SGD with
    m = ``small_batch`` (Algorithm 8.1), batch gradient descent (m = n), and
    m_k = min(m_0 r^(k−1), n) with m_0 = ``small_batch``
    (:func:`geometric_batch_growth`), exact once m_k ≥ n or sampled with
    replacement throughout. Each runs until it has touched ``epochs`` × n
    examples. Every policy is tuned by the same rule: the ε of the grid
    ``lrs`` (all in one batched run) with the lowest excess loss at the end
    of that budget. The default grid is log-uniform (a factor √2 between
    neighbours, no gaps) from 1/1024 to 1.95, past 2/(L + μ), batch GD's best
    constant step on a quadratic. ``data_seeds``: other draws of the data,
    the three policies other than SGD tuned by the same rule at each budget
    (``seed_at_budgets``), to show how far their ratios carry.

    The growing minibatch converges linearly only if the error of its
    gradient shrinks geometrically (Friedlander & Schmidt, 2012). Minibatches
    drawn with replacement keep an error of variance ∝ 1/n even at m_k = n,
    so the scheme switches to the exact gradient once m_k ≥ n: the runner is
    called twice with the same optimizer (SGD at a constant ε has no state
    and no step counter to carry over), first with the schedule m_k while
    m_k < n, then with exact gradients from where the first call stopped.
    The third policy keeps sampling with replacement at m_k = n, to show
    the floor that the switch removes.
    """
    n = check_int("n", n, low=10)
    dim = check_int("dim", dim, low=1, high=n)
    condition_number = check_scalar("condition_number", condition_number, 1.0, 1e6)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    lrs = _check_levels("lrs", lrs)
    if np.any(lrs >= 2.0):
        raise ValueError(f"lrs must be below 2/L = 2 (batch GD diverges beyond), got {lrs.tolist()}")
    small_batch = check_int("small_batch", small_batch, low=1, high=n - 1)
    growth_rate = check_scalar("growth_rate", growth_rate, 1.0, np.inf, low_open=True)
    epochs = check_int("epochs", epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    small_every = 20  # SGD with a small m makes many updates: record every 20th (budgets: 200s)
    tail = check_int("tail", tail, low=3)  # ≥ 3 records of every curve to fit
    budgets = _check_sizes(budgets)
    data_seeds = np.atleast_1d(np.asarray(data_seeds, dtype=np.int64))
    for s in data_seeds:
        check_int("data_seeds", int(s), low=0)
    seed = check_int("seed", seed, low=0)
    theta0 = np.zeros(dim)
    total = epochs * n
    optimizer = sgd(constant(lrs))   # one batched run over the grid of ε
    growth = geometric_batch_growth(small_batch, growth_rate, n)
    # m_k as the runner rounds it; the minibatch phase is the updates with m_k < n.
    last = int(np.ceil(np.log(n / small_batch) / np.log(growth_rate))) + 2
    sizes = np.maximum(1, np.round(np.asarray(growth(np.arange(1, last + 1))))).astype(np.int64)
    switch = int(np.argmax(sizes >= n))
    switch_examples = int(sizes[:switch].sum())
    if switch_examples >= total:
        raise ValueError(f"epochs = {epochs} end before the minibatch reaches n: "
                         f"raise epochs above {switch_examples / n:g}")

    def policies_on(data_seed, repeats, with_sgd=True):
        """The four policies' curves on one draw of the data, and their excess at each budget."""
        problem = make_least_squares(n, dim, np.random.default_rng(data_seed), noise=noise,
                                     condition_number=condition_number)

        def curve(result):  # examples, J − J* (R, G) (mean over seeds, if any), updates
            excess = result.loss - problem.min_loss
            return (result.examples_seen.astype(np.int64),
                    excess.mean(axis=1) if excess.ndim > 2 else excess,
                    result.steps.astype(np.int64))

        def minibatches(m, steps, j, every):
            return curve(run(problem, optimizer, theta0, steps, batch_size=m,
                             rng=np.random.default_rng([data_seed, j]), repeats=repeats,
                             record_every=every))

        small = minibatches(small_batch, total // small_batch, 0, small_every) if with_sgd else None
        first = run(problem, optimizer, theta0, switch, batch_size=growth,
                    rng=np.random.default_rng([data_seed, 1]), repeats=repeats)
        exact_steps = (total - switch_examples) // n
        second = run(problem, optimizer, first.final_theta, exact_steps)
        ex1, loss1, k1 = curve(first)
        ex2, loss2, k2 = curve(second)
        grown = (np.concatenate([ex1, ex1[-1] + ex2[1:]]),
                 np.concatenate([loss1, loss2[1:]]),
                 np.concatenate([k1, k1[-1] + k2[1:]]))
        sampled = minibatches(growth, switch + exact_steps, 1, 1)
        batch = curve(run(problem, optimizer, theta0, total // n))
        policies = (
            (f"SGD, m = {small_batch}", small),
            (f"growing m_k = {small_batch}·{growth_rate:g}^(k−1), exact gradient once m_k ≥ n",
             grown),
            ("the same growth, m_k = n drawn with replacement", sampled),
            (f"batch GD, m = n = {n}", batch),
        )[0 if with_sgd else 1:]
        by_budget = np.array([_at_budgets(p[0], p[1], budgets) for _, p in policies])  # (4, B, G)
        if np.any(np.all(np.isnan(by_budget), axis=2)):
            raise ValueError("a policy diverged at every step size of lrs")
        return problem, policies, by_budget

    problem, policies, by_budget = policies_on(seed, repeats)
    seed_at_budgets = []
    # The other draws give the three policies other than SGD (whose 8000 small updates are the
    # cost), with half the seeds.
    for s in data_seeds:
        _, _, other = policies_on(int(s), max(1, repeats // 2), with_sgd=False)
        seed_at_budgets.append(np.take_along_axis(
            other, np.nanargmin(other, axis=2)[..., None], axis=2)[..., 0])
    best_at = np.nanargmin(by_budget, axis=2)                         # (4, B)
    final_by_lr = np.array([p[1][-1] for _, p in policies])          # (4, G)
    if np.any(np.all(np.isnan(final_by_lr), axis=1)):
        raise ValueError("a policy diverged at every step size of lrs")
    best = np.nanargmin(final_by_lr, axis=1)
    labels = tuple(label for label, _ in policies)
    examples = tuple(p[0] for _, p in policies)
    excess = tuple(p[1][:, b] for (_, p), b in zip(policies, best))
    updates = tuple(p[2] for _, p in policies)
    # SGD's records are small_every apart: its window is at least 3 records long.
    windows = (max(tail, 3 * small_every), tail, tail, tail)
    contraction = np.array([geometric_rate(e, int(k[-1]) - w, int(k[-1]), steps=k)
                            for e, k, w in zip(excess, updates, windows)])
    gd_lr = float(lrs[best[3]])
    return GrowingBatchResult(
        labels=labels,
        examples=examples,
        excess=excess,
        updates=updates,
        budgets=budgets,
        at_budgets=np.take_along_axis(by_budget, best_at[..., None], axis=2)[..., 0],
        lr_at_budgets=lrs[best_at],
        updates_at_budgets=np.array([_at_budgets(x, k, budgets)
                                     for x, k in zip(examples, updates)]),
        switch_update=switch,
        switch_examples=switch_examples,
        contraction=contraction,
        theory_contraction=max((1.0 - gd_lr * problem.mu) ** 2, (1.0 - gd_lr * problem.L) ** 2),
        lrs=lrs,
        final_by_lr=final_by_lr,
        best_lr=lrs[best],
        n=n,
        small_batch=small_batch,
        growth_rate=growth_rate,
        tail=tail,
        mu=problem.mu,
        L=problem.L,
        data_seeds=data_seeds,
        seed_at_budgets=np.array(seed_at_budgets).reshape(data_seeds.size, 3, budgets.size),
    )
