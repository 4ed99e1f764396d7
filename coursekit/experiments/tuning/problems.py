"""The costs of lecture 02 on the digits, their J*, and the curvature L that scales rates.

:func:`largest_curvature` measures L, the largest eigenvalue of the Hessian,
so that rates on different costs can be compared at the same ε·L. The private
helpers build the digits costs (softmax regression, eq. 6.29, or least squares
on the label's value) and compute their minimum J* and minimizer θ* once per
shared problem.
"""

from __future__ import annotations

import numpy as np

from ..._validation import check_int, check_scalar
from ...data import digits_split
from ...problems import LeastSquares, digits_softmax

__all__ = [
    "_digits_problem",
    "_min_loss",
    "_minimizer",
    "largest_curvature",
]

_PROBLEMS = ("softmax", "least squares")


def largest_curvature(problem, theta, *, iters: int = 100, h: float = 1e-4, seed: int = 0) -> float:
    """L, the largest eigenvalue of the Hessian ∇²J(θ), by power iteration.

    Each iteration multiplies v by the Hessian through a central difference
    of the gradient, Hv ≈ (∇J(θ + hv) − ∇J(θ − hv)) / (2h) (exact for a
    quadratic), and keeps the Rayleigh quotient vᵀHv (power iteration,
    Golub & Van Loan, *Matrix Computations*, §7.3.1). The start v is a
    normal draw from ``np.random.default_rng(seed)``. On a convex cost the
    Hessian is positive semi-definite, so this is its largest eigenvalue,
    approached from below (slowly when the top eigenvalues cluster);
    gradient descent with a constant ε is stable on a quadratic exactly when
    ε·L < 2 (second-order Taylor expansion, eq. 4.9).
    """
    iters = check_int("iters", iters, low=1)
    h = check_scalar("h", h, 0.0, low_open=True)
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (problem.dim,):
        raise ValueError(f"theta must have shape ({problem.dim},), got {theta.shape}")
    v = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(problem.dim)
    v /= np.linalg.norm(v)
    for _ in range(iters):
        hv = (problem.grad(theta + h * v) - problem.grad(theta - h * v)) / (2.0 * h)
        curvature = float(v @ hv)
        v = hv / np.linalg.norm(hv)
    return curvature


def _min_loss(problem) -> float:
    """J* of a digits cost: the normal equations (least squares), Newton's method (softmax,
    λ > 0, once per shared problem), or the infimum 0 of the softmax without weight decay
    on separable data."""
    if isinstance(problem, LeastSquares):
        return problem.min_loss
    return problem.minimum()[1] if problem.l2 > 0 else 0.0


def _minimizer(problem) -> np.ndarray:
    """θ* of a softmax cost with λ > 0 by Newton's method, computed once per (shared) problem."""
    return problem.minimum()[0]


def _digits_problem(problem: str, l2: float):
    """The cost on the digits: softmax regression (eq. 6.29), or least squares on the label's value.

    Least squares J(θ) = (1/2n) Σ (x_iᵀθ − y_i)² + (λ/2)‖θ‖² (section 5.1.4) on the
    same standardized pixels has a gradient Xᵀ(Xθ − y)/n that grows with θ,
    unlike the softmax cross-entropy, whose per-example gradient x̃(p − e_y)ᵀ
    stays bounded by √2‖x̃‖ (plus λθ).
    """
    if problem not in _PROBLEMS:
        raise ValueError(f"problem must be one of 'softmax', 'least squares'; got {problem!r}")
    if problem == "softmax":
        return digits_softmax(l2=l2)
    l2 = check_scalar("l2", l2, 0.0)
    data = digits_split()
    return LeastSquares(data.X, data.y.astype(float), l2=l2, name="least squares on digits")
