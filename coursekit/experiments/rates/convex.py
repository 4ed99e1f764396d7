"""Claim C8 on a convex, not strongly convex quadratic: ε_k = ε_0/√k, bias and noise term apart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import loglog_slope
from ...optimizers import sgd
from ...problems import Quadratic
from ...runner import run
from ...schedules import constant, inverse_sqrt
from ._common import _check_levels, _check_window
from .exact import expected_excess

__all__ = [
    "ConvexRateResult",
    "convex_rate",
]


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
