"""Checks for the exercises of lecture 04: momentum (Algorithm 8.2, eq. 8.17, Polyak's optimum)."""

from __future__ import annotations

import math

import numpy as np

from ..momentum_theory import optimal_parameters
from ..optimizers import OptimizerState
from ..optimizers import momentum as _momentum_optimizer
from ._core import Checker, Mistake

__all__ = ["momentum_step", "optimal_heavy_ball", "terminal_velocity_steps"]


# --------------------------------------------------------------------------
# Exercise 1: one update of Algorithm 8.2
# --------------------------------------------------------------------------


def _step(theta, velocity, grad, lr, alpha, *, lr_factor=1.0, grad_sign=-1.0, alpha_used=None,
          old_velocity=False):
    """v ← α v ± ε g, θ ← θ + v, with switches for the mistaken versions."""
    alpha_used = alpha if alpha_used is None else alpha_used
    new_velocity = alpha_used * velocity + grad_sign * lr * lr_factor * grad
    return theta + (velocity if old_velocity else new_velocity), new_velocity


MOMENTUM_STEP_MISTAKES = (
    Mistake("a sign error in the velocity: v ← αv + εg",
            "the step goes downhill, against the gradient: v ← αv − εg (eq. 8.15).",
            lambda theta, v, g, lr, a: _step(theta, v, g, lr, a, grad_sign=1.0)),
    Mistake("θ moved with the old velocity",
            "update v first, then move with the new one: θ ← θ + v uses the v of eq. 8.15 "
            "computed in this same call (eq. 8.16).",
            lambda theta, v, g, lr, a: _step(theta, v, g, lr, a, old_velocity=True)),
    Mistake("the damped form v ← αv − (1 − α)εg",
            "Algorithm 8.2 does not scale the gradient by (1 − α): v ← αv − εg (eq. 8.15). "
            "Averaging the gradients is another convention, with a different ε.",
            lambda theta, v, g, lr, a: _step(theta, v, g, lr, a, lr_factor=1.0 - np.asarray(a))),
    Mistake("a velocity that is never damped: v ← v − εg",
            "the old velocity is multiplied by the momentum α before the gradient step is "
            "added: v ← αv − εg (eq. 8.15).",
            lambda theta, v, g, lr, a: _step(theta, v, g, lr, a, alpha_used=1.0)),
    Mistake("a velocity that forgets the past: v ← −εg",
            "that is plain SGD (α = 0). Keep α times the old velocity: v ← αv − εg (eq. 8.15).",
            lambda theta, v, g, lr, a: _step(theta, v, g, lr, a, alpha_used=0.0)),
    Mistake("the library form b ← αb + g, θ ← θ − εb",
            "in the book's form the velocity already contains ε and the minus sign: "
            "v ← αv − εg, then θ ← θ + v (eqs. 8.15, 8.16).",
            lambda theta, v, g, lr, a: (theta - lr * (a * v + g), a * v + g)),
)


def _expected_momentum_step(theta, velocity, grad, lr, momentum):
    """Algorithm 8.2 from coursekit.optimizers; per-row (K, 1) values become the optimizer's (K,)."""
    flat = [np.asarray(x)[..., 0] if np.ndim(x) else x for x in (lr, momentum)]
    optimizer = _momentum_optimizer(lr=flat[0], momentum=flat[1])
    new_theta, state = optimizer.update(theta, OptimizerState(velocity, 0), grad)
    return new_theta, state.velocity


def momentum_step(fn) -> None:
    """Check ``fn(theta, velocity, grad, lr, momentum) -> (theta, velocity)``.

    Algorithm 8.2: v ← α v − ε g (eq. 8.15), then θ ← θ + v (eq. 8.16), for θ
    of shape (d,) or (K, d), with ε and α numbers or per-row arrays of shape (K, 1).
    """
    c = Checker("momentum_step", fn, ("theta", "velocity", "grad", "lr", "momentum"),
                MOMENTUM_STEP_MISTAKES,
                hint="first v ← αv − εg (eq. 8.15), then θ ← θ + v with that new v (eq. 8.16); "
                     "return (θ, v).")
    batch = (np.array([[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]]),     # θ, v and g of K = 3 rows
             np.array([[0.5, -0.25], [0.0, 0.1], [-0.2, 0.4]]),
             np.array([[2.0, 1.0], [-1.0, 0.5], [0.3, -0.6]]))
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, -0.25]), np.array([2.0, 1.0]), 0.1, 0.9),
        # Row k = 2 of the lecture's table: θ_1 = 0.9, v_1 = −0.1 on J = θ²/2.
        (np.array([0.9]), np.array([-0.1]), np.array([0.9]), 0.1, 0.9),
        (np.array([1.0, 1.0]), np.zeros(2), np.array([3.0, -4.0]), 0.01, 0.5),  # the first update
        (np.array([0.3, -0.7, 2.0]), np.array([0.2, 0.1, -0.4]), np.array([-1.0, 0.5, 0.25]), 0.05, 0.0),
        (np.array([-1.5]), np.array([2.0]), np.array([0.0]), 0.3, 0.99),  # no gradient: coasting
        (*batch, 0.02, 0.75),
        (*batch, np.array([[0.1], [0.05], [0.2]]), np.array([[0.9], [0.0], [0.5]])),
    ]
    for args in cases:
        c.case(args, _expected_momentum_step(*args))
    c.passed()


# --------------------------------------------------------------------------
# Exercise 2: how fast the terminal velocity is reached
# --------------------------------------------------------------------------


def _log_ratio_rounded(numerator: float, denominator: float, rounding=math.ceil) -> int:
    with np.errstate(divide="ignore"):
        return int(rounding(np.log(numerator) / np.log(denominator)))


TERMINAL_MISTAKES = (
    Mistake("rounding down (floor or int() instead of ceil)",
            "the smallest k with 1 − α^k ≥ fraction is ln(1 − fraction)/ln α rounded *up*: "
            "rounding down stops one update short of the fraction.",
            lambda a, f: _log_ratio_rounded(1.0 - f, a, math.floor)),
    Mistake("rounding to the nearest integer",
            "round() can go down, and then 1 − α^k is still below the fraction: round up (ceil).",
            lambda a, f: _log_ratio_rounded(1.0 - f, a, round)),
    Mistake("an off-by-one: one update too many",
            "v_k = −εg (1 − α^k)/(1 − α) counts updates from k = 1 (v_0 = 0); return the first k "
            "that reaches the fraction, not the one after it.",
            lambda a, f: _log_ratio_rounded(1.0 - f, a) + 1),
    Mistake("int(...) + 1 in place of ceil: one update too many when ln(1 − fraction)/ln α "
            "is a whole number",
            "int(x) + 1 equals ceil(x) except when x is an integer: with α = 0.5 and fraction = "
            "0.75, 1 − 0.5² = 0.75 already reaches the fraction at k = 2. Round up with "
            "math.ceil (or count k in a loop).",
            lambda a, f: _log_ratio_rounded(1.0 - f, a, math.floor) + 1),
    Mistake("solving α^k = fraction",
            "the fraction of the terminal speed reached after k updates is 1 − α^k (eq. 8.17), so "
            "solve 1 − α^k ≥ fraction, i.e. α^k ≤ 1 − fraction.",
            lambda a, f: _log_ratio_rounded(f, a)),
    Mistake("the fraction 0.99 written into the function",
            "use the argument `fraction`: 1 − α^k ≥ fraction.",
            lambda a, f: _log_ratio_rounded(0.01, a)),
    Mistake("k = 0 for α = 0",
            "with α = 0 the velocity is −εg from the first update on, so the answer is k = 1; "
            "ln 0 = −∞ makes the formula give 0. No k below 1 counts: v_0 = 0.",
            lambda a, f: _log_ratio_rounded(1.0 - f, a) if a > 0 else 0),
)


def _expected_terminal_steps(momentum: float, fraction: float) -> int:
    """Smallest k ≥ 1 with 1 − α^k ≥ fraction, by counting (eq. 8.17)."""
    k = 1
    while 1.0 - momentum**k < fraction:
        k += 1
    return k


def terminal_velocity_steps(fn) -> None:
    """Check ``fn(momentum, fraction) -> int``: the smallest k with 1 − α^k ≥ fraction.

    Under a constant gradient ‖v_k‖ = (1 − α^k) ε‖g‖/(1 − α) (eq. 8.17), so k
    is the first update at which the speed reaches ``fraction`` of its limit.
    """
    c = Checker("terminal_velocity_steps", fn, ("momentum", "fraction"), TERMINAL_MISTAKES,
                hint="1 − α^k ≥ fraction ⇔ k ≥ ln(1 − fraction)/ln α (both logarithms are negative); "
                     "return the smallest such integer k ≥ 1.")
    # The lecture's three values first, then others that lie at least 1e-3 away from an
    # integer boundary. Then cases exactly on a boundary, where ln(1 − fraction)/ln α is a
    # whole number x and 1 − α^x = fraction holds exactly in floating point (α a power of
    # 1/2 or 3/4): there ceil(x) = x is right, while int(x) + 1 = x + 1; and the case
    # (0.5, 0.6) with x = 1.32, where round(x) = 1 falls short and ceil(x) = int(x) + 1 = 2.
    # A formula and a loop agree on every case.
    cases = [(0.9, 0.99), (0.5, 0.99), (0.99, 0.99), (0.9, 0.9), (0.8, 0.999), (0.95, 0.63),
             (0.999, 0.5), (0.9, 0.05), (0.3, 0.999999), (0.0, 0.9), (0.0, 0.5),
             (0.5, 0.6), (0.5, 0.75), (0.5, 0.875), (0.75, 0.4375), (0.25, 0.9375),
             (0.5, 1 - 0.5**10), (0.5, 0.5)]
    for args in cases:
        c.case(args, _expected_terminal_steps(*args))
    c.passed()


# --------------------------------------------------------------------------
# Exercise 3: Polyak's optimal (ε, α)
# --------------------------------------------------------------------------


def _polyak(mu, L, *, square_alpha=True, square_lr=True, root=True):
    kappa = L / mu
    r = math.sqrt(kappa) if root else kappa
    rate = (r - 1.0) / (r + 1.0)
    lr = 2.0 / (math.sqrt(L) + math.sqrt(mu))
    return (lr * lr if square_lr else lr), (rate * rate if square_alpha else rate)


OPTIMAL_MISTAKES = (
    Mistake("α* without the square",
            "(√κ − 1)/(√κ + 1) is the rate ρ*; the momentum is its square, "
            "α* = ((√κ − 1)/(√κ + 1))².",
            lambda mu, L: _polyak(mu, L, square_alpha=False)),
    Mistake("gradient descent's best step ε = 2/(L + μ)",
            "that is the optimum for α = 0. With momentum the best step is larger: "
            "ε* = 4/(√L + √μ)² = (2/(√L + √μ))².",
            lambda mu, L: (2.0 / (L + mu), _polyak(mu, L)[1])),
    Mistake("the step ε = 1/L",
            "1/L is a safe step for gradient descent, not Polyak's optimum: ε* = 4/(√L + √μ)².",
            lambda mu, L: (1.0 / L, _polyak(mu, L)[1])),
    Mistake("the canyon race's setting, ε = 2/(L + μ) and α = (1 − √(εμ))²",
            "the canyon race of section 3 gave momentum the step of gradient descent to compare "
            "the two at the same ε; it is not the optimum. Polyak's optimum is "
            "ε* = 4/(√L + √μ)², α* = ((√κ − 1)/(√κ + 1))².",
            lambda mu, L: (2.0 / (L + mu), (1.0 - math.sqrt(2.0 * mu / (L + mu))) ** 2)),
    Mistake("κ in place of √κ",
            "the momentum optimum uses the square root of κ = L/μ: α* = ((√κ − 1)/(√κ + 1))².",
            lambda mu, L: _polyak(mu, L, root=False)),
    Mistake("ε* without the square",
            "ε* = (2/(√L + √μ))² = 4/(√L + √μ)²: square the whole fraction.",
            lambda mu, L: _polyak(mu, L, square_lr=False)),
    Mistake("the pair in the wrong order",
            "return the learning rate first: (lr, momentum) = (ε*, α*).",
            lambda mu, L: _polyak(mu, L)[::-1]),
)


def optimal_heavy_ball(fn) -> None:
    """Check ``fn(mu, L) -> (lr, momentum)``: Polyak's optimal ε* and α* for μ ≤ λ ≤ L.

    ε* = 4/(√L + √μ)², α* = ((√κ − 1)/(√κ + 1))² with κ = L/μ (Polyak, 1964;
    lecture 04, section 4), from coursekit.momentum_theory.optimal_parameters.
    """
    c = Checker("optimal_heavy_ball", fn, ("mu", "L"), OPTIMAL_MISTAKES,
                hint="κ = L/μ, ε* = 4/(√L + √μ)², α* = ((√κ − 1)/(√κ + 1))²; return (ε*, α*).")
    # κ = 100 as in the lecture, then κ = 9, a rescaled spectrum, κ = 1, a large κ.
    for args in [(1.0, 100.0), (1.0, 9.0), (0.5, 50.0), (0.04, 30.0), (2.0, 2.0), (1e-3, 10.0)]:
        c.case(args, optimal_parameters(*args)[:2])
    c.passed()
