"""SGD, momentum and Nesterov momentum in the book's own form.

Algorithm 8.1 (SGD):          θ ← θ − ε_k g
Algorithm 8.2 (momentum):     v ← α v − ε g,  θ ← θ + v          (eqs. 8.15, 8.16)
Algorithm 8.3 (Nesterov):     θ̃ = θ + α v,  g = ∇J(θ̃) (estimate),
                              v ← α v − ε g,  θ ← θ + v          (eqs. 8.21, 8.22)

SGD is momentum with α = 0: its velocity is then just the last step −ε g.

Each optimizer is an init/update pair with explicit state
(:class:`OptimizerState`: the velocity v and the number of updates taken).
Nothing is mutated: every call returns new arrays.

Batches of trajectories. θ may have shape ``(..., d)``. ε (``lr``) and α
(``momentum``) may each be a number, an array or a
:class:`~coursekit.schedules.Schedule`; an array of shape ``S`` must
broadcast against the batch shape ``θ.shape[:-1]``, so K settings of
(ε, α) run as one numpy computation. For example ``lr=np.geomspace(1e-3, 1,
64)`` with θ of shape (64, 2) runs 64 learning rates at once.

>>> import numpy as np
>>> opt = momentum(lr=0.1, momentum=0.9)
>>> theta = np.array([1.0, -2.0])
>>> state = opt.init(theta)
>>> theta, state = opt.step(theta, state, lambda t: 2 * t)   # J = ||θ||²
>>> theta, state.step
(array([ 0.8, -1.6]), 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from ._validation import all_finite, check_batch_compatible, check_interval, check_params_vector
from .schedules import Schedule, as_schedule

__all__ = ["Optimizer", "OptimizerState", "momentum", "nesterov", "sgd"]


class OptimizerState(NamedTuple):
    """Explicit optimizer state.

    velocity : ndarray, same shape as θ
        v. For SGD, the last step taken (−ε g).
    step : int
        Number of updates taken so far. The next update is update k = step + 1.
    """

    velocity: np.ndarray
    step: int


def _check_momentum_schedule(schedule: Schedule) -> None:
    lo, hi = schedule.value_range
    ok_hi = np.all(hi < 1.0) or (np.all(hi <= 1.0) and not schedule.supremum_attained)
    if np.any(lo < 0.0) or not ok_hi:
        raise ValueError(
            f"momentum must be in [0, 1), got a schedule {schedule!r} with values in "
            f"[{np.min(lo):g}, {np.max(hi):g}]"
        )


@dataclass(frozen=True)
class Optimizer:
    """One of Algorithms 8.1-8.3 with its hyperparameters.

    Build it with :func:`sgd`, :func:`momentum` or :func:`nesterov`.
    ``batch_shape`` is the shape the hyperparameter arrays broadcast to;
    θ's batch shape must contain it.
    """

    name: str
    lr: Schedule
    momentum: Schedule
    nesterov: bool
    batch_shape: tuple

    # -- the init/update pair ------------------------------------------
    def init(self, theta) -> OptimizerState:
        """State before the first update: v = 0, no steps taken."""
        theta = self._check_theta(theta)
        return OptimizerState(np.zeros_like(theta), 0)

    def gradient_point(self, theta, state: OptimizerState, *, out=None) -> np.ndarray:
        """Where update k = state.step + 1 needs its gradient.

        θ itself for SGD and momentum; the interim point θ̃ = θ + α_k v for
        Nesterov (Algorithm 8.3), written into ``out`` when given.
        """
        theta, state = self._check_pair(theta, state)
        if out is not None and self.nesterov:
            _check_out((out,), theta, (theta, state.velocity))
        return self._gradient_point(theta, state, out)

    def update(self, theta, state: OptimizerState, grad, *, out=None) -> tuple[np.ndarray, OptimizerState]:
        """Apply update k = state.step + 1 with ``grad`` taken at :meth:`gradient_point`.

        Returns the new θ and the new state; the inputs are left unchanged.
        ``out=(theta_buffer, velocity_buffer)`` writes the results into two
        preallocated arrays of θ's shape instead of allocating new ones (the
        buffers must not overlap the inputs). The runner uses this to
        alternate between two sets of buffers, which avoids the cost of
        fresh memory on every step.
        """
        theta, state = self._check_pair(theta, state)
        grad = np.asarray(grad, dtype=float)
        if grad.shape != theta.shape:
            raise ValueError(f"grad must have the shape of theta {theta.shape}, got {grad.shape}")
        if not all_finite(grad):
            raise ValueError("grad must be finite, got non-finite entries")
        if out is not None:
            if not isinstance(out, tuple) or len(out) != 2:
                raise TypeError("out must be a tuple (theta_buffer, velocity_buffer)")
            _check_out(out, theta, (theta, state.velocity, grad))
        return self._update(theta, state, grad, out)

    def step(self, theta, state: OptimizerState, grad_fn: Callable) -> tuple[np.ndarray, OptimizerState]:
        """One full iteration: evaluate ``grad_fn`` at the right point, then update."""
        point = self.gradient_point(theta, state)
        return self.update(theta, state, grad_fn(point))

    def hyperparameters(self, k: int) -> tuple:
        """(ε_k, α_k) used by update k, shaped to broadcast against θ (trailing axis)."""
        return _column(self.lr(k)), _column(self.momentum(k))

    # -- unchecked hot path, used by the runner ----------------------------
    def _gradient_point(self, theta, state, out=None):
        if not self.nesterov:
            return theta
        alpha = _column(self.momentum(state.step + 1))
        point = np.multiply(state.velocity, alpha, out=out)
        point += theta
        return point

    def _update(self, theta, state, grad, out=None):
        lr, alpha = self.hyperparameters(state.step + 1)
        if out is None:
            out = (np.empty_like(theta), np.empty_like(theta))
        new_theta, velocity = out
        # v ← α v − ε g (eq. 8.15), then θ ← θ + v (eq. 8.16). The θ buffer
        # holds α v for a moment so that no temporary array is needed.
        np.multiply(grad, -lr, out=velocity)
        if not (isinstance(alpha, float) and alpha == 0.0):
            np.multiply(state.velocity, alpha, out=new_theta)
            velocity += new_theta
        np.add(theta, velocity, out=new_theta)
        return new_theta, OptimizerState(velocity, state.step + 1)

    # -- checks ----------------------------------------------------------
    def _check_theta(self, theta) -> np.ndarray:
        theta = check_params_vector("theta", theta)
        self._check_batch(theta.shape[:-1])
        return theta

    def _check_batch(self, batch: tuple) -> None:
        if batch == self.batch_shape or not self.batch_shape:
            return  # the common cases, checked without numpy calls
        for name, value in (("lr", self.lr(1)), ("momentum", self.momentum(1))):
            check_batch_compatible(name, value, batch,
                                   hint=" of theta (theta has shape batch + (d,))")

    def _check_pair(self, theta, state):
        if not isinstance(state, OptimizerState):
            raise TypeError(f"state must be an OptimizerState from init, got {type(state).__name__}")
        # Shapes only: θ was checked finite by init, and a non-finite θ shows up
        # as a non-finite gradient, which update rejects. This keeps the check to
        # one pass over memory per update.
        if not (isinstance(theta, np.ndarray) and theta.dtype == np.float64):
            theta = np.asarray(theta, dtype=float)
        if theta.ndim == 0:
            raise ValueError("theta must have shape (..., d), got a scalar")
        self._check_batch(theta.shape[:-1])
        if np.shape(state.velocity) != theta.shape:
            raise ValueError(
                f"state.velocity has shape {np.shape(state.velocity)} but theta has shape "
                f"{theta.shape}; call init on this theta"
            )
        return theta, state


def _column(value):
    """A hyperparameter value with a trailing axis, so that shape S meets θ's (*S, d)."""
    return value if isinstance(value, float) else np.asarray(value)[..., None]


def _check_out(out, theta: np.ndarray, inputs: tuple) -> None:
    for buffer in out:
        if not isinstance(buffer, np.ndarray) or buffer.shape != theta.shape or buffer.dtype != np.float64:
            raise ValueError(
                f"out must hold float64 arrays of theta's shape {theta.shape}, got "
                f"{[(type(b).__name__, np.shape(b)) for b in out]}"
            )
        if any(np.may_share_memory(buffer, x) for x in inputs):
            raise ValueError("out must not overlap theta, state.velocity or grad: inputs are never mutated")
    if len(out) == 2 and np.may_share_memory(out[0], out[1]):
        raise ValueError("the two out buffers must not overlap")


def _make(name: str, lr, momentum_value, nesterov_flag: bool) -> Optimizer:
    lr_schedule = as_schedule("lr", lr)
    if not isinstance(momentum_value, Schedule):
        # A constant: report the user's own value in the message.
        check_interval("momentum", momentum_value, 0.0, 1.0, high_open=True)
    alpha_schedule = as_schedule("momentum", momentum_value)
    _check_momentum_schedule(alpha_schedule)
    try:
        shape = np.broadcast_shapes(np.shape(lr_schedule(1)), np.shape(alpha_schedule(1)))
    except ValueError:
        raise ValueError(
            f"lr (shape {np.shape(lr_schedule(1))}) and momentum (shape "
            f"{np.shape(alpha_schedule(1))}) do not broadcast together"
        ) from None
    return Optimizer(name, lr_schedule, alpha_schedule, nesterov_flag, shape)


def sgd(lr) -> Optimizer:
    """Algorithm 8.1: θ ← θ − ε_k g.

    ``lr`` is ε: a number ≥ 0, an array, or a schedule.
    """
    return _make("SGD", lr, 0.0, False)


def momentum(lr, momentum) -> Optimizer:
    """Algorithm 8.2: v ← α v − ε g, then θ ← θ + v (eqs. 8.15, 8.16).

    ``momentum`` is α in [0, 1): a number, an array or a schedule.
    """
    return _make("momentum", lr, momentum, False)


def nesterov(lr, momentum) -> Optimizer:
    """Algorithm 8.3: the gradient is taken at θ̃ = θ + α v (eqs. 8.21, 8.22).

    For the O(1/k²) rate on convex problems with batch gradients, pass
    ``momentum=coursekit.schedules.nesterov_momentum()``.
    """
    return _make("Nesterov", lr, momentum, True)
