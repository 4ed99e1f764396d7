"""Small checks and helpers shared by the experiments of :mod:`coursekit.experiments.rates`."""

from __future__ import annotations

import numpy as np

from ..._validation import check_int, check_interval

__all__ = [
    "_at_budgets",
    "_check_example_window",
    "_check_levels",
    "_check_sizes",
    "_check_window",
]


# -- small shared checks --------------------------------------------------------
def _check_window(window, steps: int) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise TypeError(f"window must be a pair (k_min, k_max), got {window!r}") from None
    lo = check_int("window[0]", lo, low=1, high=steps)
    hi = check_int("window[1]", hi, low=1, high=steps)
    if lo >= hi:
        raise ValueError(f"window must satisfy k_min < k_max, got ({lo}, {hi})")
    return lo, hi


def _check_levels(name: str, values, low: float = 0.0) -> np.ndarray:
    arr = check_interval(name, values, low, np.inf, low_open=True, high_open=True)
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a number or a 1-D sequence, got shape {arr.shape}")
    return arr


def _check_sizes(sizes) -> np.ndarray:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size < 2 or arr.dtype.kind not in "iu":
        raise ValueError(f"sizes must be a 1-D sequence of at least 2 integers, got {sizes!r}")
    if arr.min() < 1 or np.any(np.diff(arr) <= 0):
        raise ValueError(f"sizes must be positive and increasing, got {arr.tolist()}")
    return arr.astype(np.int64)


def _check_example_window(name: str, window, high: int) -> tuple[int, int]:
    try:
        lo, hi = window
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (k_min, k_max), got {window!r}") from None
    lo = check_int(f"{name}[0]", lo, low=1, high=high)
    hi = check_int(f"{name}[1]", hi, low=1, high=high)
    if lo >= hi:
        raise ValueError(f"{name} must satisfy k_min < k_max, got ({lo}, {hi})")
    return lo, hi


def _at_budgets(examples: np.ndarray, values: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """values at the last record whose examples count is ≤ each budget."""
    index = np.searchsorted(examples, budgets, side="right") - 1
    return values[np.maximum(index, 0)]
