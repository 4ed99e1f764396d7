"""Independent reference computations shared by the test modules."""

from __future__ import annotations

import numpy as np

__all__ = ["central_differences"]


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
