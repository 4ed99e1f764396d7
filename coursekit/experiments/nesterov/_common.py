"""Shared by the Nesterov experiments: the labels of the methods and the start point check."""

from __future__ import annotations

import numpy as np

from ..._validation import check_finite

__all__ = ["METHODS_BATCH", "METHODS_STOCHASTIC"]


METHODS_BATCH = ("gradient descent", "Nesterov, constant α", "Nesterov, α_k = (k−1)/(k+2)")
METHODS_STOCHASTIC = ("SGD", "momentum", "Nesterov")


def _theta0(theta0, d: int = 2) -> np.ndarray:
    arr = check_finite("theta0", theta0)
    if arr.shape != (d,):
        raise ValueError(f"theta0 must have shape ({d},), got shape {arr.shape}")
    return arr
