"""Where each method takes its gradient, on the canyon (claim C19, Algorithms 8.2 and 8.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import optimizers
from ..._validation import check_int, check_scalar
from ...problems import canyon
from ...runner import RunResult, run
from ._common import _theta0

__all__ = ["InterimPoints", "canyon_runs", "interim_points"]


@dataclass(frozen=True)
class InterimPoints:
    """K steps of momentum and Nesterov from the same θ_0 on the canyon.

    Each dict is keyed by ``"momentum"`` and ``"nesterov"``:
    theta (K+1, 2): θ_0..θ_K;  interim (K, 2): θ_{k−1} + α v_{k−1}, the
    interim point of update k;  grad_point (K, 2): where update k took its
    gradient (θ_{k−1} for momentum, the interim point for Nesterov);
    grad (K, 2): ∇J there;  loss (K+1,): J(θ_k) − J*.
    """

    problem: object
    lr: float
    momentum: float
    theta: dict
    interim: dict
    grad_point: dict
    grad: dict
    loss: dict


def interim_points(condition_number: float = 50.0, lr: float = 0.03, momentum: float = 0.8,
                   steps: int = 5, theta0=(-1.0, 0.5)) -> InterimPoints:
    """Run ``steps`` updates of Algorithms 8.2 and 8.3 and keep where each takes its gradient.

    Momentum evaluates g = ∇J(θ) (eq. 8.15); Nesterov evaluates it at the
    interim point θ̃ = θ + α v (eq. 8.21). Both then set v ← α v − ε g and
    θ ← θ + v (eqs. 8.16, 8.22). The canyon is J = ½(θ_1² + κ θ_2²).
    """
    steps = check_int("steps", steps, low=1, high=1000)
    problem = canyon(condition_number)
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    start = _theta0(theta0)
    out = {name: {} for name in ("theta", "interim", "grad_point", "grad", "loss")}
    for name, factory in (("momentum", optimizers.momentum), ("nesterov", optimizers.nesterov)):
        opt = factory(lr, momentum)
        theta, state = start, opt.init(start)
        thetas, interims, points, grads = [theta], [], [], []
        for _ in range(steps):
            interims.append(theta + momentum * state.velocity)
            point = opt.gradient_point(theta, state)
            grad = problem.grad(point)
            points.append(point)
            grads.append(grad)
            theta, state = opt.update(theta, state, grad)
            thetas.append(theta)
        out["theta"][name] = np.array(thetas)
        out["interim"][name] = np.array(interims)
        out["grad_point"][name] = np.array(points)
        out["grad"][name] = np.array(grads)
        out["loss"][name] = problem.loss(out["theta"][name]) - problem.min_loss
    return InterimPoints(problem, lr, momentum, **out)


def canyon_runs(lr: float, momentum: float, *, condition_number: float = 50.0, steps: int = 200,
                theta0=(-1.0, 0.5)) -> dict[str, RunResult]:
    """Momentum (Algorithm 8.2) and Nesterov (Algorithm 8.3) on the canyon, same ε, α and θ_0.

    Both start with v = 0 and run ``steps`` updates on J = ½(θ_1² + κ θ_2²):
    v ← α v − ε ∇J(θ), θ ← θ + v (eqs. 8.15, 8.16) against
    v ← α v − ε ∇J(θ + α v), θ ← θ + v (eqs. 8.21, 8.22). Returns
    ``{"momentum": RunResult, "nesterov": RunResult}``, each with its path
    θ_0..θ_K (``theta``, shape (K+1, 2)) and J(θ_k) (``loss``). A run that
    diverges is a result (``diverged``, ``diverged_at``), not an error.

    >>> runs = canyon_runs(0.015, 0.8, steps=3)
    >>> runs["momentum"].theta.shape, bool(runs["nesterov"].diverged)
    ((4, 2), False)
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    steps = check_int("steps", steps, low=1)
    problem = canyon(condition_number)
    start = _theta0(theta0)
    return {name: run(problem, factory(lr, momentum), start, steps, keep_path=True)
            for name, factory in (("momentum", optimizers.momentum), ("nesterov", optimizers.nesterov))}
