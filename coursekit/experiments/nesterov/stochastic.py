"""Stochastic gradients (claim C20): no acceleration of the noise term; the bias term
(σ = 0) is accelerated (Lan, 2012); the increasing α_k keeps a constant effective step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import analysis, optimizers, schedules
from ..._validation import check_finite, check_int, check_scalar
from ...problems import quadratic_with_spectrum
from ...runner import run
from ._common import METHODS_STOCHASTIC

__all__ = ["BiasAndNoise", "ScheduleWithNoise", "StochasticRates", "bias_and_noise",
           "schedule_with_noise", "stochastic_rates"]


@dataclass(frozen=True)
class StochasticRates:
    """SGD, momentum and Nesterov with noisy gradients, over ``repeats`` seeds.

    steps (R,); excess (R, S, 3): J(θ_k) − J* per seed, columns in the order
    of ``labels``; mean_excess (R, 3): the mean over seeds;
    slopes (3,): log-log slopes of the mean curves on [k_min, k_max];
    seed_slopes (S, 3) and slope_se (3,): slope per seed and its standard
    error over seeds; final (S, 3): mean excess over the last 10% of
    records, per seed; ratios (2,): mean final of momentum and Nesterov
    over that of SGD; ratio_se (2,): their standard errors over seeds
    (delta method); slope_z (2,): (slope − slope of SGD)/standard error of
    the difference, for momentum and Nesterov.
    """

    steps: np.ndarray
    excess: np.ndarray
    mean_excess: np.ndarray
    labels: tuple
    slopes: np.ndarray
    seed_slopes: np.ndarray
    slope_se: np.ndarray
    final: np.ndarray
    ratios: np.ndarray
    ratio_se: np.ndarray
    slope_z: np.ndarray
    k_min: float
    k_max: float
    lr0: float
    tau: float
    momentum: float
    repeats: int


def stochastic_rates(dim: int = 10, condition_number: float = 10.0, noise: float = 1.0,
                     lr0: float = 1.0, tau: float = 20.0, momentum: float = 0.9,
                     steps: int = 5_000, repeats: int = 64, record_every: int = 25,
                     k_min: float = 5e2, k_max: float = 5e3, seed: int = 0) -> StochasticRates:
    """Does Nesterov beat O(1/k) when the gradient is noisy? (C20)

    A noisy quadratic (eigenvalues from 1/κ to 1, Haar-random axes, gradient
    noise σ per coordinate, batch size 1; strongly convex, so SGD with
    ε_k ∝ 1/k has excess error O(1/k), claim C8). All three methods use the
    same *effective* step: SGD ε_k = ε_0/(1 + k/τ), momentum and Nesterov
    (1 − α)·ε_k with constant α, because ε/(1 − α) is the step momentum
    takes once the velocity has built up (eq. 8.17). Equal effective steps
    make any remaining difference due to the look-ahead alone.
    """
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    dim = check_int("dim", dim, low=1)
    repeats = check_int("repeats", repeats, low=2)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    tau = check_scalar("tau", tau, 0.0, low_open=True)
    kappa = check_scalar("condition_number", condition_number, 1.0)
    problem = quadratic_with_spectrum(np.geomspace(1.0 / kappa, 1.0, dim), rng=rng, noise=noise)
    theta0 = np.full(dim, 1.0)

    # SGD is Nesterov with α = 0: one run holds SGD and Nesterov.
    lrs = schedules.inverse_time(np.array([lr0, (1.0 - momentum) * lr0]), tau)
    first = run(problem, optimizers.nesterov(lrs, np.array([0.0, momentum])), theta0, steps,
                batch_size=1, rng=rng, repeats=repeats, record_every=record_every)
    second = run(problem, optimizers.momentum(schedules.inverse_time((1.0 - momentum) * lr0, tau),
                                              momentum),
                 theta0, steps, batch_size=1, rng=rng, repeats=repeats, record_every=record_every)
    excess = np.stack([first.loss[..., 0], second.loss, first.loss[..., 1]], axis=-1) - problem.min_loss
    mean_excess = excess.mean(axis=1)
    slopes = analysis.loglog_slope(first.steps, mean_excess, k_min, k_max)
    seed_slopes = analysis.loglog_slope(first.steps, excess, k_min, k_max)
    slope_se = seed_slopes.std(axis=0, ddof=1) / np.sqrt(repeats)
    slope_z = (slopes[1:] - slopes[0]) / np.sqrt(slope_se[1:] ** 2 + slope_se[0] ** 2)

    final = analysis.tail_mean(excess, 0.1)  # (S, 3)
    means = final.mean(axis=0)
    se = final.std(axis=0, ddof=1) / np.sqrt(repeats)
    ratios = means[1:] / means[0]
    # Delta method for a ratio of independent means.
    ratio_se = ratios * np.sqrt((se[1:] / means[1:]) ** 2 + (se[0] / means[0]) ** 2)
    return StochasticRates(
        steps=first.steps, excess=excess, mean_excess=mean_excess, labels=METHODS_STOCHASTIC,
        slopes=slopes, seed_slopes=seed_slopes, slope_se=slope_se, final=final, ratios=ratios,
        ratio_se=ratio_se, slope_z=slope_z, k_min=float(k_min), k_max=float(k_max), lr0=lr0,
        tau=tau, momentum=momentum, repeats=repeats,
    )


@dataclass(frozen=True)
class BiasAndNoise:
    """SGD and accelerated Nesterov at constant steps, at several noise levels σ.

    steps (R,); mean_excess (R, N, 2): mean over seeds of J(θ_k) − J*, axis 1
    the noise levels ``noise``, axis 2 (SGD, Nesterov); ratio (R, N):
    Nesterov's mean excess over SGD's.
    """

    steps: np.ndarray
    noise: np.ndarray
    mean_excess: np.ndarray
    ratio: np.ndarray
    lr: float
    momentum: float
    condition_number: float
    repeats: int

    def at(self, k: int) -> np.ndarray:
        """The (N, 2) mean excess at iteration k (a recorded one)."""
        return self.mean_excess[int(np.flatnonzero(self.steps == k)[0])]


def bias_and_noise(noise=(0.0, 1e-3, 1.0), dim: int = 10, condition_number: float = 100.0,
                   steps: int = 1000, repeats: int = 32, record_every: int = 10,
                   seed: int = 0) -> BiasAndNoise:
    """Acceleration shrinks the deterministic (bias) term, not the noise term (Lan, 2012).

    A quadratic with eigenvalues from 1/κ to L = 1 (Haar-random axes),
    gradients with additive noise σ per coordinate (batch size 1, the same
    for every θ). SGD with ε = 1/L (rate 1 − 1/κ without noise) against
    Nesterov with ε = 1/L and α = (√κ − 1)/(√κ + 1) (rate 1 − 1/√κ without
    noise). At a constant step the excess is a bias that decays geometrically
    plus a noise floor ∝ σ²; Nesterov's larger effective step ε/(1 − α)
    raises its floor. σ = 0 is the bias alone.
    """
    noise = check_finite("noise", noise).ravel()
    if np.any(noise < 0):
        raise ValueError(f"noise must be >= 0, got {noise}")
    kappa = check_scalar("condition_number", condition_number, 1.0)
    steps = check_int("steps", steps, low=1)
    repeats = check_int("repeats", repeats, low=1)
    root = np.sqrt(kappa)
    momentum = (root - 1) / (root + 1)
    eigenvalues = np.geomspace(1.0 / kappa, 1.0, check_int("dim", dim, low=1))
    rows = []
    for sigma in noise:
        # The same seed for every σ: the runs differ only by the noise scale.
        rng = np.random.default_rng(check_int("seed", seed, low=0))
        problem = quadratic_with_spectrum(eigenvalues, rng=rng, noise=float(sigma))
        result = run(problem, optimizers.nesterov(1.0, np.array([0.0, momentum])), np.ones(dim), steps,
                     batch_size=1, rng=rng, repeats=repeats, record_every=record_every)
        rows.append((result.loss - problem.min_loss).mean(axis=1))
    mean_excess = np.stack(rows, axis=1)
    return BiasAndNoise(steps=result.steps, noise=noise, mean_excess=mean_excess,
                        ratio=mean_excess[..., 1] / mean_excess[..., 0], lr=1.0, momentum=float(momentum),
                        condition_number=kappa, repeats=repeats)


@dataclass(frozen=True)
class ScheduleWithNoise:
    """The accelerating α_k = (k−1)/(k+2) with ε_k = ε_0/(1 + k/τ) and noisy gradients.

    effective (K,): ε_k/(1 − α_k) = ε_0 τ (k + 2)/(3(τ + k)), k = 1..K;
    limit: ε_0 τ/3; mean_excess (R, 2): mean over seeds of J − J* for SGD
    (ε_k) and Nesterov with the schedule; steps (R,).
    """

    steps: np.ndarray
    effective: np.ndarray
    limit: float
    mean_excess: np.ndarray
    lr0: float
    tau: float


def schedule_with_noise(dim: int = 10, condition_number: float = 10.0, noise: float = 1.0, lr0: float = 1.0,
                        tau: float = 20.0, steps: int = 5_000, repeats: int = 16, record_every: int = 25,
                        seed: int = 0) -> ScheduleWithNoise:
    """Why the schedule of the batch case fails with noise: its effective step does not decay.

    The problem of :func:`stochastic_rates`. With ε_k = ε_0/(1 + k/τ) and
    1 − α_k = 3/(k + 2), the effective step ε_k/(1 − α_k) (eq. 8.17) rises
    from ε_0 τ/(τ + 1) and levels off at ε_0 τ/3, so the noise is never
    averaged out; SGD with ε_k is the control.
    """
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    tau = check_scalar("tau", tau, 0.0, low_open=True)
    steps = check_int("steps", steps, low=1)
    kappa = check_scalar("condition_number", condition_number, 1.0)
    problem = quadratic_with_spectrum(np.geomspace(1.0 / kappa, 1.0, check_int("dim", dim, low=1)),
                                      rng=rng, noise=noise)
    lr = schedules.inverse_time(lr0, tau)
    alphas = schedules.stack(schedules.constant(0.0), schedules.nesterov_momentum())
    result = run(problem, optimizers.nesterov(lr, alphas), np.ones(problem.dim), steps, batch_size=1,
                 rng=rng, repeats=check_int("repeats", repeats, low=1), record_every=record_every)
    k = np.arange(1, steps + 1)
    effective = lr(k) / (1.0 - schedules.nesterov_momentum()(k))
    return ScheduleWithNoise(steps=result.steps, effective=effective, limit=lr0 * tau / 3.0,
                             mean_excess=(result.loss - problem.min_loss).mean(axis=1), lr0=lr0, tau=tau)
