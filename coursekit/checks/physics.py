"""Checks for the exercises of lecture 05: momentum as the physics of a particle (eqs. 8.18-8.20)."""

from __future__ import annotations

import math

import numpy as np

from .. import physics as _particle
from ._core import Checker, Mistake

__all__ = ["dry_friction_rest_point", "euler_step", "particle_from_momentum"]


# --------------------------------------------------------------------------
# Exercise 1: one semi-implicit Euler step with viscous drag
# --------------------------------------------------------------------------


def _euler(theta, velocity, grad, h, c, *, drag_sign=-1.0, grad_sign=-1.0, h_velocity=True,
           h_theta=True, explicit=False):
    """v ← v + h(∓g ∓ c v), θ ← θ + h v, with switches for the mistaken versions."""
    dt = h if h_velocity else 1.0
    new_velocity = velocity + dt * (grad_sign * grad + drag_sign * c * velocity)
    moved = velocity if explicit else new_velocity
    return theta + (h if h_theta else 1.0) * moved, new_velocity


EULER_MISTAKES = (
    Mistake("explicit Euler: θ moved with the old velocity",
            "the semi-implicit step updates v first and then moves with the *new* velocity: "
            "θ_{k+1} = θ_k + h v_{k+1}.",
            lambda t, v, g, h, c: _euler(t, v, g, h, c, explicit=True)),
    Mistake("a sign error in the drag",
            "viscous drag opposes the motion, F = −c v, so it slows the particle down: "
            "v_{k+1} = (1 − c h) v_k − h ∇J(θ_k).",
            lambda t, v, g, h, c: _euler(t, v, g, h, c, drag_sign=1.0)),
    Mistake("a sign error in the gradient force",
            "the cost pulls downhill with the force −∇J(θ): v_{k+1} = (1 − c h) v_k − h ∇J(θ_k).",
            lambda t, v, g, h, c: _euler(t, v, g, h, c, grad_sign=1.0)),
    Mistake("h missing in the velocity update",
            "the velocity changes by h times the acceleration: v_{k+1} = v_k + h (−∇J(θ_k) − c v_k).",
            lambda t, v, g, h, c: _euler(t, v, g, h, c, h_velocity=False)),
    Mistake("h missing in the position update",
            "the position changes by h times the velocity: θ_{k+1} = θ_k + h v_{k+1}. "
            "(θ ← θ + v is the book's form, whose velocity is h times the physical one.)",
            lambda t, v, g, h, c: _euler(t, v, g, h, c, h_theta=False)),
    Mistake("Algorithm 8.2 in the book's variables (ε = h², α = 1 − c h)",
            "here `velocity` is the physical velocity v, not the book's step h v: "
            "v_{k+1} = (1 − c h) v_k − h ∇J(θ_k), then θ_{k+1} = θ_k + h v_{k+1}.",
            lambda t, v, g, h, c: (t + (1 - c * h) * v - h * h * g, (1 - c * h) * v - h * h * g)),
)


def _expected_euler(theta, velocity, grad, step, drag):
    """coursekit.physics.euler_step with the gradient held at its value at θ_k."""
    coefficient = np.asarray(drag)[..., 0] if np.ndim(drag) else drag
    return _particle.euler_step(lambda _: grad, theta, velocity, step=step, drag="viscous",
                                coefficient=coefficient)


def euler_step(fn) -> None:
    """Check ``fn(theta, velocity, grad, step, drag) -> (theta, velocity)``.

    The semi-implicit Euler step of eqs. (8.18)-(8.20) with viscous drag and
    unit mass: v_{k+1} = (1 − c h) v_k − h ∇J(θ_k), θ_{k+1} = θ_k + h v_{k+1},
    for θ of shape (d,) or (K, d) and c a number or an array of shape (K, 1).
    """
    c = Checker("euler_step", fn, ("theta", "velocity", "grad", "step", "drag"), EULER_MISTAKES,
                hint="v_{k+1} = v_k + h (−∇J(θ_k) − c v_k), then θ_{k+1} = θ_k + h v_{k+1}; "
                     "return (θ_{k+1}, v_{k+1}).")
    batch = (np.array([[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]]),     # θ, v and ∇J of K = 3 particles
             np.array([[0.5, -0.25], [0.0, 0.1], [-0.2, 0.4]]),
             np.array([[2.0, 1.0], [-1.0, 0.5], [0.3, -0.6]]))
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, 0.25]), np.array([2.0, -1.0]), 0.1, 2.0),
        (np.array([1.0]), np.array([0.0]), np.array([1.0]), 0.1, 1.0),  # from rest
        (np.array([0.5, 1.5, -1.0]), np.array([-0.3, 0.2, 0.6]), np.array([0.5, 6.0, -4.0]), 0.05, 0.0),  # no drag
        (np.array([2.0, -1.0]), np.array([1.0, 3.0]), np.array([-0.5, 0.4]), 0.5, 2.0),  # c h = 1: α = 0
        (np.array([-3.0]), np.array([2.0]), np.array([0.0]), 0.2, 0.5),  # no force: coasting
        (*batch, 0.04, 1.0),
        (*batch, 0.1, np.array([[0.0], [1.0], [4.0]])),
    ]
    for args in cases:
        c.case(args, _expected_euler(*args))
    c.passed()


# --------------------------------------------------------------------------
# Exercise 2: (ε, α) → (h, c)
# --------------------------------------------------------------------------


PARTICLE_MISTAKES = (
    Mistake("h = ε",
            "ε = h², so the time step is h = √ε, and then c = (1 − α)/h.",
            lambda lr, a: (lr, (1 - a) / lr)),
    Mistake("c = α/h",
            "α is the fraction of the velocity that *survives* a step, α = 1 − c h, so the "
            "drag removes 1 − α: c = (1 − α)/h.",
            lambda lr, a: (np.sqrt(lr), a / np.sqrt(lr))),
    Mistake("the map the other way round, ε = h² and α = 1 − c h applied to (ε, α)",
            "those formulas give (ε, α) from (h, c); here you have (ε, α) and want (h, c): "
            "invert them, h = √ε and c = (1 − α)/h.",
            lambda lr, a: (lr * lr, 1 - a * lr)),
    Mistake("c = (1 − α)·h",
            "from α = 1 − c h, c = (1 − α)/h: divide by h, do not multiply.",
            lambda lr, a: (np.sqrt(lr), (1 - a) * np.sqrt(lr))),
    Mistake("c = 1 − α",
            "1 − α = c h is the drag of one whole step; the coefficient is c = (1 − α)/h.",
            lambda lr, a: (np.sqrt(lr), 1 - a)),
)


def particle_from_momentum(fn) -> None:
    """Check ``fn(lr, momentum) -> (step, drag)``: h = √ε, c = (1 − α)/√ε.

    The inverse of ε = h², α = 1 − c h, under which momentum (Algorithm 8.2)
    is the semi-implicit Euler step of eqs. (8.18)-(8.20) with viscous drag;
    the oracle is coursekit.physics.from_momentum.
    """
    c = Checker("particle_from_momentum", fn, ("lr", "momentum"), PARTICLE_MISTAKES,
                hint="ε = h² and α = 1 − c h; solve for h first, then for c.")
    cases = [(0.01, 0.9), (0.04, 0.5), (0.0025, 0.99), (0.25, 0.0), (0.09, 1.0), (2.0, 0.3),
             (np.array([0.01, 0.04, 0.0025]), np.array([0.9, 0.5, 0.99])),
             (np.array([[1e-4, 1e-2], [0.5, 4.0]]), np.array([[0.0, 0.9], [0.999, 0.5]]))]
    for args in cases:
        c.case(args, _particle.from_momentum(*args))
    c.passed()


# --------------------------------------------------------------------------
# Exercise 3: where dry friction stops a particle released at rest
# --------------------------------------------------------------------------


def _rest(theta0, curvature, friction, *, shrink=2.0, alternate=True):
    """Half swings from rest, θ ← −sign(θ)(|θ| − 2b), until |θ| ≤ b, with switches for the mistakes."""
    b = friction / curvature
    theta = float(theta0)
    while abs(theta) > b:
        side = -math.copysign(1.0, theta) if alternate else math.copysign(1.0, theta)
        theta = side * (abs(theta) - shrink * b)
    return theta


DRY_MISTAKES = (
    Mistake("a particle that reaches the minimum θ* = 0",
            "dry friction holds the particle wherever the pull |∇J(θ)| = λ|θ| is at most c, so it "
            "stops at the first turning point inside |θ| ≤ c/λ, usually not at 0.",
            lambda t, lam, c: 0.0),
    Mistake("one half swing only",
            "after a half swing the particle is at rest again; it swings back unless "
            "|θ| ≤ c/λ there. Repeat until it is inside the band.",
            lambda t, lam, c: -math.copysign(1.0, t) * (abs(t) - 2.0 * c / lam)),
    Mistake("a half swing that shrinks the amplitude by c/λ",
            "a half swing is half an oscillation about a centre shifted by b = c/λ, so it ends as "
            "far past that centre as it started before it: |θ| shrinks by 2b per half swing.",
            lambda t, lam, c: _rest(t, lam, c, shrink=1.0)),
    Mistake("a particle that never changes side",
            "a half swing from θ ends at −sign(θ)(|θ| − 2b): beyond the minimum when "
            "|θ| > 2b, short of it (same side) when b < |θ| < 2b.",
            lambda t, lam, c: _rest(t, lam, c, alternate=False)),
    Mistake("the band |θ| ≤ c, without the curvature",
            "the particle rests where |∇J(θ)| = λ|θ| ≤ c, i.e. |θ| ≤ b = c/λ, and each half "
            "swing shortens the amplitude by 2b = 2c/λ.",
            lambda t, lam, c: _rest(t, 1.0, c)),
)


def dry_friction_rest_point(fn) -> None:
    """Check ``fn(theta0, curvature, friction) -> float``: where dry friction stops a particle.

    J = λθ²/2, Coulomb friction of size c, released at rest from θ_0 (lecture 05,
    section 6, claim C17): half swings θ ← −sign(θ)(|θ| − 2c/λ) until |θ| ≤ c/λ.
    The oracle is coursekit.physics.dry_friction_rest_point with v_0 = 0.
    """
    c = Checker("dry_friction_rest_point", fn, ("theta0", "curvature", "friction"), DRY_MISTAKES,
                hint="with b = c/λ: while |θ| > b, θ ← −sign(θ)(|θ| − 2b); then return θ.")
    # λ = 1 first (the lecture's band 0.3), then other curvatures; every case
    # ends at least 0.05 from the edge of the band, so rounding cannot decide it.
    cases = [(1.6, 1.0, 0.3), (2.0, 1.0, 0.3), (-1.0, 1.0, 0.3), (3.5, 1.0, 0.3),
             (0.2, 1.0, 0.3), (-0.25, 1.0, 0.3), (-5.0, 2.0, 0.7), (1.3, 0.5, 0.2),
             (-2.3, 0.5, 0.2), (2.0, 4.0, 1.0), (0.1, 3.0, 0.6)]
    for args in cases:
        c.case(args, _particle.dry_friction_rest_point(args[0], 0.0, args[1], args[2]))
    c.passed()
