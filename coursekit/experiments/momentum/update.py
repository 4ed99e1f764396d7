"""Algorithm 8.2 written out, and the terminal velocity of eq. 8.17 (claims C11, C12)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval, check_scalar
from ...analysis import steps_to_tolerance
from ...optimizers import momentum as momentum_optimizer
from ...problems import LinearCost
from ...runner import run

__all__ = [
    "FirstSteps",
    "TerminalVelocity",
    "first_steps",
    "terminal_velocity",
]


# --------------------------------------------------------------------------
# C11: the update written out
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstSteps:
    """k, g_k, v_k, θ_k of the first updates on J(θ) = ½ λ θ² (1-D).

    Arrays of length steps + 1; row 0 is the start (g_0 and v_0 hold the
    gradient at θ_0 and the initial velocity 0).
    """

    k: np.ndarray
    grad: np.ndarray
    velocity: np.ndarray
    theta: np.ndarray
    lr: float
    momentum: float
    curvature: float

    def table(self) -> str:
        """The rows as fixed-precision text: k, g (used by update k), v_k, θ_k."""
        lines = [f"{'k':>3} {'g = ∇J(θ_(k-1))':>16} {'v_k':>10} {'θ_k':>10}"]
        lines.append(f"{0:>3} {'':>16} {self.velocity[0]:>10.5f} {self.theta[0]:>10.5f}")
        for i in range(1, self.k.size):
            lines.append(
                f"{int(self.k[i]):>3} {self.grad[i]:>16.5f} {self.velocity[i]:>10.5f} {self.theta[i]:>10.5f}"
            )
        return "\n".join(lines)


def first_steps(lr: float = 0.1, momentum: float = 0.9, curvature: float = 1.0,
                theta0: float = 1.0, steps: int = 6) -> FirstSteps:
    """Run ``steps`` updates of Algorithm 8.2 by hand on J(θ) = ½ λ θ².

    Uses :func:`coursekit.optimizers.momentum` ``init``/``update``: at update
    k the gradient is g = λ θ_{k−1}, then v_k = α v_{k−1} − ε g (eq. 8.15)
    and θ_k = θ_{k−1} + v_k (eq. 8.16).

    >>> r = first_steps(lr=0.1, momentum=0.9, steps=2)
    >>> [round(float(x), 6) for x in r.velocity], [round(float(x), 6) for x in r.theta]
    ([0.0, -0.1, -0.18], [1.0, 0.9, 0.72])
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    curvature = check_scalar("curvature", curvature, 0.0)
    theta0 = check_scalar("theta0", theta0)
    steps = check_int("steps", steps, low=1, high=1000)
    opt = momentum_optimizer(lr, momentum)
    theta = np.array([theta0])
    state = opt.init(theta)
    grads, velocities, thetas = [np.nan], [0.0], [theta0]
    for _ in range(steps):
        grad = curvature * theta
        theta, state = opt.update(theta, state, grad)
        grads.append(float(grad[0]))
        velocities.append(float(state.velocity[0]))
        thetas.append(float(theta[0]))
    return FirstSteps(np.arange(steps + 1), np.array(grads), np.array(velocities),
                      np.array(thetas), lr, momentum, curvature)


# --------------------------------------------------------------------------
# C12: terminal velocity under a constant gradient
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TerminalVelocity:
    """‖v_k‖ of momentum under a constant gradient g, for several α (eq. 8.17).

    k : (R,)                   iterations 0..steps
    momenta : (A,)             α values
    ratio : (R, A)             ‖v_k‖(1 − α)/(ε‖g‖), measured
    predicted : (R, A)         1 − α^k
    max_error : float          max |ratio − predicted|
    speedup : (A,)             ‖v_K‖/(ε‖g‖) at the last step: → 1/(1 − α)
    steps_to_99 : (A,) int     first k with ratio ≥ 0.99 (from then on)
    steps_to_99_theory : (A,)  ⌈ln 0.01 / ln α⌉
    """

    k: np.ndarray
    momenta: np.ndarray
    ratio: np.ndarray
    predicted: np.ndarray
    max_error: float
    speedup: np.ndarray
    steps_to_99: np.ndarray
    steps_to_99_theory: np.ndarray
    lr: float
    grad_norm: float


def terminal_velocity(momenta=(0.5, 0.9, 0.99), lr: float = 0.01, gradient=(3.0, 4.0),
                      steps: int = 1000) -> TerminalVelocity:
    """Run Algorithm 8.2 on a linear cost, one trajectory per α.

    Under a constant g, v_k = −ε g (1 + α + ... + α^(k−1)) = −ε g (1 − α^k)/(1 − α),
    so the speed ‖v_k‖ tends to the terminal velocity ε‖g‖/(1 − α) (eq. 8.17).
    """
    momenta = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    if momenta.ndim != 1 or momenta.size == 0:
        raise ValueError(f"momenta must be a non-empty 1-D sequence, got shape {momenta.shape}")
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    steps = check_int("steps", steps, low=1)
    problem = LinearCost(gradient)
    g_norm = float(np.linalg.norm(problem.gradient))
    if g_norm == 0.0:
        raise ValueError("gradient must be non-zero, got the zero vector")
    result = run(problem, momentum_optimizer(lr, momenta), np.zeros(problem.dim), steps)
    ratio = result.speed * (1.0 - momenta) / (lr * g_norm)
    k = result.steps
    predicted = 1.0 - momenta ** k[:, None].astype(float)
    reached = steps_to_tolerance(k, 1.0 - ratio, 0.01)
    return TerminalVelocity(
        k=k,
        momenta=momenta,
        ratio=ratio,
        predicted=predicted,
        max_error=float(np.max(np.abs(ratio - predicted))),
        speedup=result.speed[-1] / (lr * g_norm),
        steps_to_99=np.asarray(reached),
        steps_to_99_theory=np.ceil(np.log(0.01) / np.log(momenta)).astype(np.int64),
        lr=lr,
        grad_norm=g_norm,
    )
