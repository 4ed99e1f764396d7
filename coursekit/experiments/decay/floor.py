"""Claim C2: the noise floor of constant-ε SGD, and where it disappears.

:func:`noise_floor` runs constant-ε SGD against batch gradient descent on
:func:`noisy_quadratic` and compares the floor with its closed
form; :func:`interpolation_control` runs least squares with and without
label noise: without it the floor is gone, for a small enough ε.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import analysis
from ..._validation import check_int, check_interval, check_scalar
from ...optimizers import sgd
from ...problems import Quadratic, make_least_squares
from ...runner import run
from .problems import noisy_quadratic

__all__ = [
    "InterpolationResult",
    "NoiseFloorResult",
    "interpolation_control",
    "noise_floor",
]


def _check_lrs(lrs) -> np.ndarray:
    lrs = check_interval("lrs", lrs, 0.0, 1.0, low_open=True, high_open=True)
    if lrs.ndim != 1 or lrs.size < 3:
        raise ValueError(f"lrs must be a 1-D array of at least 3 learning rates (to fit a slope), got shape {lrs.shape}")
    return lrs


def _local_slope(problem: Quadratic, lrs: np.ndarray) -> np.ndarray:
    # F(ε) = Σ_i εσ²/(2m(2 − ελ_i)) has dF/dε = Σ_i σ²/(m(2 − ελ_i)²), so the local
    # log-log slope ε F'/F is 2 Σ_i (2 − ελ_i)^−2 / Σ_i (2 − ελ_i)^−1.
    gap = 2.0 - lrs[:, None] * problem.eigenvalues
    return 2.0 * np.sum(gap**-2.0, axis=1) / np.sum(1.0 / gap, axis=1)


@dataclass(frozen=True)
class NoiseFloorResult:
    """Constant-ε SGD against batch gradient descent on :func:`noisy_quadratic`.

    lrs : (S,)                      the constant learning rates ε
    steps : (R,)                    recorded iterations k
    sgd_excess : (R, S)             J(θ_k) − J* of SGD, seed 0
    sgd_excess_mean : (R, S)        the same, averaged over the seeds
    gd_excess : (R, S)              J(θ_k) − J* of batch gradient descent
    floor : (S,)                    measured floor: tail mean (last ``tail_fraction``
                                    of the records) of J − J*, averaged over the seeds
    closed_form : (S,)              E[J − J*] at stationarity, Σ_i εσ²/(2m(2 − ελ_i))
    floor_ratio : (S,)              floor / closed_form
    slope, closed_form_slope        log-log slope of floor (and of the closed form) vs ε
    small_lr_form : (S,)            the small-ε limit d σ² ε / (4m) of the closed form
    slope_factor_removed            log-log slope of floor × small_lr_form / closed_form:
                                    the measured floor with the 1/(2 − ελ_i) factor
                                    divided out (the control of "slightly above 1")
    closed_form_local_slope : (S,)  d log F / d log ε of the closed form F at each ε:
                                    ε Σ_i 1/(2 − ελ_i)² / Σ_i 1/(2 − ελ_i); 1 for small ε,
                                    growing without bound as ε → 2/λ_max (not a power law)
    stability_limit                 2/λ_max, the pole of the closed form
    mu                              μ = min λ_i, the smallest curvature (strong convexity)
    gd_final : (S,)                 J(θ_K) − J* of batch gradient descent after K steps
    gd_rate, gd_rate_theory : (S,)  per-step contraction of J − J* measured on the
                                    batch-GD curve and its value (1 − ε μ)² for the
                                    slowest direction μ = min λ
    batch_size, repeats, tail_fraction
    """

    lrs: np.ndarray
    steps: np.ndarray
    sgd_excess: np.ndarray
    sgd_excess_mean: np.ndarray
    gd_excess: np.ndarray
    floor: np.ndarray
    closed_form: np.ndarray
    floor_ratio: np.ndarray
    slope: float
    closed_form_slope: float
    small_lr_form: np.ndarray
    slope_factor_removed: float
    closed_form_local_slope: np.ndarray
    stability_limit: float
    mu: float
    gd_final: np.ndarray
    gd_rate: np.ndarray
    gd_rate_theory: np.ndarray
    batch_size: int
    repeats: int
    tail_fraction: float


def noise_floor(
    lrs=(0.01, 0.01778, 0.03162, 0.05623, 0.1),
    steps: int = 4000,
    repeats: int = 20,
    batch_size: int = 1,
    start: float = 3.0,
    tail_fraction: float = 0.5,
    record_every: int = 10,
    seed: int = 0,
) -> NoiseFloorResult:
    """Claim C2: SGD with constant ε stalls at a floor ∝ ε; batch GD converges.

    SGD (Algorithm 8.1, θ ← θ − ε g with a minibatch gradient g) is run from
    θ_0 = ``start``·(1, ..., 1) for every ε in ``lrs`` and ``repeats`` seeds
    in one batched run. Its floor is the tail mean of J − J*, compared with
    the closed form

        E[J − J*] = Σ_i ε σ² / (2 m (2 − ε λ_i))

    (``Quadratic.stationary_excess_loss``). Batch gradient descent, same ε,
    exact gradient, contracts J − J* by at least (1 − ε μ)² per step, so it
    converges geometrically to J*.
    """
    lrs = _check_lrs(lrs)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    start = check_scalar("start", start)
    tail_fraction = check_scalar("tail_fraction", tail_fraction, 0.0, 1.0, low_open=True)
    record_every = check_int("record_every", record_every, low=1, high=steps)
    seed = check_int("seed", seed, low=0)

    problem = noisy_quadratic()
    theta0 = np.full(problem.dim, start)
    noisy = run(problem, sgd(lrs), theta0, steps, batch_size=batch_size,
                rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every)
    exact = run(problem, sgd(lrs), theta0, steps, record_every=record_every)

    excess = noisy.loss - problem.min_loss          # (R, repeats, S)
    floor = analysis.tail_mean(excess, tail_fraction).mean(axis=0)
    closed = problem.stationary_excess_loss(lrs, batch_size)
    gd_excess = exact.loss - problem.min_loss
    # Fit the contraction on the part of the curve well above the float floor.
    positive = gd_excess > 1e-250
    k_max = int(exact.steps[np.all(positive, axis=1)].max())
    gd_rate = analysis.geometric_rate(gd_excess, k_min=k_max // 2, k_max=k_max, steps=exact.steps)
    # Small-ε limit of the closed form: 2 − ελ_i → 2 in every direction.
    small = problem.dim * problem.noise**2 * lrs / (4.0 * batch_size)
    return NoiseFloorResult(
        lrs=lrs,
        steps=noisy.steps,
        sgd_excess=excess[:, 0],
        sgd_excess_mean=excess.mean(axis=1),
        gd_excess=gd_excess,
        floor=floor,
        closed_form=closed,
        floor_ratio=floor / closed,
        slope=float(analysis.loglog_slope(lrs, floor)),
        closed_form_slope=float(analysis.loglog_slope(lrs, closed)),
        small_lr_form=small,
        slope_factor_removed=float(analysis.loglog_slope(lrs, floor * small / closed)),
        closed_form_local_slope=_local_slope(problem, lrs),
        stability_limit=float(2.0 / problem.eigenvalues.max()),
        mu=problem.mu,
        gd_final=gd_excess[-1],
        gd_rate=np.asarray(gd_rate),
        gd_rate_theory=(1.0 - lrs * problem.mu) ** 2,
        batch_size=batch_size,
        repeats=repeats,
        tail_fraction=tail_fraction,
    )


@dataclass(frozen=True)
class InterpolationResult:
    """Constant-ε SGD on least squares with and without label noise.

    label_noise : (2,)          standard deviation of the label noise: 0, then > 0
    steps : (R,)
    excess_mean : (R, 2)        J(θ_k) − J*, averaged over the seeds
    final_excess : (2,)         at k = K
    gradient_noise : (2,)       (1/n) Σ_i ‖∇L_i(θ*)‖²: the per-example gradients'
                                spread at the minimum (0 up to rounding when the model
                                interpolates)
    smoothness                  L, the largest eigenvalue of XᵀX/n: batch GD needs ε < 2/L
    max_example_norm2           max_i ‖x_i‖²: a one-example step cannot expand the error
                                when ε max_i ‖x_i‖² < 2 (the guarantee for SGD, m = 1)
    step_lrs : (T,)             larger constant rates tried on the labels without noise
    step_diverged : (T,) int    how many of the seeds diverged at each of them (SGD)
    step_final : (T,)           mean J(θ_K) − J* of SGD over the seeds (NaN if any diverged)
    step_gd_final : (T,)        J(θ_K) − J* of batch gradient descent at the same rates
    lr, batch_size, n_train, dim, repeats
    """

    label_noise: np.ndarray
    steps: np.ndarray
    excess_mean: np.ndarray
    final_excess: np.ndarray
    gradient_noise: np.ndarray
    smoothness: float
    max_example_norm2: float
    step_lrs: np.ndarray
    step_diverged: np.ndarray
    step_final: np.ndarray
    step_gd_final: np.ndarray
    lr: float
    batch_size: int
    n_train: int
    dim: int
    repeats: int


def interpolation_control(
    label_noise: float = 0.5,
    lr: float = 0.02,
    n: int = 100,
    dim: int = 10,
    steps: int = 3000,
    repeats: int = 10,
    record_every: int = 30,
    seed: int = 0,
    step_lrs=(0.15, 0.2),
) -> InterpolationResult:
    """Where the noise floor of claim C2 disappears: a model that interpolates its data.

    Two least-squares problems J(θ) = (1/(2n)) Σ_i (x_iᵀθ − y_i)² share the
    design X and θ_true (:func:`coursekit.problems.make_least_squares`, same
    seed); their labels are y = Xθ_true exactly, or with Gaussian noise of
    standard deviation ``label_noise``. SGD (Algorithm 8.1, minibatches of
    one example drawn with replacement, the same constant ε) runs on both.
    Without label noise every example's gradient x_i(x_iᵀθ − y_i) vanishes
    at θ* = θ_true, so the minibatch gradient is exact there and SGD converges;
    with it, SGD stalls at a floor, as on the noisy quadratic.

    Converging needs a small enough ε, smaller than for batch gradient descent
    (ε < 2/L): with one example per step it is guaranteed when
    ε max_i ‖x_i‖² < 2, since each step then cannot expand the error. The
    labels without noise are also run (same batched call) at the larger rates
    ``step_lrs``, with SGD and with batch gradient descent.
    """
    label_noise = check_scalar("label_noise", label_noise, 0.0, low_open=True)
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    n = check_int("n", n, low=2)
    dim = check_int("dim", dim, low=1, high=n)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1, high=steps)
    seed = check_int("seed", seed, low=0)

    step_lrs = check_interval("step_lrs", step_lrs, 0.0, np.inf, low_open=True)
    step_lrs = np.atleast_1d(step_lrs).astype(float)

    noises = np.array([0.0, label_noise])
    curves, noise_at_min = [], []
    for sigma in noises:
        problem = make_least_squares(n, dim, np.random.default_rng(seed), noise=float(sigma))
        max_norm2 = float(np.max(np.sum(problem.X**2, axis=1)))
        if lr * max_norm2 >= 2.0:
            raise ValueError(f"lr = {lr:g} is unstable for one-example steps on this design: "
                             "it needs lr·max‖x_i‖² < 2")
        # Without label noise, the larger rates ride along in the same batched run.
        lrs = np.concatenate([[lr], step_lrs]) if sigma == 0 else lr
        result = run(problem, sgd(lrs), np.zeros(dim), steps, batch_size=1,
                     rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every)
        excess = result.loss - problem.min_loss                     # (R, repeats[, 1 + T])
        if sigma == 0:
            clean_problem, diverged = problem, result.diverged[:, 1:].sum(axis=0)
            last = excess[-1, :, 1:]
            step_final = np.where(diverged == 0, np.mean(np.where(np.isfinite(last), last, 0.0), axis=0),
                                  np.nan)
            excess = excess[..., 0]
        curves.append(excess.mean(axis=1))
        per_example = (problem.X @ problem.minimizer - problem.y)[:, None] * problem.X  # ∇L_i(θ*)
        noise_at_min.append(float(np.mean(np.sum(per_example**2, axis=1))))
    gd = run(clean_problem, sgd(step_lrs), np.zeros(dim), steps, record_every=steps)
    excess = np.stack(curves, axis=-1)
    return InterpolationResult(
        label_noise=noises,
        steps=result.steps,
        excess_mean=excess,
        final_excess=excess[-1],
        gradient_noise=np.array(noise_at_min),
        smoothness=float(clean_problem.L),
        max_example_norm2=max_norm2,
        step_lrs=step_lrs,
        step_diverged=diverged.astype(int),
        step_final=step_final,
        step_gd_final=gd.loss[-1] - clean_problem.min_loss,
        lr=lr,
        batch_size=1,
        n_train=n,
        dim=dim,
        repeats=repeats,
    )

