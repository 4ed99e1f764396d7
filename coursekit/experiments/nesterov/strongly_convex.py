"""Strongly convex costs: Nesterov with a constant α converges at about 1 − 1/√κ on every
smooth strongly convex function; heavy ball's rate holds for quadratics only (Lessard, Recht
& Packard, 2016, §4.6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import optimizers
from ..._validation import check_finite, check_int, check_scalar
from ...problems import LessardFunction, Quadratic
from ...runner import run
from ._common import _theta0

__all__ = ["StronglyConvex", "heavy_ball_cycle_basin", "strongly_convex"]


@dataclass(frozen=True)
class StronglyConvex:
    """Heavy ball and Nesterov, each at its textbook setting, on a smooth strongly convex
    non-quadratic cost and on the quadratic with the same L and μ (the control).

    distance (K+1, 2, 2): ‖θ_k − θ*‖, axis 1 the problem (``problems``: 0 the
    Lessard-Recht-Packard cost, 1 the quadratic), axis 2 the method
    (``labels``: 0 heavy ball, 1 Nesterov); rates (2, 2): per-step factor
    (d_{k2}/d_{k1})^{1/(k2−k1)} on the window [k1, k2] (nan where the run
    does not converge); excess (K+1, 2, 2): J(θ_k) − J*, the quantity Nesterov's
    guarantee bounds, and excess_rates (2, 2) its per-step factor on the same
    window; excess_bound (K+1, 2): that guarantee, (J(θ_0) − J* + ½μ‖θ_0 − θ*‖²)
    (1 − 1/√κ′)^k with κ′ = nesterov_L/μ (Nesterov, 2004, Thm 2.2.3), for each problem;
    converged (2, 2): d_K < 1e-8; cycle (3,): the last
    three θ_1 of heavy ball on the non-quadratic cost (a period-3 cycle);
    cycle_min: min over the last 30 steps of |θ_1|; nesterov_theta1 (K+1,): θ_1 of Nesterov on
    the non-quadratic cost (with ε = 1/L′ it is not wiped out in one or two steps).
    """

    steps: np.ndarray
    distance: np.ndarray
    labels: tuple
    problems: tuple
    rates: np.ndarray
    excess: np.ndarray
    excess_rates: np.ndarray
    excess_bound: np.ndarray
    converged: np.ndarray
    cycle: np.ndarray
    cycle_min: float
    window: tuple
    L: float
    mu: float
    lr_heavy_ball: float
    momentum_heavy_ball: float
    lr_nesterov: float
    momentum_nesterov: float
    theta0: np.ndarray
    nesterov_bound: float
    heavy_ball_quadratic_rate: float
    nesterov_L: float = 25.0
    nesterov_theta1: np.ndarray | None = None


def strongly_convex(L: float = 25.0, mu: float = 1.0, steps: int = 200, theta0=(3.3, 1.0),
                    window=(100, 200), nesterov_L: float = 30.0) -> StronglyConvex:
    """Heavy ball cycles on a smooth strongly convex cost where Nesterov converges.

    Settings (κ = L/μ): heavy ball (Algorithm 8.2) at Polyak's optimum for
    quadratics, ε = 4/(√L + √μ)², α = ((√κ − 1)/(√κ + 1))², rate
    (√κ − 1)/(√κ + 1) on every quadratic (Polyak, 1964); Nesterov
    (Algorithm 8.3) with ε = 1/L′, α = (√κ′ − 1)/(√κ′ + 1), κ′ = L′/μ, guaranteed
    rate 1 − 1/√κ′ on every L′-smooth μ-strongly convex function (Nesterov, 2004,
    §2.2). L′ = ``nesterov_L`` ≥ L is also a valid smoothness constant; with L′ = L
    the step ε = 1/L solves the θ_1 part exactly within two steps (the curvature
    is exactly L near 0), so the measured rate would only be that of ½μθ_2². The non-quadratic cost is h(θ_1) + ½ μ θ_2² with h of Lessard,
    Recht & Packard (2016, §4.6); the control is ½(L θ_1² + μ θ_2²), the
    quadratic with the same L and μ. The second coordinate has curvature μ,
    the direction where the accelerated rate is tight.
    """
    L = check_scalar("L", L, 0.0, low_open=True)
    mu = check_scalar("mu", mu, 0.0, L, low_open=True)
    steps = check_int("steps", steps, low=2)
    k1, k2 = (check_int("window[0]", window[0], low=0), check_int("window[1]", window[1], high=steps))
    if not k1 < k2:
        raise ValueError(f"window must satisfy window[0] < window[1], got {window}")
    nesterov_L = check_scalar("nesterov_L", nesterov_L, L)
    root, root_n = np.sqrt(L / mu), np.sqrt(nesterov_L / mu)
    lr_hb, alpha_hb = 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((root - 1) / (root + 1)) ** 2
    lr_n, alpha_n = 1.0 / nesterov_L, (root_n - 1) / (root_n + 1)
    start = _theta0(theta0)
    problems = (LessardFunction(L, mu, extra_curvatures=[mu]), Quadratic([L, mu]))
    distance = np.empty((steps + 1, 2, 2))
    excess = np.empty((steps + 1, 2, 2))
    thetas = {}
    for i, problem in enumerate(problems):
        for j, optimizer in enumerate((optimizers.momentum(lr_hb, alpha_hb), optimizers.nesterov(lr_n, alpha_n))):
            result = run(problem, optimizer, start, steps, keep_path=True)
            thetas[i, j] = result.theta
            distance[:, i, j] = np.linalg.norm(result.theta, axis=-1)  # θ* = 0 for both
            excess[:, i, j] = problem.loss(result.theta) - problem.loss(np.zeros(2))
    converged = distance[-1] < 1e-8
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = (distance[k2] / distance[k1]) ** (1.0 / (k2 - k1))
        excess_rates = (excess[k2] / excess[k1]) ** (1.0 / (k2 - k1))
    rates = np.where(converged, rates, np.nan)
    excess_rates = np.where(converged, excess_rates, np.nan)
    # Nesterov (2004), Thm 2.2.3 with γ_0 = μ: J(θ_k) − J* ≤ (J(θ_0) − J* + ½μ‖θ_0 − θ*‖²)(1 − 1/√κ′)^k.
    constant = excess[0, :, 1] + 0.5 * mu * distance[0, :, 1] ** 2
    excess_bound = constant[None, :] * (1 - 1 / root_n) ** np.arange(steps + 1)[:, None]
    cycling = thetas[0, 0][:, 0]
    return StronglyConvex(
        steps=np.arange(steps + 1), distance=distance, labels=("heavy ball", "Nesterov"),
        problems=("Lessard-Recht-Packard", "quadratic"), rates=rates, excess=excess,
        excess_rates=excess_rates, excess_bound=excess_bound, converged=converged,
        cycle=cycling[-3:].copy(), cycle_min=float(np.abs(cycling[-30:]).min()), window=(k1, k2),
        L=L, mu=mu, lr_heavy_ball=float(lr_hb), momentum_heavy_ball=float(alpha_hb),
        lr_nesterov=float(lr_n), momentum_nesterov=float(alpha_n), theta0=start,
        nesterov_bound=float(1 - 1 / root_n), nesterov_L=float(nesterov_L), nesterov_theta1=thetas[0, 1][:, 0].copy(), heavy_ball_quadratic_rate=float((root - 1) / (root + 1)),
    )


def heavy_ball_cycle_basin(L: float = 25.0, mu: float = 1.0, starts=None, steps: int = 2000) -> float:
    """Fraction of starts θ_0 (v_0 = 0) from which 1-D heavy ball at Polyak's quadratic optimum
    does not converge on h of Lessard, Recht & Packard (2016, §4.6): |θ_1| > 0.1 over the last
    30 of ``steps`` updates. Default starts: 2001 points evenly spaced on [−10, 10].
    """
    L = check_scalar("L", L, 0.0, low_open=True)
    mu = check_scalar("mu", mu, 0.0, L, low_open=True)
    starts = np.linspace(-10.0, 10.0, 2001) if starts is None else check_finite("starts", starts).ravel()
    root = np.sqrt(L / mu)
    optimizer = optimizers.momentum(np.full(starts.size, 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2),
                                    ((root - 1) / (root + 1)) ** 2)
    result = run(LessardFunction(L, mu), optimizer, starts[:, None], steps, keep_path=True)
    return float(np.mean(np.abs(result.theta[-30:, :, 0]).min(axis=0) > 0.1))
