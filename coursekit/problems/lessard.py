"""A smooth, strongly convex function on which heavy ball fails to converge.

Lessard, Recht & Packard (2016), "Analysis and design of optimization
algorithms via integral quadratic constraints", SIAM J. Optim. 26(1), §4.6:
a one-dimensional cost with curvature L everywhere except on [1, 2), where
it is μ,

    ∇h(x) = L x                 for x < 1,
            μ x + (L − μ)        for 1 ≤ x < 2,
            L x − (L − μ)        for x ≥ 2,

so h is L-smooth and μ-strongly convex (its gradient is continuous and its
slope lies in [μ, L]), with minimum h(0) = 0. It is not a quadratic: the
heavy-ball rate of Polyak (1964), proven for quadratics, need not hold on
it, while Nesterov's constant-momentum guarantee (Nesterov, 2004, §2.2)
covers every smooth strongly convex function.

Extra coordinates with plain quadratic curvatures λ_i can be appended,
J(θ) = h(θ_1) + ½ Σ_{i≥2} λ_i θ_i², to give the cost a direction of
curvature exactly μ (where the accelerated rate is tight).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite, check_scalar
from .base import Problem, readonly_copy

__all__ = ["LessardFunction"]


class LessardFunction(Problem):
    """J(θ) = h(θ_1) + ½ Σ_{i≥2} λ_i θ_i², h from Lessard, Recht & Packard (2016, §4.6).

    θ* = 0 and J* = 0. The gradient is exact (no minibatch noise).

    >>> f = LessardFunction()
    >>> f.grad([[0.5], [1.5], [3.0]]).ravel().tolist()      # L x, μ x + L − μ, L x − (L − μ)
    [12.5, 25.5, 51.0]
    >>> float(f.loss([1.0])), float(f.loss([2.0]))
    (12.5, 38.0)
    """

    def __init__(self, L: float = 25.0, mu: float = 1.0, extra_curvatures=()):
        self.L = check_scalar("L", L, 0.0, low_open=True)
        self.mu = check_scalar("mu", mu, 0.0, self.L, low_open=True)
        extra = check_finite("extra_curvatures", extra_curvatures).ravel()
        if np.any(extra < self.mu) or np.any(extra > self.L):
            raise ValueError(f"extra_curvatures must lie in [mu, L] = [{self.mu:g}, {self.L:g}], got {extra}")
        self.extra = readonly_copy(extra)
        self.dim = 1 + extra.size
        self.minimizer = readonly_copy(np.zeros(self.dim))
        self.min_loss = 0.0
        self.condition_number = self.L / self.mu
        self.name = f"Lessard-Recht-Packard function, L={self.L:g}, mu={self.mu:g}"

    def _h(self, x):
        L, mu = self.L, self.mu
        # The constants make h continuous at x = 1 and x = 2, with h(0) = 0.
        return np.where(x < 1, 0.5 * L * x**2,
                        np.where(x < 2, 0.5 * mu * x**2 + (L - mu) * x - 0.5 * (L - mu),
                                 0.5 * L * x**2 - (L - mu) * x + 1.5 * (L - mu)))

    def _loss(self, theta):
        with np.errstate(over="ignore", invalid="ignore"):
            return self._h(theta[..., 0]) + 0.5 * np.sum(self.extra * theta[..., 1:] ** 2, axis=-1)

    def _grad(self, theta):
        x = theta[..., :1]
        L, mu = self.L, self.mu
        first = np.where(x < 1, L * x, np.where(x < 2, mu * x + (L - mu), L * x - (L - mu)))
        return np.concatenate([first, self.extra * theta[..., 1:]], axis=-1)
