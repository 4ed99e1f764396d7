"""The argument checks of :mod:`coursekit.optimizers`, kept out of the algorithms' way.

:func:`checked` wraps ``gradient_point`` and ``update``: it checks θ, the
state and the gradient, then calls the plain method, which stays readable
as the book's lines. The plain method remains reachable as
``.unchecked`` for the runner, which checks its inputs once per run rather
than once per step.
"""

from __future__ import annotations

import functools

import numpy as np

from ._validation import (
    all_finite,
    check_batch_compatible,
    check_int,
    check_interval,
    check_params_vector,
)

__all__ = ["check_hyperparameters", "check_momentum_schedule", "check_theta", "checked"]


def check_theta(optimizer, theta) -> np.ndarray:
    """θ as a finite float array of shape (..., d) whose batch shape fits the hyperparameters."""
    theta = check_params_vector("theta", theta)
    _check_batch(optimizer, theta.shape[:-1])
    return theta


def _check_batch(optimizer, batch: tuple) -> None:
    if batch == optimizer.batch_shape or not optimizer.batch_shape:
        return  # the common cases, checked without numpy calls
    for name, value in (("lr", optimizer.lr(1)), ("momentum", optimizer.momentum(1))):
        check_batch_compatible(name, value, batch, hint=" of theta (theta has shape batch + (d,))")


def _check_state(optimizer, theta, state):
    from .optimizers import OptimizerState  # here: optimizers imports this module

    if not isinstance(state, OptimizerState):
        raise TypeError(f"state must be an OptimizerState from init, got {type(state).__name__}")
    if not (isinstance(theta, np.ndarray) and theta.dtype == np.float64):
        theta = np.asarray(theta, dtype=float)
    if theta.ndim == 0:
        raise ValueError("theta must have shape (..., d), got a scalar")
    _check_batch(optimizer, theta.shape[:-1])
    if np.shape(state.velocity) != theta.shape:
        raise ValueError(f"state.velocity has shape {np.shape(state.velocity)} but theta has shape "
                         f"{theta.shape}; call init on this theta")
    if type(state.step) is not int or state.step < 0:  # the common case without a call
        check_int("state.step", state.step, low=0)
    if not all_finite(theta):
        raise ValueError("theta must be finite, got non-finite entries")
    if not all_finite(np.asarray(state.velocity, dtype=float)):
        raise ValueError("state.velocity must be finite, got non-finite entries")
    check_hyperparameters(optimizer, state.step + 1)
    return theta


_NO_GRAD = object()


def checked(method):
    """Check ``(theta, state)`` or ``(theta, state, grad)``, then call ``method``."""

    @functools.wraps(method)
    def wrapper(self, theta, state, grad=_NO_GRAD):
        theta = _check_state(self, theta, state)
        if grad is _NO_GRAD:
            return method(self, theta, state)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != theta.shape:
            raise ValueError(f"grad must have the shape of theta {theta.shape}, got {grad.shape}")
        if not all_finite(grad):
            raise ValueError("grad must be finite, got non-finite entries")
        return method(self, theta, state, grad)

    wrapper.unchecked = method
    return wrapper


def check_momentum_schedule(schedule) -> None:
    """α_k must lie in [0, 1) for every k; 1 may only be approached (Nesterov's α_k → 1)."""
    if schedule.value_range is None:
        return  # unknown: each value is checked as it is used
    lo, hi = np.asarray(schedule.value_range[0]), np.asarray(schedule.value_range[1])
    bad_hi = (hi > 1.0) | ((hi == 1.0) & np.asarray(schedule.supremum_attained))
    if np.any(lo < 0.0) or np.any(bad_hi):
        raise ValueError(f"momentum must be in [0, 1), got a schedule {schedule!r} with values in "
                         f"[{np.min(lo):g}, {np.max(hi):g}]")


def check_hyperparameters(optimizer, ks) -> None:
    """Check ε_k ≥ 0 and α_k in [0, 1) at the updates ``ks``, for schedules of unknown range."""
    for name, schedule, high in (("lr", optimizer.lr, np.inf), ("momentum", optimizer.momentum, 1.0)):
        if schedule.value_range is None:
            values = [schedule(int(k)) for k in np.atleast_1d(ks)]
            check_interval(f"{name} (schedule {schedule.name})", values, 0.0, high, high_open=True)
