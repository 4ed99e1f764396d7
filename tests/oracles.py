"""Independent reference computations shared by the test modules."""

from __future__ import annotations

import numpy as np

__all__ = ["central_differences", "heavy_ball_path"]


def central_differences(f, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂θ_j ≈ (f(θ + h e_j) − f(θ − h e_j)) / 2h for every row of θ at once.

    ``f`` maps θ of shape (..., d) to shape (...); one coordinate at a time.
    """
    out = np.empty_like(theta)
    for j in range(theta.shape[-1]):
        step = np.zeros(theta.shape[-1])
        step[j] = h
        out[..., j] = (f(theta + step) - f(theta - step)) / (2 * h)
    return out


def heavy_ball_path(lr, momentum, steps, look_ahead, curvatures, start) -> np.ndarray:
    """θ_0..θ_K of Algorithm 8.2 (``look_ahead`` False) or 8.3 (True) on J = ½ Σ λ_i θ_i²."""
    lam = np.asarray(curvatures, dtype=float)
    theta, v = np.array(start, dtype=float), np.zeros(len(start))
    path = [theta]
    for _ in range(steps):
        point = theta + momentum * v if look_ahead else theta
        v = momentum * v - lr * lam * point
        theta = theta + v
        path.append(theta)
    return np.array(path)
