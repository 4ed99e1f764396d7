"""Experiments of lecture 01: SGD and learning-rate decay (section 8.3.1).

Goodfellow, Bengio & Courville, *Deep Learning* (2016), §8.3.1,
Algorithm 8.1 and eqs. 8.12-8.14. One function per claim of the course:

- :func:`noise_floor` (claim C2): constant-ε SGD stalls at a noise floor
  that grows like ε, while batch gradient descent with the same ε converges;
- :func:`robbins_monro_sums` and :func:`schedules_on_run` (claim C1): the
  Robbins–Monro conditions Σε_k = ∞ (eq. 8.12) and Σε_k² < ∞ (eq. 8.13),
  and what four schedules actually do on a run;
- :func:`linear_schedule_digits` (claim C3): the linear schedule of
  eq. 8.14 with the book's rules of thumb, on the real digits data.

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
from ..problems import LogisticRegression, Quadratic, digits_softmax
from ..robbins_monro import RobbinsMonroReport, robbins_monro
from ..runner import run
from ..schedules import Schedule, constant, exponential_decay, inverse_k, inverse_sqrt, linear_decay, stack

__all__ = [
    "LinearScheduleResult",
    "NoiseFloorResult",
    "RobbinsMonroSums",
    "ScheduleRunResult",
    "digits_problem",
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
        gd_final=gd_excess[-1],
        gd_rate=np.asarray(gd_rate),
        gd_rate_theory=(1.0 - lrs * problem.mu) ** 2,
        batch_size=batch_size,
        repeats=repeats,
        tail_fraction=tail_fraction,
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
    frozen_distance : float        mean ‖θ_K − θ*‖ of the exponential schedule
    frozen_distance_noise_free : float
        ‖θ_K − θ*‖ without gradient noise: ‖Π_k (1 − ε_k λ_i) θ_0,i‖ (closed form)
    frozen_movement : float        max over seeds of ‖θ_K − θ_{K/2}‖ (exponential)
    distance_inverse_k : float     mean ‖θ_K − θ*‖ of ε0/k, for comparison
    lr0, rate, start, repeats
    """

    names: tuple
    steps: np.ndarray
    lr: np.ndarray
    excess_mean: np.ndarray
    final_excess: np.ndarray
    constant_floor: float
    slope_inverse_k: float
    slope_inverse_sqrt: float
    frozen_distance: float
    frozen_distance_noise_free: float
    frozen_movement: float
    distance_inverse_k: float
    lr0: float
    rate: float
    start: float
    repeats: int


def schedules_on_run(
    lr0: float = 0.8,
    rate: float = 0.9,
    steps: int = 5000,
    repeats: int = 10,
    start: float = 10.0,
    record_every: int = 10,
    seed: int = 1,
) -> ScheduleRunResult:
    """Claim C1 on a run: SGD (m = 1) on :func:`noisy_quadratic` from a far start.

    The four schedules run side by side (:func:`coursekit.schedules.stack`) with
    ``repeats`` seeds, from θ_0 = ``start``·(1, ..., 1). The Robbins–Monro
    conditions are sufficient, not necessary: ε0/√k fails eq. 8.13 yet
    converges on this strongly convex problem (more slowly); the exponential
    decay fails eq. 8.12 (Σε_k = ε0/(1 − r) < ∞), so θ stops moving at a
    finite distance from θ*; the constant rate stays at its noise floor.
    """
    lr0 = check_scalar("lr0", lr0, 0.0, 1.0, low_open=True, high_open=True)
    rate = check_scalar("rate", rate, 0.0, 1.0, low_open=True, high_open=True)
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
    return ScheduleRunResult(
        names=tuple(s.name for s in schedules),
        steps=result.steps,
        lr=result.lr[:, 0],
        excess_mean=excess,
        final_excess=excess[-1],
        constant_floor=float(problem.stationary_excess_loss(lr0, 1)),
        slope_inverse_k=float(analysis.loglog_slope(result.steps, excess[:, 1], **window)),
        slope_inverse_sqrt=float(analysis.loglog_slope(result.steps, excess[:, 2], **window)),
        frozen_distance=float(distance[:, 3].mean()),
        frozen_distance_noise_free=float(np.linalg.norm(shrink * (theta0 - problem.minimizer))),
        frozen_movement=float(movement.max()),
        distance_inverse_k=float(distance[:, 1].mean()),
        lr0=lr0,
        rate=rate,
        start=start,
        repeats=repeats,
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
