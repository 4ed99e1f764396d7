"""Claim C1: the Robbins–Monro conditions (eqs. 8.12, 8.13), as sums and on a run.

:func:`robbins_monro_sums` gives Σε_k and Σε_k² of four schedules (constant,
ε0/k, ε0/√k, ε0·r^(k−1)) and their verdicts; :func:`schedules_on_run` runs
the same four schedules with SGD, each measurement beside its exact
expectation (:func:`coursekit.experiments.rates.expected_excess`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import analysis
from ..._validation import check_int, check_scalar
from ...optimizers import sgd
from ...problems import Quadratic
from ...robbins_monro import RobbinsMonroReport, robbins_monro
from ...runner import run
from ...schedules import Schedule, constant, exponential_decay, inverse_k, inverse_sqrt, stack
from ..rates import expected_excess
from .problems import noisy_quadratic

__all__ = [
    "RobbinsMonroSums",
    "ScheduleRunResult",
    "robbins_monro_sums",
    "schedules_on_run",
]


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
    expected_slope_inverse_k_small_from_minimum : float
                                   the exact slope, same window, of ε0/k from ``lr0_small``
                                   started at θ_0 = θ* (noise part only): the control of "the
                                   far start slows it down". With 2ε0μ < 1 the noise part decays
                                   like k^(−2ε0μ) too, so this slope is as slow as the far
                                   start's; the start sets the level, not the rate
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
    expected_slope_inverse_k_small_from_minimum: float
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

    Controls: ε0/k from ``lr0_small`` (2 ε0 μ < 1) crawls, and as slowly when
    started at θ* (exact, noise part only); ε0/√k tracks the
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
    # The same small-ε0 run started at θ* has no start to forget (bias part 0): with
    # 2ε0μ < 1 both parts decay like k^(−2ε0λ_i), so its slope isolates the rate.
    at_minimum = expected_excess(problem.eigenvalues, np.zeros(problem.dim), np.asarray(inverse_k(lr0_small)(ks), float),
                                 problem.noise)
    at_minimum_excess = (at_minimum.bias_last + at_minimum.noise_last)[result.steps]
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
        expected_slope_inverse_k_small_from_minimum=float(analysis.loglog_slope(result.steps, at_minimum_excess, **window)),
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

