"""A linear cost: the same gradient everywhere.

Used for the terminal velocity of momentum (Goodfellow, Bengio & Courville,
2016, §8.3.2, eq. 8.17), where the gradient stays constant step after step,
as on a long, straight slope.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite
from .base import Problem, readonly_copy

__all__ = ["LinearCost"]


class LinearCost(Problem):
    """J(θ) = gᵀθ: the same gradient g everywhere (used for eq. 8.17).

    It has no minimum; it models a long constant slope. The gradient is
    exact (no minibatch noise), so ``run`` needs no ``rng``.

    >>> LinearCost([3.0, 4.0]).grad([[0.0, 0.0]]).tolist()
    [[3.0, 4.0]]
    """

    def __init__(self, gradient):
        g = check_finite("gradient", gradient)
        if g.ndim != 1 or g.size == 0:
            raise ValueError(f"gradient must have shape (d,) with d >= 1, got shape {g.shape}")
        self.gradient = readonly_copy(g)
        self.dim = g.size
        self.name = "linear cost"

    def _loss(self, theta):
        with np.errstate(over="ignore", invalid="ignore"):
            return theta @ self.gradient

    def _grad(self, theta):
        return np.broadcast_to(self.gradient, theta.shape).copy()
