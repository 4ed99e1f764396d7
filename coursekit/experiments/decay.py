"""Experiments of lecture 01: SGD and learning-rate decay (section 8.3.1).

Goodfellow, Bengio & Courville, *Deep Learning* (2016), §8.3.1,
Algorithm 8.1 and eqs. 8.12-8.14. One function per claim of the course:

- :func:`noise_floor` (claim C2): constant-ε SGD stalls at a noise floor
  that grows like ε for small ε (and blows up as ε → 2/λ_max), while batch
  gradient descent with the same ε converges;
- :func:`robbins_monro_sums` and :func:`schedules_on_run` (claim C1): the
  Robbins–Monro conditions Σε_k = ∞ (eq. 8.12) and Σε_k² < ∞ (eq. 8.13),
  and what four schedules actually do on a run, each measurement beside its
  exact expectation (:func:`coursekit.experiments.rates.expected_excess`);
- :func:`constant_lr_averaging` (the limit of "ε_k → 0 is needed"): with a
  constant ε the *average* of the iterates still converges;
- :func:`interpolation_control` (the limit of claim C2): a least-squares
  problem whose labels have no noise has zero gradient noise at θ*, so
  constant-ε SGD converges there, for a small enough ε (ε max_i ‖x_i‖² < 2
  guarantees it; larger rates can diverge where batch GD still converges);
- :func:`linear_schedule_digits` (claim C3): the linear schedule of
  eq. 8.14 with the book's rules of thumb, on the real digits data, and
  :func:`linear_schedule_condition`: when decaying pays (eq. 8.14 keeps only
  about 0.4 of the travel, so the constant-ε0 run must reach its floor well
  inside the budget), with a late decay as control, every schedule tuned
  on the same ε0 grid, and a budget control (the same ε0, only τ and K scaled).

Every function is pure, takes an explicit ``seed`` and runs all its settings
and seeds as one batched call of :func:`coursekit.runner.run`.

>>> result = noise_floor(lrs=(0.05, 0.1, 0.2), steps=400, repeats=4)
>>> result.floor.shape, bool(result.gd_final.max() < 1e-10)
((3,), True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import analysis
from .._validation import check_int, check_interval, check_scalar
from ..optimizers import sgd
from ..problems import LogisticRegression, Quadratic, digits_softmax, make_least_squares
from ..robbins_monro import RobbinsMonroReport, robbins_monro
from ..runner import run
from ..schedules import Schedule, constant, exponential_decay, inverse_k, inverse_sqrt, join, linear_decay, stack
from .rates import expected_excess

__all__ = [
    "AveragingResult",
    "InterpolationResult",
    "LinearConditionResult",
    "LinearScheduleResult",
    "NoiseFloorResult",
    "RobbinsMonroSums",
    "ScheduleRunResult",
    "constant_lr_averaging",
    "digits_problem",
    "interpolation_control",
    "linear_schedule_condition",
    "linear_schedule_digits",
    "noise_floor",
    "noisy_quadratic",
    "robbins_monro_sums",
    "schedules_on_run",
]


# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------


def noisy_quadratic(dim: int = 10, noise: float = 1.0) -> Quadratic:
    """The lecture's model problem: J(θ) = ½ Σ_i λ_i θ_i², λ evenly spaced in [1, 2].

    Minibatch gradients carry Gaussian noise of standard deviation σ/√m per
    coordinate (the noisy quadratic model of
    :mod:`coursekit.problems.quadratic`). μ = 1 and L = 2, so SGD with a
    constant ε is stable for ε < 2/L = 1.

    >>> q = noisy_quadratic()
    >>> q.dim, q.mu, q.L
    (10, 1.0, 2.0)
    """
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0)
    eigenvalues = np.linspace(1.0, 2.0, dim) if dim > 1 else np.ones(1)
    return Quadratic(eigenvalues, noise=noise, name="noisy quadratic")


def _check_lrs(lrs) -> np.ndarray:
    lrs = check_interval("lrs", lrs, 0.0, 1.0, low_open=True, high_open=True)
    if lrs.ndim != 1 or lrs.size < 3:
        raise ValueError(f"lrs must be a 1-D array of at least 3 learning rates (to fit a slope), got shape {lrs.shape}")
    return lrs


# --------------------------------------------------------------------------
# C2: the noise floor of constant-ε SGD
# --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class AveragingResult:
    """Constant-ε SGD on :func:`noisy_quadratic`: the last iterate against the running average.

    lrs : (S,)                      the constant learning rates ε
    steps : (R,)                    recorded iterations k
    last_excess, average_excess : (R, S)
                                    J(θ_k) − J* and J(θ̄_k) − J*, θ̄_k = (1/k) Σ_{j≤k} θ_j
                                    (mean of the seeds)
    last_final, average_final : (S,)   their values at k = K
    closed_form : (S,)              the closed-form floor of the last iterate
    last_tail_mean : (S,)           mean J(θ_k) − J* over k in [K/2, K]
    average_slope : (S,)            log-log slope of J(θ̄_k) − J* over k in [K/10, K]
    batch_size, repeats, start
    """

    lrs: np.ndarray
    steps: np.ndarray
    last_excess: np.ndarray
    average_excess: np.ndarray
    last_final: np.ndarray
    average_final: np.ndarray
    closed_form: np.ndarray
    last_tail_mean: np.ndarray
    average_slope: np.ndarray
    batch_size: int
    repeats: int
    start: float


def constant_lr_averaging(
    lrs=(0.1, 0.3),
    steps: int = 20000,
    repeats: int = 10,
    batch_size: int = 1,
    start: float = 3.0,
    record_every: int = 100,
    seed: int = 0,
) -> AveragingResult:
    """The limit of "SGD needs ε_k → 0": it holds for the last iterate θ_k only.

    Constant-ε SGD (Algorithm 8.1, minibatches of m) runs from θ_0 =
    ``start``·(1, ..., 1); the runner also records J at the running average
    θ̄_k = (1/k) Σ_{j≤k} θ_j (Polyak–Ruppert averaging; Polyak & Juditsky,
    1992; book §8.7.3). On this quadratic θ̄_k − θ* averages the zero-mean
    noise of the iterates away, so J(θ̄_k) − J* keeps falling roughly like
    1/k, while J(θ_k) − J* stays at the floor of ε. On a cost that is not
    quadratic the average settles O(ε) away from θ* instead (Dieuleveut,
    Durmus & Bach, 2020, Ann. Statist. 48(3)).
    """
    lrs = check_interval("lrs", lrs, 0.0, 1.0, low_open=True, high_open=True)
    if lrs.ndim != 1 or lrs.size < 1:
        raise ValueError(f"lrs must be a 1-D array of learning rates, got shape {lrs.shape}")
    steps = check_int("steps", steps, low=100)
    repeats = check_int("repeats", repeats, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    start = check_scalar("start", start)
    record_every = check_int("record_every", record_every, low=1, high=steps // 10)
    seed = check_int("seed", seed, low=0)

    problem = noisy_quadratic()
    result = run(problem, sgd(lrs), np.full(problem.dim, start), steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every,
                 average=True)
    last = (result.loss - problem.min_loss).mean(axis=1)
    averaged = (result.average_loss - problem.min_loss).mean(axis=1)
    return AveragingResult(
        lrs=lrs,
        steps=result.steps,
        last_excess=last,
        average_excess=averaged,
        last_final=last[-1],
        average_final=averaged[-1],
        closed_form=problem.stationary_excess_loss(lrs, batch_size),
        last_tail_mean=analysis.tail_mean(last, 0.5),
        average_slope=np.array([analysis.loglog_slope(result.steps, averaged[:, j], k_min=steps / 10, k_max=steps)
                                for j in range(lrs.size)]),
        batch_size=batch_size,
        repeats=repeats,
        start=start,
    )


# --------------------------------------------------------------------------
# C1: the Robbins–Monro conditions (eqs. 8.12, 8.13)
# --------------------------------------------------------------------------


def _four_schedules(lr0: float, rate: float) -> tuple[Schedule, ...]:
    return (constant(lr0), inverse_k(lr0), inverse_sqrt(lr0), exponential_decay(lr0, rate))


@dataclass(frozen=True)
class RobbinsMonroSums:
    """Partial sums and verdicts for constant, ε0/k, ε0/√k and ε0·r^(k−1).

    names : tuple of 4 str;  reports : tuple of 4 RobbinsMonroReport
    k : (P,) checkpoints;  partial_sum, partial_sum_squares : (P, 4)
    sum_diverges, sum_squares_diverges, satisfied : (4,) bool
    """

    names: tuple
    reports: tuple
    k: np.ndarray
    partial_sum: np.ndarray
    partial_sum_squares: np.ndarray
    sum_diverges: np.ndarray
    sum_squares_diverges: np.ndarray
    satisfied: np.ndarray


def robbins_monro_sums(lr0: float = 0.8, rate: float = 0.9, n_terms: int = 10**5) -> RobbinsMonroSums:
    """Claim C1: Σε_k (eq. 8.12) and Σε_k² (eq. 8.13) for four schedules.

    The verdicts come from :func:`coursekit.robbins_monro` (the p-series and
    geometric-series tests on each schedule's tail); the partial sums up to
    ``n_terms`` show one sum growing without bound while the other levels off.

    >>> r = robbins_monro_sums(n_terms=1000)
    >>> r.names, r.satisfied.tolist()
    (('constant', 'ε0/k', 'ε0/√k', 'ε0·r^(k−1)'), [False, True, False, False])
    """
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    rate = check_scalar("rate", rate, 0.0, 1.0, low_open=True, high_open=True)
    n_terms = check_int("n_terms", n_terms, low=10, high=10**7)
    reports: tuple[RobbinsMonroReport, ...] = tuple(
        robbins_monro(s, n_terms) for s in _four_schedules(lr0, rate))
    return RobbinsMonroSums(
        names=tuple(r.schedule for r in reports),
        reports=reports,
        k=reports[0].k,
        partial_sum=np.stack([r.partial_sum for r in reports], axis=-1),
        partial_sum_squares=np.stack([r.partial_sum_squares for r in reports], axis=-1),
        sum_diverges=np.array([r.sum_diverges for r in reports]),
        sum_squares_diverges=np.array([r.sum_squares_diverges for r in reports]),
        satisfied=np.array([r.satisfied for r in reports]),
    )


@dataclass(frozen=True)
class ScheduleRunResult:
    """The four schedules of :func:`robbins_monro_sums` on one SGD run.

    names : tuple of 4 str;  steps : (R,);  lr : (R, 4) the rates ε_k used
    excess_mean : (R, 4)           J(θ_k) − J*, averaged over the seeds
    final_excess : (4,)            its last value (k = K)
    constant_floor : float         closed-form floor of the constant rate
    slope_inverse_k, slope_inverse_sqrt : float
        log-log slope of the mean excess loss over k in [K/10, K] for
        ε0/k (the O(1/k) rate when 2 ε0 μ > 1) and ε0/√k (excess ∝ ε_k ∝ k^(−1/2))
    frozen_distance : float        ‖θ_K − θ*‖ of the exponential schedule, root mean
                                   square over the seeds
    frozen_distance_noise_free : float
        ‖θ_K − θ*‖ without gradient noise: ‖Π_k (1 − ε_k λ_i) θ_0,i‖ (closed form)
    frozen_movement : float        max over seeds of ‖θ_K − θ_{K/2}‖ (exponential)
    lr_half, lr_final : float      ε_{K/2} and ε_K of the exponential schedule
    remaining_sum : float          Σ_{k>K/2} ε_k of the exponential schedule: the
                                   whole travel budget of the second half
    noise_free_distance_fast : float
        the noise-free distance for the faster decay r = ``fast_rate`` (control
        of "a faster decay leaves θ further away even without noise")
    distance_inverse_k : float     the same for ε0/k, for comparison
    constant_tail_mean : float     mean J − J* of the constant rate over k in [K/2, K]
    floor_tracking : (2,)          mean over k in [K/10, K] of (J(θ_k) − J*) / floor(ε_k)
                                   for ε0/k and ε0/√k, floor(ε) the closed-form floor
                                   of a constant ε: 1 when the run tracks its current floor
    floor_tracking_theory : float  the k → ∞ value of that ratio for ε0/k, the mean over
                                   the directions of 2ε0λ_i/(2ε0λ_i − 1) (from the variance
                                   recursion v_{k+1} = (1 − ε_kλ)²v_k + ε_k²σ² with v_k ∝ 1/k);
                                   inf when 2ε0μ ≤ 1 (the excess then decays slower than 1/k)
    lr0_small, slope_inverse_k_small, final_inverse_k_small
        ε0/k from ε0 = ``lr0_small`` with 2 ε0 μ < 1 (a separate run, same seed):
        the control of "O(1/k) needs 2 ε0 μ > 1"
    expected_excess : (R, 4)       the exact E[J(θ_k)] − J* of each schedule
                                   (:func:`coursekit.experiments.rates.expected_excess`,
                                   a closed form of the mean and variance recursions):
                                   what the seeds' mean estimates
    expected_final : (4,)          its value at k = K
    expected_slope_inverse_k, expected_slope_inverse_sqrt, expected_slope_inverse_k_small :
                                   the slopes of the exact expectation, same window
    expected_floor_tracking : (2,) floor_tracking of the exact expectation
    expected_frozen_distance, expected_distance_inverse_k :
                                   √E‖θ_K − θ*‖², exact (exponential and ε0/k)
    expected_final_inverse_k_small : float   exact E[J(θ_K)] − J* of ε0/k from ``lr0_small``
    bias_final, noise_final : (2,) the exact split of E[J(θ_K)] − J* into the noise-free
                                   part (the run without noise from θ_0) and the noise
                                   part, for ε0/k from ``lr0`` and from ``lr0_small``
    lr0, rate, fast_rate, start, repeats, seed
    """

    names: tuple
    steps: np.ndarray
    lr: np.ndarray
    excess_mean: np.ndarray
    expected_excess: np.ndarray
    expected_final: np.ndarray
    expected_slope_inverse_k: float
    expected_slope_inverse_sqrt: float
    expected_slope_inverse_k_small: float
    expected_floor_tracking: np.ndarray
    expected_frozen_distance: float
    expected_distance_inverse_k: float
    expected_final_inverse_k_small: float
    bias_final: np.ndarray
    noise_final: np.ndarray
    final_excess: np.ndarray
    constant_floor: float
    slope_inverse_k: float
    slope_inverse_sqrt: float
    frozen_distance: float
    frozen_distance_noise_free: float
    frozen_movement: float
    lr_half: float
    lr_final: float
    remaining_sum: float
    noise_free_distance_fast: float
    distance_inverse_k: float
    constant_tail_mean: float
    floor_tracking: np.ndarray
    floor_tracking_theory: float
    lr0_small: float
    slope_inverse_k_small: float
    final_inverse_k_small: float
    lr0: float
    rate: float
    fast_rate: float
    start: float
    repeats: int
    seed: int


def _expected_distance(problem: Quadratic, theta0: np.ndarray, lr: np.ndarray) -> float:
    # E‖θ_K − θ*‖² = Σ_i E[θ_K,i²]: one coordinate at a time, E[J_i] = ½ λ_i E[θ_i²].
    total = 0.0
    for lam, start in zip(problem.eigenvalues, theta0 - problem.minimizer):
        one = expected_excess([lam], start, lr, problem.noise)
        total += 2.0 * (one.bias_last[-1] + one.noise_last[-1]) / lam
    return float(np.sqrt(total))


def schedules_on_run(
    lr0: float = 0.8,
    rate: float = 0.9,
    steps: int = 5000,
    repeats: int = 10,
    start: float = 10.0,
    record_every: int = 10,
    seed: int = 0,
    lr0_small: float = 0.25,
    fast_rate: float = 0.5,
) -> ScheduleRunResult:
    """Claim C1 on a run: SGD (m = 1) on :func:`noisy_quadratic` from a far start.

    The four schedules run side by side (:func:`coursekit.schedules.stack`) with
    ``repeats`` seeds, from θ_0 = ``start``·(1, ..., 1). The Robbins–Monro
    conditions are sufficient, not necessary: ε0/√k fails eq. 8.13 yet
    converges on this strongly convex problem (more slowly); the exponential
    decay fails eq. 8.12 (Σε_k = ε0/(1 − r) < ∞), so θ stops moving at a
    finite distance from θ*; the constant rate stays at its noise floor.

    Controls: ε0/k from ``lr0_small`` (2 ε0 μ < 1) crawls; ε0/√k tracks the
    closed-form floor of its current ε_k, ε0/k lags above it; without noise
    the exponential decay stops close to θ* at r = ``rate`` but far from it
    at the faster r = ``fast_rate``.

    Every measured number has its exact expectation beside it (the closed form
    :func:`coursekit.experiments.rates.expected_excess` for SGD with m = 1 on
    this diagonal quadratic), so that one draw of the seeds can be read
    against what it estimates.
    """
    lr0 = check_scalar("lr0", lr0, 0.0, 1.0, low_open=True, high_open=True)
    lr0_small = check_scalar("lr0_small", lr0_small, 0.0, 1.0, low_open=True, high_open=True)
    rate = check_scalar("rate", rate, 0.0, 1.0, low_open=True, high_open=True)
    fast_rate = check_scalar("fast_rate", fast_rate, 0.0, 1.0, low_open=True, high_open=True)
    steps = check_int("steps", steps, low=100)
    repeats = check_int("repeats", repeats, low=1)
    start = check_scalar("start", start)
    record_every = check_int("record_every", record_every, low=1, high=steps // 10)
    seed = check_int("seed", seed, low=0)

    problem = noisy_quadratic()
    schedules = _four_schedules(lr0, rate)
    theta0 = np.full(problem.dim, start)
    result = run(problem, sgd(stack(*schedules)), theta0, steps, batch_size=1,
                 rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every,
                 keep_path=True)
    excess = (result.loss - problem.min_loss).mean(axis=1)       # (R, 4)
    window = dict(k_min=steps / 10, k_max=steps)
    distance = np.linalg.norm(result.final_theta - problem.minimizer, axis=-1)  # (repeats, 4)
    middle = len(result.steps) // 2
    movement = np.linalg.norm(result.theta[-1, :, 3] - result.theta[middle, :, 3], axis=-1)
    # Without noise each coordinate is multiplied by (1 − ε_k λ_i) at step k.
    ks = np.arange(1, steps + 1)
    shrink = np.prod(1.0 - np.outer(schedules[3](ks), problem.eigenvalues), axis=0)
    shrink_fast = np.prod(1.0 - np.outer(exponential_decay(lr0, fast_rate)(ks), problem.eigenvalues), axis=0)
    exp_lr = schedules[3](ks)
    # Excess relative to the floor a constant rate ε_k would settle at.
    in_window = result.steps >= steps / 10
    lr_k = result.lr[in_window, 0, 1:3]
    tracking = (excess[in_window, 1:3] / problem.stationary_excess_loss(lr_k, 1)).mean(axis=0)
    small = run(problem, sgd(inverse_k(lr0_small)), theta0, steps, batch_size=1,
                rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every)
    small_excess = (small.loss - problem.min_loss).mean(axis=1)
    # Exact expectations (additive N(0, σ²) noise, m = 1), on the same records.
    exact = [expected_excess(problem.eigenvalues, theta0 - problem.minimizer, np.asarray(s(ks), float),
                             problem.noise) for s in (*schedules, inverse_k(lr0_small))]
    expected = np.stack([e.bias_last + e.noise_last for e in exact], axis=-1)[result.steps]  # (R, 5)
    expected_tracking = (expected[in_window, 1:3] / problem.stationary_excess_loss(lr_k, 1)).mean(axis=0)
    return ScheduleRunResult(
        names=tuple(s.name for s in schedules),
        steps=result.steps,
        lr=result.lr[:, 0],
        excess_mean=excess,
        final_excess=excess[-1],
        expected_excess=expected[:, :4],
        expected_final=expected[-1, :4],
        expected_slope_inverse_k=float(analysis.loglog_slope(result.steps, expected[:, 1], **window)),
        expected_slope_inverse_sqrt=float(analysis.loglog_slope(result.steps, expected[:, 2], **window)),
        expected_slope_inverse_k_small=float(analysis.loglog_slope(result.steps, expected[:, 4], **window)),
        expected_floor_tracking=expected_tracking,
        expected_frozen_distance=_expected_distance(problem, theta0, exp_lr),
        expected_distance_inverse_k=_expected_distance(problem, theta0, np.asarray(schedules[1](ks), float)),
        expected_final_inverse_k_small=float(expected[-1, 4]),
        bias_final=np.array([exact[1].bias_last[-1], exact[4].bias_last[-1]]),
        noise_final=np.array([exact[1].noise_last[-1], exact[4].noise_last[-1]]),
        constant_floor=float(problem.stationary_excess_loss(lr0, 1)),
        slope_inverse_k=float(analysis.loglog_slope(result.steps, excess[:, 1], **window)),
        slope_inverse_sqrt=float(analysis.loglog_slope(result.steps, excess[:, 2], **window)),
        frozen_distance=float(np.sqrt(np.mean(distance[:, 3] ** 2))),
        frozen_distance_noise_free=float(np.linalg.norm(shrink * (theta0 - problem.minimizer))),
        frozen_movement=float(movement.max()),
        lr_half=float(exp_lr[result.steps[middle] - 1]),
        lr_final=float(exp_lr[-1]),
        remaining_sum=float(exp_lr[result.steps[middle]:].sum()),
        noise_free_distance_fast=float(np.linalg.norm(shrink_fast * (theta0 - problem.minimizer))),
        distance_inverse_k=float(np.sqrt(np.mean(distance[:, 1] ** 2))),
        constant_tail_mean=float(analysis.tail_mean(excess[:, 0], 0.5)),
        floor_tracking=tracking,
        floor_tracking_theory=(float(np.mean(2 * lr0 * problem.eigenvalues / (2 * lr0 * problem.eigenvalues - 1)))
                               if 2 * lr0 * problem.mu > 1 else float("inf")),
        lr0_small=lr0_small,
        slope_inverse_k_small=float(analysis.loglog_slope(small.steps, small_excess, **window)),
        final_inverse_k_small=float(small_excess[-1]),
        lr0=lr0,
        rate=rate,
        fast_rate=fast_rate,
        start=start,
        repeats=repeats,
        seed=seed,
    )


# --------------------------------------------------------------------------
# C3: the linear schedule (eq. 8.14) on the digits
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _digits_problem(l2: float, seed: int) -> tuple[LogisticRegression, float]:
    problem = digits_softmax(l2, seed)
    return problem, float(problem.loss(problem.solve()))


def digits_problem(l2: float = 1e-3, seed: int = 0) -> tuple[LogisticRegression, float]:
    """:func:`coursekit.problems.digits_softmax` and its J*, as ``(problem, J*)``.

    J* comes from Newton's method (``LogisticRegression.solve``), once per
    (l2, seed).
    """
    l2 = check_scalar("l2", l2, 0.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    return _digits_problem(l2, seed)


@dataclass(frozen=True)
class LinearScheduleResult:
    """Linear decay (eq. 8.14) against constant ε0 and constant ε_τ on the digits.

    names : tuple of 3 str ("linear decay", "constant ε0", "constant ε_τ")
    steps : (R,);  lr : (R, 3) the rates ε_k recorded by the run
    excess_mean : (R, 3)      J(θ_k) − J*, averaged over the seeds
    final_excess : (3,)       at k = K, the budget
    lr0, lr_tau, tau, passes, batch_size, n_train, budget, min_loss, repeats
    """

    names: tuple
    steps: np.ndarray
    lr: np.ndarray
    excess_mean: np.ndarray
    final_excess: np.ndarray
    lr0: float
    lr_tau: float
    tau: int
    passes: int
    batch_size: int
    n_train: int
    budget: int
    min_loss: float
    repeats: int


def linear_schedule_digits(
    lr0: float = 2.0,
    final_fraction: float = 0.01,
    passes: int = 200,
    batch_size: int = 128,
    extra_fraction: float = 0.25,
    l2: float = 1e-3,
    repeats: int = 2,
    n_records: int = 30,
    seed: int = 0,
) -> LinearScheduleResult:
    """Claim C3: the linear schedule of eq. 8.14 with the book's rules of thumb.

    ε_k = (1 − k/τ) ε0 + (k/τ) ε_τ for k ≤ τ and ε_τ after, with
    ε_τ = ``final_fraction``·ε0 (about 1 %) and τ = ``passes``·n/m
    iterations (a few hundred passes over the n training examples with
    minibatches of m). It runs for a budget of (1 + ``extra_fraction``)·τ
    steps beside constant ε0 and constant ε_τ, one batched run with
    ``repeats`` seeds, on softmax regression over the digits (J* from
    :func:`digits_problem`).
    """
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0, low_open=True)
    passes = check_int("passes", passes, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    extra_fraction = check_scalar("extra_fraction", extra_fraction, 0.0)
    repeats = check_int("repeats", repeats, low=1)
    n_records = check_int("n_records", n_records, low=3)
    seed = check_int("seed", seed, low=0)

    problem, min_loss = digits_problem(l2)
    if batch_size > problem.n_train:
        raise ValueError(f"batch_size must be in [1, {problem.n_train}], got {batch_size}")
    lr_tau = final_fraction * lr0
    tau = max(1, passes * problem.n_train // batch_size)
    budget = tau + int(round(extra_fraction * tau))
    schedules = (linear_decay(lr0, lr_tau, tau), constant(lr0), constant(lr_tau))
    result = run(problem, sgd(stack(*schedules)), np.zeros(problem.dim), budget,
                 batch_size=batch_size, rng=np.random.default_rng(seed), repeats=repeats,
                 record_every=max(1, budget // n_records))
    excess = (result.loss - min_loss).mean(axis=1)
    return LinearScheduleResult(
        names=("linear decay (eq. 8.14)", "constant ε0", "constant ε_τ"),
        steps=result.steps,
        lr=result.lr[:, 0],
        excess_mean=excess,
        final_excess=excess[-1],
        lr0=lr0,
        lr_tau=lr_tau,
        tau=tau,
        passes=passes,
        batch_size=batch_size,
        n_train=problem.n_train,
        budget=budget,
        min_loss=min_loss,
        repeats=repeats,
    )


@dataclass(frozen=True)
class LinearConditionResult:
    """When does the linear schedule beat a constant ε0? A grid of ε0, the same budget.

    Three schedules per ε0, all run for the budget K: eq. 8.14 (τ as in
    :func:`linear_schedule_digits`, ε_τ = ``final_fraction``·ε0), the constant ε0,
    and a *late* linear decay: constant ε0 up to k0 = ``late_start``·K, then
    linear from ε0 to ε_τ over the remaining K − k0 steps (the control that keeps
    most of the travel and still removes the noise at the end).

    lr0s : (P,)                 the initial rates ε0 compared
    names : tuple of 3 str      ("linear decay (eq. 8.14)", "constant ε0", "late linear decay")
    steps : (R,)                records of the budget run, k = 0..K
    linear_excess, constant_excess, late_excess : (R, P)
                                J(θ_k) − J* of each schedule (mean of the seeds)
    linear_final, constant_final, late_final : (P,)   their values at k = K
    ratio : (P,)                linear_final / constant_final (< 1: decay pays)
    late_ratio : (P,)           late_final / constant_final
    constant_late : (P,)        mean J − J* of constant ε0 over k in [0.9 K, K]
    constant_floor : (P,)       the floor of constant ε0: its mean J − J* over
                                k in [(f − 1) K, f K] of a run continued to
                                f = ``floor_factor`` times the budget
    on_floor : (P,)             constant_late / constant_floor (≈ 1: on its floor)
    floor_share : (P,)          constant_floor / constant_late: the part of the
                                constant run's late error that is floor noise
    floor_reached : (P,)        k / K of the first record at which the constant run (mean
                                of the seeds, continued run included) is within
                                ``reach_factor`` times its floor: < 1 within the budget,
                                inf if never
    floor_scatter : (P,)        std / mean of the constant run's records (mean of the
                                seeds) over the floor window: how far one record of
                                a run on its floor strays, the noise on ``ratio``
    long_steps : (L,), constant_long : (L, P)   the continued constant run, k = 0..f K
    travel_ratio, late_travel_ratio : float
                                Σ_{k≤K} ε_k of eq. 8.14 (and of the late decay) over
                                K ε0: how much of the constant run's travel is kept
    best_lr0, best_final : (3,) for each schedule of ``names``, the ε0 of the grid
                                with the lowest J(θ_K) − J* and that value (every
                                schedule tuned on the same grid by the same rule)
    best_ratio : float          best linear / best constant
    floor_drift : (P,)          mean J − J* of the continued constant run over the K steps
                                just before the floor window, divided by the floor: near 1
                                once the run has settled (a little above 1 if it reached its
                                floor during those K steps); far above 1 means it is still
                                descending, and then ``constant_floor`` is only an upper
                                bound of its floor (so on_floor is a lower bound)
    floor_settled : (P,) bool   floor_drift < ``settle_tolerance``
    short_lr0, short_budget, short_tau
                                the budget control: eq. 8.14 at ε0 = ``short_lr0`` with
                                τ and K scaled down (K_s on the record grid, τ_s/K_s = τ/K),
                                a schedule of the same batched run, compared at k = K_s
    short_linear_final, short_constant_final, short_ratio
                                J − J* at K_s of it and of the constant run, their ratio
    short_on_floor, short_floor_reached
                                constant run at K_s / its floor, and the k / K_s at which it
                                first comes within ``reach_factor`` times its floor
    long_lr0, long_budget, long_tau, long_linear_final, long_constant_final, long_ratio,
    long_floor_reached          the same with τ and K scaled up to ``floor_factor`` times
                                (eq. 8.14 run on through the continuation; K_L = f K)
    tau, budget, late_start_step, passes, batch_size, final_fraction, floor_factor,
    reach_factor, settle_tolerance, repeats
    """

    lr0s: np.ndarray
    names: tuple
    steps: np.ndarray
    linear_excess: np.ndarray
    constant_excess: np.ndarray
    late_excess: np.ndarray
    linear_final: np.ndarray
    constant_final: np.ndarray
    late_final: np.ndarray
    ratio: np.ndarray
    late_ratio: np.ndarray
    constant_late: np.ndarray
    constant_floor: np.ndarray
    on_floor: np.ndarray
    floor_share: np.ndarray
    floor_reached: np.ndarray
    floor_scatter: np.ndarray
    long_steps: np.ndarray
    constant_long: np.ndarray
    travel_ratio: float
    late_travel_ratio: float
    best_lr0: np.ndarray
    best_final: np.ndarray
    best_ratio: float
    floor_drift: np.ndarray
    floor_settled: np.ndarray
    short_lr0: float
    short_budget: int
    short_tau: int
    short_linear_final: float
    short_constant_final: float
    short_ratio: float
    short_on_floor: float
    short_floor_reached: float
    long_lr0: float
    long_budget: int
    long_tau: int
    long_linear_final: float
    long_constant_final: float
    long_ratio: float
    long_floor_reached: float
    tau: int
    budget: int
    late_start_step: int
    passes: int
    batch_size: int
    final_fraction: float
    floor_factor: int
    reach_factor: float
    settle_tolerance: float
    repeats: int


def linear_schedule_condition(
    lr0s=(4.0, 2.0, 0.8, 0.5, 0.25),
    final_fraction: float = 0.01,
    passes: int = 200,
    batch_size: int = 128,
    extra_fraction: float = 0.25,
    late_start: float = 0.75,
    floor_factor: int = 3,
    reach_factor: float = 1.2,
    settle_tolerance: float = 1.5,
    short_lr0: float = 2.0,
    short_scale: float = 0.18,
    long_lr0: float = 0.5,
    l2: float = 1e-3,
    repeats: int = 2,
    n_records: int = 28,
    seed: int = 0,
) -> LinearConditionResult:
    """Claim C3 with its condition: eq. 8.14 against constant ε0 over a grid of ε0.

    For each ε0 in ``lr0s``, the linear schedule (ε_τ = ``final_fraction``·ε0,
    τ = ``passes``·n/m), the constant ε0 and the late linear decay (constant
    to k0 = ``late_start``·K, then linear to ε_τ at K) run side by side for
    the budget K = (1 + ``extra_fraction``)·τ, all in one batched run (digits,
    as in :func:`linear_schedule_digits`). The constant runs then continue
    from θ_K, with the same random stream, to ``floor_factor``·K steps; the
    mean of the last K of them estimates each constant rate's noise floor.

    Eq. 8.14 with τ ≈ 0.8 K keeps only about 0.4 of the constant run's travel
    Σε_k, so it pays when the constant run reaches its floor well inside the
    budget (the decay then removes floor noise); decaying only over the last
    quarter keeps about 0.88 of the travel and pays at smaller ε0 too. Each
    schedule is also tuned on the grid by the same rule (lowest J(θ_K) − J*),
    for a best-against-best comparison.

    The budget control changes only the budget: eq. 8.14 at ε0 = ``short_lr0``
    (where it pays) with τ and K scaled by ``short_scale``, so that the
    constant run has not reached its floor by K_s; and eq. 8.14 at
    ε0 = ``long_lr0`` (where it loses) with τ and K ``floor_factor`` times
    longer, so that it has. Both ride in the same batched runs (the long one
    through the continuation), so they cost almost nothing extra; both ε0
    must be in ``lr0s``.
    """
    lr0s = check_interval("lr0s", lr0s, 0.0, np.inf, low_open=True, high_open=True)
    if lr0s.ndim != 1 or lr0s.size < 1:
        raise ValueError(f"lr0s must be a 1-D array of initial rates, got shape {lr0s.shape}")
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0, low_open=True)
    passes = check_int("passes", passes, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    extra_fraction = check_scalar("extra_fraction", extra_fraction, 0.0)
    late_start = check_scalar("late_start", late_start, 0.0, 1.0, low_open=True, high_open=True)
    floor_factor = check_int("floor_factor", floor_factor, low=2)
    reach_factor = check_scalar("reach_factor", reach_factor, 1.0, low_open=True)
    repeats = check_int("repeats", repeats, low=1)
    n_records = check_int("n_records", n_records, low=10)
    seed = check_int("seed", seed, low=0)
    settle_tolerance = check_scalar("settle_tolerance", settle_tolerance, 1.0, low_open=True)
    short_scale = check_scalar("short_scale", short_scale, 0.0, 1.0, low_open=True, high_open=True)
    where = {}
    for name, value in (("short_lr0", short_lr0), ("long_lr0", long_lr0)):
        hits = np.flatnonzero(np.isclose(lr0s, check_scalar(name, value, 0.0, low_open=True)))
        if hits.size == 0:
            raise ValueError(f"{name} must be one of lr0s {lr0s.tolist()}, got {value:g}")
        where[name] = int(hits[0])
    i_short, i_long = where["short_lr0"], where["long_lr0"]

    problem, min_loss = digits_problem(l2)
    if batch_size > problem.n_train:
        raise ValueError(f"batch_size must be in [1, {problem.n_train}], got {batch_size}")
    tau = max(1, passes * problem.n_train // batch_size)
    budget = tau + int(round(extra_fraction * tau))
    k0 = int(round(late_start * budget))
    if not 1 <= k0 < budget:
        raise ValueError(f"late_start·K must leave at least one decaying step, got k0 = {k0}, K = {budget}")
    every = max(1, budget // n_records)
    while budget % every:        # a record grid that hits K exactly, for the continued run
        every -= 1

    def late_decay(lr0):
        # Constant ε0 for k ≤ k0, then eq. 8.14 restarted over the last K − k0 steps.
        return join([constant(lr0), linear_decay(lr0, final_fraction * lr0, budget - k0)], boundaries=[k0])

    # The budget controls: K_s on the record grid, τ_s/K_s = τ/K; K_L = f K, τ_L = f τ.
    short_budget = every * max(1, int(round(short_scale * budget / every)))
    short_tau = max(1, int(round(tau * short_budget / budget)))
    long_budget, long_tau = floor_factor * budget, floor_factor * tau
    lr_long = float(lr0s[i_long])
    parts = []
    for lr0 in lr0s:
        lr0 = float(lr0)
        parts += [linear_decay(lr0, final_fraction * lr0, tau), constant(lr0), late_decay(lr0)]
    lr_short = float(lr0s[i_short])
    parts += [linear_decay(lr_short, final_fraction * lr_short, short_tau),
              linear_decay(lr_long, final_fraction * lr_long, long_tau)]
    rng = np.random.default_rng(seed)
    result = run(problem, sgd(stack(*parts)), np.zeros(problem.dim), budget, batch_size=batch_size,
                 rng=rng, repeats=repeats, record_every=every)
    if result.diverged.any():
        raise ValueError("a run diverged: lower the largest ε0 in lr0s")
    excess = (result.loss - min_loss).mean(axis=1)           # (R, 3P + 2)
    n = lr0s.size
    linear, const, late_run = excess[:, 0:3 * n:3], excess[:, 1:3 * n:3], excess[:, 2:3 * n:3]
    # Continue the constant runs (and the long eq. 8.14) from θ_K with the same stream of
    # minibatches. Eq. 8.14 is linear in k, so its remainder from k = K on is eq. 8.14 again,
    # from ε_K to ε_τ over the τ_L − K steps left.
    lr_at_budget = float(linear_decay(lr_long, final_fraction * lr_long, long_tau)(budget))
    rest = linear_decay(lr_at_budget, final_fraction * lr_long, long_tau - budget)
    more = run(problem, sgd(stack(*[constant(float(v)) for v in lr0s], rest)),
               result.final_theta[:, list(range(1, 3 * n, 3)) + [3 * n + 1]], (floor_factor - 1) * budget,
               batch_size=batch_size, rng=rng, record_every=every)
    more_excess = (more.loss - min_loss).mean(axis=1)        # (R', P + 1)
    long_steps = np.concatenate([result.steps, budget + more.steps[1:]])
    constant_long = np.concatenate([const, more_excess[1:, :n]])
    in_floor = long_steps >= (floor_factor - 1) * budget
    floor = constant_long[in_floor].mean(axis=0)
    before = (long_steps >= (floor_factor - 2) * budget) & (long_steps < (floor_factor - 1) * budget)
    drift = constant_long[before].mean(axis=0) / floor
    late = const[result.steps >= 0.9 * budget].mean(axis=0)
    within = constant_long <= reach_factor * floor
    reached = np.where(within.any(axis=0), long_steps[np.argmax(within, axis=0)] / budget, np.inf)
    at_short = int(np.flatnonzero(result.steps == short_budget)[0])
    short_linear, short_constant = excess[at_short, 3 * n], const[at_short, i_short]
    long_linear, long_constant = more_excess[-1, n], more_excess[-1, i_long]
    ks = np.arange(1, budget + 1)
    travel = float(linear_decay(1.0, final_fraction, tau)(ks).sum() / budget)
    late_travel = float(np.asarray(late_decay(1.0)(ks)).sum() / budget)
    finals = np.stack([linear[-1], const[-1], late_run[-1]])  # (3, P)
    best = np.argmin(finals, axis=1)
    return LinearConditionResult(
        lr0s=lr0s,
        names=("linear decay (eq. 8.14)", "constant ε0", "late linear decay"),
        steps=result.steps,
        linear_excess=linear,
        constant_excess=const,
        late_excess=late_run,
        linear_final=linear[-1],
        constant_final=const[-1],
        late_final=late_run[-1],
        ratio=linear[-1] / const[-1],
        late_ratio=late_run[-1] / const[-1],
        constant_late=late,
        constant_floor=floor,
        on_floor=late / floor,
        floor_share=floor / late,
        floor_reached=reached,
        floor_scatter=constant_long[in_floor].std(axis=0) / floor,
        long_steps=long_steps,
        constant_long=constant_long,
        travel_ratio=travel,
        late_travel_ratio=late_travel,
        best_lr0=lr0s[best],
        best_final=finals[np.arange(3), best],
        best_ratio=float(finals[0, best[0]] / finals[1, best[1]]),
        floor_drift=drift,
        floor_settled=drift < settle_tolerance,
        short_lr0=lr_short,
        short_budget=short_budget,
        short_tau=short_tau,
        short_linear_final=float(short_linear),
        short_constant_final=float(short_constant),
        short_ratio=float(short_linear / short_constant),
        short_on_floor=float(short_constant / floor[i_short]),
        short_floor_reached=float(reached[i_short] * budget / short_budget),
        long_lr0=lr_long,
        long_budget=long_budget,
        long_tau=long_tau,
        long_linear_final=float(long_linear),
        long_constant_final=float(long_constant),
        long_ratio=float(long_linear / long_constant),
        long_floor_reached=float(reached[i_long] * budget / long_budget),
        tau=tau,
        budget=budget,
        late_start_step=k0,
        passes=passes,
        batch_size=batch_size,
        final_fraction=final_fraction,
        floor_factor=floor_factor,
        reach_factor=reach_factor,
        settle_tolerance=settle_tolerance,
        repeats=repeats,
    )
