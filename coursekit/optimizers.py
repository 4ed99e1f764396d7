"""SGD, momentum and Nesterov momentum, written as the book writes them.

Algorithm 8.1 (SGD):       θ ← θ − ε_k g
Algorithm 8.2 (momentum):  v ← α v − ε g,  θ ← θ + v                  (eqs. 8.15, 8.16)
Algorithm 8.3 (Nesterov):  g taken at θ̃ = θ + α v,  then as above    (eqs. 8.21, 8.22)

SGD is momentum with α = 0: its velocity is then just the last step −ε g.
Each optimizer is an init/update pair with explicit state (the velocity v
and the number of updates taken); no call changes its inputs. The argument
checks live in :mod:`coursekit.optimizer_checks`, out of the way.

θ may hold a batch of trajectories, shape ``(..., d)``. ε (``lr``) and α
(``momentum``) may each be a number, an array whose shape broadcasts
against θ's batch shape (so K settings run as one numpy computation), a
:class:`~coursekit.schedules.Schedule`, or any callable k ↦ value.

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

from ._validation import check_interval
from .optimizer_checks import check_momentum_schedule, check_theta, checked
from .schedules import Schedule, as_schedule

__all__ = ["Optimizer", "OptimizerState", "momentum", "nesterov", "sgd"]


class OptimizerState(NamedTuple):
    """The velocity v (θ's shape) and the number of updates taken; the next is k = step + 1.

    >>> sgd(0.1).init([1.0, 2.0])
    OptimizerState(velocity=array([0., 0.]), step=0)
    """

    velocity: np.ndarray
    step: int


@dataclass(frozen=True)
class Optimizer:
    """One of Algorithms 8.1-8.3 with its hyperparameters; build it with :func:`sgd`,
    :func:`momentum` or :func:`nesterov`.

    >>> opt = nesterov(lr=0.1, momentum=0.5)
    >>> state = OptimizerState(np.array([1.0]), 3)
    >>> opt.gradient_point(np.array([2.0]), state)     # θ̃ = θ + α v
    array([2.5])
    >>> opt.update(np.array([2.0]), state, grad=np.array([5.0]))
    (array([2.]), OptimizerState(velocity=array([0.]), step=4))
    """

    name: str
    lr: Schedule
    momentum: Schedule
    nesterov: bool
    batch_shape: tuple

    def init(self, theta) -> OptimizerState:
        """The state before the first update: v = 0, no step taken."""
        theta = check_theta(self, theta)
        return OptimizerState(np.zeros_like(theta), 0)

    def hyperparameters(self, k: int) -> tuple:
        """(ε_k, α_k) of update k, with a trailing axis so that shape S meets θ's (*S, d)."""
        return _column(self.lr(k)), _column(self.momentum(k))

    @checked
    def gradient_point(self, theta, state: OptimizerState) -> np.ndarray:
        """Where update k = state.step + 1 takes its gradient: θ, or Nesterov's θ̃."""
        if not self.nesterov:
            return theta
        _, alpha = self.hyperparameters(state.step + 1)
        return theta + alpha * state.velocity                # θ̃ = θ + α v        (eq. 8.21)

    @checked
    def update(self, theta, state: OptimizerState, grad) -> tuple[np.ndarray, OptimizerState]:
        """Update k = state.step + 1, with ``grad`` taken at :meth:`gradient_point`."""
        lr, alpha = self.hyperparameters(state.step + 1)
        velocity = alpha * state.velocity - lr * grad        # v ← α v − ε g     (eq. 8.15)
        theta = theta + velocity                             # θ ← θ + v         (eq. 8.16)
        return theta, OptimizerState(velocity, state.step + 1)

    def step(self, theta, state: OptimizerState, grad_fn: Callable) -> tuple[np.ndarray, OptimizerState]:
        """One whole iteration: the gradient at :meth:`gradient_point`, then :meth:`update`."""
        return self.update(theta, state, grad_fn(self.gradient_point(theta, state)))


def _column(value):
    return value if isinstance(value, float) else np.asarray(value)[..., None]


def _make(name: str, lr, momentum_value, nesterov_flag: bool) -> Optimizer:
    if not callable(momentum_value):
        check_interval("momentum", momentum_value, 0.0, 1.0, high_open=True)  # names the user's value
    lr_schedule, alpha_schedule = as_schedule("lr", lr), as_schedule("momentum", momentum_value)
    check_momentum_schedule(alpha_schedule)
    shapes = np.shape(lr_schedule(1)), np.shape(alpha_schedule(1))
    try:
        batch_shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"lr (shape {shapes[0]}) and momentum (shape {shapes[1]}) "
                         "do not broadcast together") from None
    return Optimizer(name, lr_schedule, alpha_schedule, nesterov_flag, batch_shape)


def sgd(lr) -> Optimizer:
    """Algorithm 8.1: θ ← θ − ε_k g, with ε (``lr``) ≥ 0.

    >>> sgd(0.25).update(np.array([1.0]), OptimizerState(np.zeros(1), 0), np.array([2.0]))[0]
    array([0.5])
    """
    return _make("SGD", lr, 0.0, False)


def momentum(lr, momentum) -> Optimizer:
    """Algorithm 8.2: v ← α v − ε g, then θ ← θ + v (eqs. 8.15, 8.16), α (``momentum``) in [0, 1).

    >>> momentum(0.1, 0.9).update(np.array([1.0]), OptimizerState(np.array([-0.5]), 1), np.array([2.0]))
    (array([0.35]), OptimizerState(velocity=array([-0.65]), step=2))
    """
    return _make("momentum", lr, momentum, False)


def nesterov(lr, momentum) -> Optimizer:
    """Algorithm 8.3: the gradient is taken at θ̃ = θ + α v (eqs. 8.21, 8.22).

    For the O(1/k²) rate on convex problems with batch gradients, pass
    ``momentum=coursekit.schedules.nesterov_momentum()``.

    >>> nesterov(0.1, 0.9).gradient_point(np.array([1.0]), OptimizerState(np.array([-0.5]), 1))
    array([0.55])
    """
    return _make("Nesterov", lr, momentum, True)
