"""Small checks shared by the experiments of :mod:`coursekit.experiments.tuning`."""

from __future__ import annotations

import numpy as np

from ..._validation import check_interval

__all__ = [
    "_check_lrs",
]


def _check_lrs(lrs) -> np.ndarray:
    arr = check_interval("lrs", lrs, 0.0, np.inf, low_open=True, high_open=True)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D sequence of learning rates, got shape {arr.shape}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"lrs must be strictly increasing, got {arr.tolist()}")
    return arr.copy()
