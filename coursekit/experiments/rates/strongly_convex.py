"""Claim C8 on a μ-strongly convex quadratic: ε_k = 1/(μ(k + k_0)) gives O(1/k), and two controls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import loglog_slope
from ...optimizers import sgd
from ...problems import Quadratic
from ...runner import run
from ...schedules import inverse_sqrt, inverse_time
from ._common import _check_window
from .exact import expected_excess

__all__ = [
    "StronglyConvexRateResult",
    "strongly_convex_rate",
]


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
