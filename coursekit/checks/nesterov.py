"""Checks for the exercises of lecture 06: Nesterov momentum.

The gradient functions passed to ``nesterov_step`` have a gradient that
depends on the point where it is evaluated, through a non-diagonal Hessian
or a cubic term, so that taking the gradient at any point other than the
interim point θ + αv gives a different answer.
"""

from __future__ import annotations

import numpy as np

from .. import conventions
from ..optimizers import OptimizerState
from ..optimizers import nesterov as _nesterov_optimizer
from ..schedules import nesterov_momentum
from ._core import Checker, Mistake

__all__ = ["nesterov_schedule", "nesterov_step", "nesterov_to_library"]


# --------------------------------------------------------------------------
# nesterov_step: Algorithm 8.3
# --------------------------------------------------------------------------

def _gradient(text: str, matrix, shift: float = 0.0):
    """∇J for J(θ) = ½ (θ − c)ᵀ H (θ − c), shown in messages as code the student can run."""
    matrix = np.array(matrix, dtype=float)

    def grad_fn(theta):
        return (np.asarray(theta, dtype=float) - shift) @ matrix

    grad_fn.__name__ = text
    return grad_fn


def _cubic(theta):
    return np.asarray(theta, dtype=float) ** 3


_cubic.__name__ = "lambda theta: theta ** 3"

_GRAD_2D = _gradient("lambda theta: theta @ np.array([[2.0, 1.0], [1.0, 3.0]])",
                     [[2.0, 1.0], [1.0, 3.0]])
_GRAD_3D = _gradient("lambda theta: (theta - 1.0) @ np.array([[4.0, 1.0, 0.0], "
                     "[1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])",
                     [[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]], shift=1.0)


def _step(theta, velocity, grad_fn, lr, momentum, *, point=None, velocity_sign=-1.0,
          keep_alpha=True, theta_from=None):
    """Algorithm 8.3 with one detail changeable, to write the mistakes."""
    theta, velocity = np.asarray(theta, dtype=float), np.asarray(velocity, dtype=float)
    interim = theta + momentum * velocity if point is None else point(theta, velocity, momentum)
    grad = grad_fn(interim)
    new_velocity = (momentum if keep_alpha else 1.0) * velocity + velocity_sign * lr * grad
    base = theta if theta_from is None else theta_from(theta, velocity, momentum)
    return base + new_velocity, new_velocity


def _old_velocity(theta, velocity, grad_fn, lr, momentum):
    _, new_velocity = _step(theta, velocity, grad_fn, lr, momentum)
    return theta + velocity, new_velocity


def _swapped(theta, velocity, grad_fn, lr, momentum):
    new_theta, new_velocity = _step(theta, velocity, grad_fn, lr, momentum)
    return new_velocity, new_theta


STEP_MISTAKES = (
    Mistake("the gradient taken at θ, which is plain momentum (Algorithm 8.2)",
            "Algorithm 8.3 evaluates the gradient at the interim point θ̃ = θ + αv "
            "(eq. 8.21): call grad_fn(theta + momentum * velocity).",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, point=lambda t, v, a: t)),
    Mistake("the gradient taken at θ + v instead of θ + αv",
            "the look-ahead uses the part of the velocity that will be kept, αv: "
            "θ̃ = θ + αv (eq. 8.21).",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, point=lambda t, v, a: t + v)),
    Mistake("the gradient taken at θ − αv",
            "the interim point looks ahead along the velocity, with a plus sign: "
            "θ̃ = θ + αv (eq. 8.21).",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, point=lambda t, v, a: t - a * v)),
    Mistake("a sign error in the velocity update: v ← αv + εg",
            "the velocity moves against the gradient: v ← αv − εg (eq. 8.21), then θ ← θ + v.",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, velocity_sign=1.0)),
    Mistake("θ updated with the old velocity",
            "compute the new velocity first, then θ ← θ + v with that new v (eq. 8.22).",
            _old_velocity),
    Mistake("θ updated from the interim point: θ ← θ̃ + v",
            "the interim point θ̃ is only where the gradient is taken; the update starts "
            "from θ itself: θ ← θ + v (eq. 8.22).",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, theta_from=lambda t, v, a: t + a * v)),
    Mistake("α missing from the velocity update: v ← v − εg",
            "the old velocity decays by α before the gradient is added: v ← αv − εg (eq. 8.21).",
            lambda t, v, g, lr, a: _step(t, v, g, lr, a, keep_alpha=False)),
    Mistake("θ and v returned in the wrong order",
            "return the new parameters first, then the new velocity: `return theta, velocity`.",
            _swapped),
)


def _expected_step(theta, velocity, grad_fn, lr, momentum):
    """Algorithm 8.3 from coursekit's optimizer (one update with a constant α)."""
    new_theta, state = _nesterov_optimizer(lr, momentum).step(
        theta, OptimizerState(velocity, 0), grad_fn)
    return new_theta, state.velocity


def _counting(grad_fn):
    """``grad_fn`` that records how often it is called (a function, so that the
    checker's deep copy of the arguments shares the record)."""
    calls: list = []

    def counted(theta):
        calls.append(1)
        return grad_fn(theta)

    counted.__name__ = grad_fn.__name__
    return counted, calls


def nesterov_step(fn) -> None:
    """Check ``fn(theta, velocity, grad_fn, lr, momentum) -> (theta, velocity)``.

    One update of Algorithm 8.3 (eqs. 8.21, 8.22) with a constant α: the
    gradient is taken at θ̃ = θ + αv, then v ← αv − εg and θ ← θ + v. θ and
    v have shape (d,) or (K, d).
    """
    c = Checker("nesterov_step", fn, ("theta", "velocity", "grad_fn", "lr", "momentum"),
                STEP_MISTAKES,
                hint="Algorithm 8.3: g = grad_fn(θ + αv), v ← αv − εg, θ ← θ + v; "
                     "return (θ, v).")
    table = np.random.default_rng(6)
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, 0.25]), _GRAD_2D, 0.1, 0.9),
        (np.array([-1.0, 0.5]), np.array([0.2, -0.4]), _GRAD_2D, 0.05, 0.5),
        # A batch of K = 4 points in d = 3, one row per trajectory.
        (table.normal(size=(4, 3)).round(3), table.normal(size=(4, 3)).round(3), _GRAD_3D, 0.05, 0.8),
        # A gradient that is not linear in θ.
        (np.array([[1.0, -0.5], [0.8, 1.2], [-1.5, 0.3]]),
         np.array([[0.1, 0.3], [-0.2, 0.1], [0.4, -0.3]]), _cubic, 0.1, 0.7),
        # α = 0: plain gradient descent, the old velocity does not matter.
        (np.array([1.0, -2.0]), np.array([0.5, 0.25]), _GRAD_2D, 0.1, 0.0),
        # The first update, from v = 0: θ̃ = θ.
        (np.array([1.0, -2.0]), np.zeros(2), _GRAD_2D, 0.1, 0.9),
        (np.array([2.0]), np.array([-0.3]), _cubic, 0.2, 0.95),
    ]
    for args in cases:
        c.case(args, _expected_step(*args))
    # One gradient per update: the look-ahead costs nothing extra.
    counted, calls = _counting(_GRAD_2D)
    args = (np.array([0.5, 1.5]), np.array([-0.1, 0.2]), counted, 0.1, 0.9)
    c.call(args)
    c.count += 1
    if len(calls) != 1:
        c.fail(args, "grad_fn called once", f"grad_fn called {len(calls)} times",
               "Algorithm 8.3 needs one gradient per update, the one at θ̃ = θ + αv; "
               "compute it once and use it in the velocity update.")
    c.passed()


# --------------------------------------------------------------------------
# nesterov_schedule: α_k = (k − 1)/(k + 2)
# --------------------------------------------------------------------------

def _ratio(shift_num, shift_den):
    return lambda k: (np.asarray(k, dtype=float) + shift_num) / (np.asarray(k, dtype=float) + shift_den)


SCHEDULE_MISTAKES = (
    Mistake("α_k = (k − 1)/(k + 1)",
            "the denominator is k + 2: α_k = (k − 1)/(k + 2), so α_2 = 1/4.",
            _ratio(-1, 1)),
    Mistake("an integer division (k − 1) // (k + 2)",
            "(k − 1) // (k + 2) rounds down to 0 for every k; use / for a true division.",
            lambda k: (np.asarray(k) - 1) // (np.asarray(k) + 2)),
    Mistake("α_k = k/(k + 3): updates counted from 0, one step ahead",
            "the course counts updates from k = 1, and the first update has no momentum: "
            "α_1 = 0, so α_k = (k − 1)/(k + 2).",
            _ratio(0, 3)),
    Mistake("α_k = (k − 2)/(k + 1): one step behind",
            "update k uses α_k = (k − 1)/(k + 2); at k = 1 this is 0, not negative.",
            _ratio(-2, 1)),
    Mistake("α_k = k/(k + 2)",
            "the numerator is k − 1: α_1 = 0, so the first update is plain gradient descent.",
            _ratio(0, 2)),
)


def _expected_schedule(k):
    value = nesterov_momentum()(k)
    return float(value) if np.ndim(k) == 0 else value


def nesterov_schedule(fn) -> None:
    """Check ``fn(k)``: Nesterov's momentum α_k = (k − 1)/(k + 2), k = 1, 2, ...

    The schedule of the O(1/k²) rate on convex problems (section 8.3.3), in the
    closed form of Tseng (2008); Nesterov's (1983) sequence approaches it as k
    grows. For an int k or an integer array of any shape.
    """
    c = Checker("nesterov_schedule", fn, ("k",), SCHEDULE_MISTAKES,
                hint="α_k = (k − 1)/(k + 2) for update k = 1, 2, 3, ...: α_1 = 0, α_2 = 1/4.")
    cases = [1, 2, 3, 4, 10, 1000, np.arange(1, 11), np.array([[1, 2, 5], [20, 100, 10**6]])]
    for k in cases:
        c.case((k,), _expected_schedule(k))
    c.passed()


# --------------------------------------------------------------------------
# nesterov_to_library: the change of variables to PyTorch's form
# --------------------------------------------------------------------------

def _library(theta, velocity, lr, momentum, *, point=lambda t, v, a: t + a * v,
             buffer=lambda v, lr: -v / lr):
    theta, velocity = np.asarray(theta, dtype=float), np.asarray(velocity, dtype=float)
    return point(theta, velocity, momentum), buffer(velocity, lr)


LIBRARY_MISTAKES = (
    Mistake("p = θ, the change of variables of plain momentum",
            "PyTorch's Nesterov iterate is the book's interim point: p = θ + αv (eq. 8.21).",
            lambda t, v, lr, a: _library(t, v, lr, a, point=lambda t, v, a: t.copy())),
    Mistake("p = θ − αv, the interim point in the wrong direction",
            "p = θ + αv; the minus sign belongs to the way back, θ = p − αv.",
            lambda t, v, lr, a: _library(t, v, lr, a, point=lambda t, v, a: t - a * v)),
    Mistake("p = θ + v, without α",
            "the interim point adds αv, not v: p = θ + αv (eq. 8.21).",
            lambda t, v, lr, a: _library(t, v, lr, a, point=lambda t, v, a: t + v)),
    Mistake("a sign error in the buffer: b = v/ε",
            "the book's velocity is the step itself, v = −ε·b, so b = −v/ε.",
            lambda t, v, lr, a: _library(t, v, lr, a, buffer=lambda v, lr: v / lr)),
    Mistake("the buffer multiplied by ε instead of divided: b = −ε·v",
            "b accumulates raw gradients and is multiplied by lr only when stepping: "
            "v = −ε·b, so b = −v/ε.",
            lambda t, v, lr, a: _library(t, v, lr, a, buffer=lambda v, lr: -lr * v)),
    Mistake("ε forgotten in the buffer: b = −v",
            "the library multiplies b by lr when it steps, so b = −v/ε.",
            lambda t, v, lr, a: _library(t, v, lr, a, buffer=lambda v, lr: -v)),
    Mistake("p and b returned in the wrong order",
            "return the parameters first, then the buffer: `return params, buffer`.",
            lambda t, v, lr, a: _library(t, v, lr, a)[::-1]),
)


def nesterov_to_library(fn) -> None:
    """Check ``fn(theta, velocity, lr, momentum) -> (params, buffer)``.

    The book's state (θ, v) of Algorithm 8.3 as the state (p, b) of
    PyTorch's ``SGD(nesterov=True)``: p = θ + αv (the interim point of
    eq. 8.21) and b = −v/ε, with α = μ and ε = lr constant.
    """
    c = Checker("nesterov_to_library", fn, ("theta", "velocity", "lr", "momentum"),
                LIBRARY_MISTAKES,
                hint="the library's p is the interim point θ + αv, and its buffer b = −v/ε.")
    table = np.random.default_rng(7)
    cases = [
        (np.array([1.0, -2.0]), np.array([0.5, 0.25]), 0.1, 0.9),
        (np.array([0.3, -1.2, 2.0]), np.array([-0.2, 0.1, 0.05]), 0.02, 0.5),
        (table.normal(size=(3, 4)).round(3), table.normal(size=(3, 4)).round(3), 0.05, 0.8),
        (np.array([1.0, -2.0]), np.array([0.5, 0.25]), 0.1, 0.0),  # α = 0: p = θ
        (np.array([1.0, -2.0]), np.zeros(2), 0.1, 0.9),            # v = 0: b = 0
        (np.array([0.7]), np.array([-0.4]), 1.0, 0.99),
    ]
    for args in cases:
        c.case(args, conventions.nesterov_from_book(*args))
    c.passed()
