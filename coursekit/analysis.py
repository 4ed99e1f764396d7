"""Numbers read off a learning curve: rates, floors and hitting times.

The course states its claims as rates (section 8.3.1: excess error O(1/k)
or O(1/√k); section 8.3.3: O(1/k²) for Nesterov) and as contraction factors
of linear convergence. These functions measure them on recorded curves so
that a notebook can print the measured number next to the theoretical one
and a test can assert it:

- :func:`loglog_slope`: the exponent p of values ≈ C·k^p;
- :func:`geometric_rate`: the factor r of values ≈ C·r^k;
- :func:`steps_to_tolerance`: the first step from which values stay ≤ tol;
- :func:`tail_mean`: the level a curve settles at (SGD's noise floor).

Every function accepts a batch of curves of shape ``(R, *batch)`` (records
first, as in :class:`coursekit.runner.RunResult`) and works on all of them
at once.

>>> import numpy as np
>>> k = np.arange(1, 1001)
>>> round(loglog_slope(k, 5.0 / k), 12)
-1.0
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_batch_compatible, check_finite, check_interval, check_scalar

__all__ = ["geometric_rate", "loglog_slope", "steps_to_tolerance", "tail_mean"]


# --------------------------------------------------------------------------
# Shared checks and the least-squares fit
# --------------------------------------------------------------------------


def _check_records(k_name: str, k, values) -> tuple[np.ndarray, np.ndarray]:
    """``k`` as a finite 1-D array of length R and ``values`` of shape (R, *batch)."""
    k = check_finite(k_name, k)
    if k.ndim != 1 or k.size == 0:
        raise ValueError(f"{k_name} must be a non-empty 1-D array, got shape {k.shape}")
    values = as_float_array("values", values)
    if values.ndim == 0 or values.shape[0] != k.size:
        raise ValueError(
            f"values must have shape (R, ...) with R = len({k_name}) = {k.size}, "
            f"got shape {values.shape}"
        )
    return k, values


def _window(k_name: str, k: np.ndarray, k_min, k_max) -> tuple[np.ndarray, float, float]:
    """Boolean mask of the records with k_min ≤ k ≤ k_max (defaults: all of k)."""
    lo = float(k.min()) if k_min is None else check_scalar("k_min", k_min)
    hi = float(k.max()) if k_max is None else check_scalar("k_max", k_max)
    if lo > hi:
        raise ValueError(f"k_min must be <= k_max, got k_min = {lo:g}, k_max = {hi:g}")
    inside = (k >= lo) & (k <= hi)
    n = int(inside.sum())
    if n < 3:
        raise ValueError(
            f"the window {k_name} in [{lo:g}, {hi:g}] must hold at least 3 records "
            f"to fit a line, got {n}"
        )
    if k[inside].min() == k[inside].max():
        raise ValueError(
            f"{k_name} must take at least 2 distinct values in the window [{lo:g}, {hi:g}], "
            f"got only {k[inside][0]:g}"
        )
    return inside, lo, hi


def _log_values(values: np.ndarray, inside: np.ndarray, k_name: str, lo: float, hi: float):
    """log(values) on the window, after checking they are positive and finite there."""
    window = values[inside]
    bad = ~(np.isfinite(window) & (window > 0))
    if bad.any():
        raise ValueError(
            f"values must be > 0 and finite for {k_name} in [{lo:g}, {hi:g}]; "
            f"{int(bad.sum())} entries are not"
        )
    return np.log(window)


def _slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of y (n, *batch) on x (n,): Σ(x−x̄)(y−ȳ) / Σ(x−x̄)².

    The closed form of the one-regressor fit; centring both variables keeps
    it accurate when x sits far from 0 (e.g. k from 1e3 to 3e4). One
    contraction over the record axis serves every curve of the batch.
    """
    xc = x - x.mean()
    yc = y - y.mean(axis=0)
    return np.tensordot(xc, yc, axes=(0, 0)) / (xc @ xc)


def _scalar_or_array(out: np.ndarray):
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def loglog_slope(k, values, k_min=None, k_max=None):
    """Exponent p of a power law values ≈ C·k^p, fitted on k_min ≤ k ≤ k_max.

    The least-squares slope of log(values) against log(k) over the window:

        p = Σ (x_i − x̄)(y_i − ȳ) / Σ (x_i − x̄)²,   x_i = log k_i,  y_i = log values_i.

    It measures the rates of section 8.3.1 and 8.3.3: O(1/k) gives p = −1,
    O(1/k²) gives p = −2 and O(1/√k) gives p = −1/2. Records outside the
    window may hold anything (k = 0, NaN after a divergence).

    Parameters
    ----------
    k : array_like, shape (R,)
        Iterations (or examples seen); > 0 inside the window.
    values : array_like, shape (R,) or (R, *batch)
        E.g. J(θ_k) − J*; > 0 and finite inside the window.
    k_min, k_max : float, optional
        The window, inclusive. Default: all records. It must hold at least
        3 records.

    Returns
    -------
    float, or ndarray of shape ``batch`` (one slope per curve).

    Examples
    --------
    >>> k = np.arange(0, 201)
    >>> values = np.stack([3.0 / np.maximum(k, 1), 2.0 / np.maximum(k, 1) ** 2], axis=1)
    >>> np.round(loglog_slope(k, values, k_min=10), 12)
    array([-1., -2.])
    """
    k, values = _check_records("k", k, values)
    inside, lo, hi = _window("k", k, k_min, k_max)
    if not (k[inside] > 0).all():
        raise ValueError(
            f"k must be > 0 inside the window [{lo:g}, {hi:g}] to take log k, "
            f"got min k = {k[inside].min():g}; pass k_min > 0"
        )
    log_values = _log_values(values, inside, "k", lo, hi)
    return _scalar_or_array(_slope(np.log(k[inside]), log_values))


def geometric_rate(values, k_min, k_max, steps=None):
    """Per-step contraction factor r of values ≈ C·r^k, fitted on k_min ≤ k ≤ k_max.

    r = exp(b), where b is the least-squares slope of log(values) against k
    over the window (the same closed form as :func:`loglog_slope`, with x = k).

    Linear convergence (section 8.3.2, Figure 8.5) is measured this way and
    compared with theory, e.g. (κ−1)/(κ+1) for gradient descent with
    ε = 2/(L+μ), or (√κ−1)/(√κ+1) for tuned momentum. Those factors bound
    the distance ‖θ_k − θ*‖; the excess loss J(θ_k) − J* of a quadratic is
    quadratic in that distance and so contracts at r² per step.

    Parameters
    ----------
    values : array_like, shape (R,) or (R, *batch)
        > 0 and finite inside the window.
    k_min, k_max : float
        The window, inclusive; it must hold at least 3 records.
    steps : array_like, shape (R,), optional
        The iteration of each record (``RunResult.steps``). Default:
        0, 1, ..., R−1, i.e. one record per step.

    Returns
    -------
    float, or ndarray of shape ``batch``.

    Examples
    --------
    >>> k = np.arange(60)
    >>> round(geometric_rate(2.0 * 0.9**k, 10, 50), 12)
    0.9
    """
    values = as_float_array("values", values)
    if steps is None:
        if values.ndim == 0:
            raise ValueError("values must have shape (R, ...), got a scalar")
        steps = np.arange(values.shape[0], dtype=float)
    steps, values = _check_records("steps", steps, values)
    inside, lo, hi = _window("steps", steps, k_min, k_max)
    log_values = _log_values(values, inside, "steps", lo, hi)
    return _scalar_or_array(np.exp(_slope(steps[inside], log_values)))


def steps_to_tolerance(steps, values, tol):
    """The first recorded step k from which values stay ≤ tol; −1 if there is none.

    k_tol = min { k_i : values_j ≤ tol for every record j ≥ i }.

    Requiring the rest of the curve to stay below ``tol`` means that an
    oscillating curve which dips below once and rises again (a zig-zag, a
    too-large ε) does not count as having reached it. NaN (a diverged run)
    counts as above ``tol``, so a curve that ends in NaN gives −1.

    Parameters
    ----------
    steps : array_like of int, shape (R,)
        ``RunResult.steps`` (or ``examples_seen``, to count examples).
    values : array_like, shape (R,) or (R, *batch)
    tol : float or array_like, ≥ 0
        One tolerance, or one per curve (broadcasting against ``batch``).

    Returns
    -------
    int, or int64 ndarray of shape ``batch``.

    Examples
    --------
    >>> steps_to_tolerance(np.arange(6), [4.0, 0.5, 2.0, 0.5, 0.2, 0.1], tol=1.0)
    3
    """
    arr = np.asarray(steps)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"steps must be an integer array, got dtype {arr.dtype}")
    steps_int = arr.astype(np.int64)
    _, values = _check_records("steps", steps_int, values)
    # A tolerance is a level an error or a cost falls to: never negative.
    tol = check_interval("tol", tol, 0.0, np.inf, high_open=True)
    check_batch_compatible("tol", tol, values.shape[1:], against="the batch shape of values")

    below = values <= tol  # False for NaN
    # stays[i] = below[i] and below[i+1] and ... : a running AND from the end.
    stays = np.logical_and.accumulate(below[::-1], axis=0)[::-1]
    first = np.argmax(stays, axis=0)
    out = np.where(stays[-1], steps_int[first], -1).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def tail_mean(values, fraction: float = 0.5, axis: int = 0):
    """Mean of the last ``fraction`` of the records along ``axis``.

    With R records and n = max(1, round(fraction·R)) (halves rounded up),

        tail_mean = (1/n) Σ_{i = R−n}^{R−1} values_i.

    This measures the level at which SGD with a constant ε settles (its
    noise floor, section 8.3.1). NaN in the tail propagates: a run that
    diverged has no floor.

    Parameters
    ----------
    values : array_like, at least 1-D
    fraction : float in (0, 1]
    axis : int
        The record axis (default 0, as in ``RunResult``).

    Returns
    -------
    float, or ndarray with ``axis`` removed.

    Examples
    --------
    >>> tail_mean([9.0, 9.0, 1.0, 3.0])
    2.0
    >>> tail_mean([9.0, 9.0, 1.0, np.nan])
    nan
    """
    values = as_float_array("values", values)
    if values.ndim == 0:
        raise ValueError("values must have at least 1 dimension (the records), got a scalar")
    fraction = float(check_interval("fraction", fraction, 0.0, 1.0, low_open=True))
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__} {axis!r}")
    if not -values.ndim <= axis < values.ndim:
        raise ValueError(
            f"axis must be in [{-values.ndim}, {values.ndim - 1}] for values of shape "
            f"{values.shape}, got {axis}"
        )
    n_records = values.shape[axis]
    if n_records == 0:
        raise ValueError(f"values must hold at least 1 record along axis {axis}, got 0")
    n_tail = max(1, int(np.floor(fraction * n_records + 0.5)))
    tail = np.take(values, np.arange(n_records - n_tail, n_records), axis=axis)
    # inf − inf or a sum past the float range only produce NaN/inf, as they should.
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.mean(tail, axis=axis)
    return _scalar_or_array(np.asarray(out))
