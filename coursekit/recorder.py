"""What a run keeps: the grid of recorded steps, and the recorder that fills it.

A run of K updates records k = 0 (the start, before any update), then every
``every`` updates, and always the last update K, so that the final state is
in every record whatever ``every`` is. The same grid is used by the runner
(:mod:`coursekit.runner`), the particle simulator (:mod:`coursekit.physics`)
and the lectures' experiments.

>>> record_steps(10, 4).tolist()
[0, 4, 8, 10]
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_int

__all__ = ["Recorder", "record_steps"]


def record_steps(steps: int, every: int = 1) -> np.ndarray:
    """The recorded k: 0, every, 2·every, ... and ``steps`` itself (int64, increasing).

    >>> record_steps(3).tolist(), record_steps(0, 5).tolist()
    ([0, 1, 2, 3], [0])
    """
    steps = check_int("steps", steps, low=0)
    every = check_int("every", every, low=1)
    ks = np.arange(0, steps + 1, every, dtype=np.int64)
    if ks[-1] != steps:
        ks = np.append(ks, np.int64(steps))
    return ks


def _squared_norm(x: np.ndarray):
    """‖x‖² over the last axis; a dot product for a single vector, the cheapest way."""
    return x @ x if x.ndim == 1 else np.add.reduce(x * x, axis=-1)


class Recorder:
    """Watches a batched run step by step: divergence, averages and the records.

    Divergence is checked on every update k, whatever the record grid: a
    trajectory diverges at k when θ_k or g_k is not finite, or when
    ‖g_k‖² > ``divergence_factor`` · max(‖g_1‖², 1) (near a minimum the cost
    grows like ‖g‖², so it has then grown about ``divergence_factor`` times). It is then frozen at
    its last finite θ with v = 0, and every record from step k on is NaN.

    ``record`` returns the (possibly frozen) θ and state, which the runner
    carries on with; ``result`` builds the :class:`~coursekit.runner.RunResult`.
    """

    def __init__(self, problem, optimizer, theta, steps, record_every, test_every,
                 keep_path, average, divergence_factor):
        self.problem, self.optimizer = problem, optimizer
        batch, d = theta.shape[:-1], theta.shape[-1]
        self.ks = record_steps(steps, record_every)
        self.test_ks = None if test_every is None else record_steps(steps, test_every)
        # The next k to record, as plain ints: compared on every step.
        self.next_record, self.next_test = 0, -1
        blank = lambda *shape: np.full((len(self.ks),) + batch + shape, np.nan)  # noqa: E731
        self.loss, self.grad_norm, self.lr, self.speed = blank(), blank(), blank(), blank()
        self.average_loss = blank() if average else None
        self.path, self.vpath = (blank(d), blank(d)) if keep_path else (None, None)
        self.examples = np.zeros(len(self.ks), dtype=np.int64)
        self.test_loss = None if self.test_ks is None else np.full((len(self.test_ks),) + batch, np.nan)
        self.theta_sum = np.zeros_like(theta) if average else None
        self.diverged_at = np.full(batch, -1, dtype=np.int64)
        self.alive = np.ones(batch, dtype=bool)
        self.any_dead = self.all_dead = False
        self.factor = float(divergence_factor)
        self.limit = None
        self.row = self.test_row = 0
        self._store(0, theta, np.zeros_like(theta), np.nan, 0)

    def record(self, k, previous, theta, state, grad, seen):
        """After update k took ``previous`` to ``theta``: check divergence, average, record."""
        square = _squared_norm(grad)  # ‖g_k‖²: NaN when g_k is not finite
        if self.limit is None:
            self.limit = self.factor * np.maximum(square, 1.0)
        # θ·θ is finite exactly when θ is, unless it overflows: only then look closer.
        if not (square <= self.limit).all() or not math.isfinite(np.vdot(theta, theta)):
            self._mark(k, theta, square)
        if self.any_dead:  # hold diverged trajectories at their last finite θ, at rest
            keep = self.alive[..., None]
            theta = np.where(keep, theta, previous)
            state = state._replace(velocity=np.where(keep, state.velocity, 0.0))
        if self.theta_sum is not None:
            self.theta_sum += theta
        if k == self.next_record:
            self._store(k, theta, state.velocity, square, seen)
        if k == self.next_test:
            self.test_loss[self.test_row] = self.problem._test_loss(theta)
            self.test_row += 1
            self.next_test = int(self.test_ks[self.test_row]) if self.test_row < len(self.test_ks) else -1
        return theta, state

    def _mark(self, k, theta, square):
        bad = self.alive & ~((square <= self.limit) & np.isfinite(theta).all(axis=-1))
        if bad.any():
            self.diverged_at[bad] = k
            self.alive &= ~bad
            self.any_dead = True
            self.all_dead = not self.alive.any()

    def _store(self, k, theta, velocity, grad_square, seen):
        # Squared norms here, square roots once in result(): a record costs little.
        row = self.row
        self.loss[row] = self.problem._loss(theta)
        self.speed[row] = _squared_norm(velocity)
        self.examples[row] = seen
        if k > 0:
            self.grad_norm[row] = grad_square
            self.lr[row] = self.optimizer.lr(k)
        if self.average_loss is not None:
            self.average_loss[row] = self.problem._loss(self.theta_sum / k) if k else self.loss[row]
        if self.path is not None:
            self.path[row], self.vpath[row] = theta, velocity
        if self.test_ks is not None and k == 0:
            self.test_loss[0] = self.problem._test_loss(theta)
            self.test_row = 1
            self.next_test = int(self.test_ks[1]) if len(self.test_ks) > 1 else -1
        self.row += 1
        self.next_record = int(self.ks[self.row]) if self.row < len(self.ks) else -1

    def result(self, theta, state):
        """The :class:`~coursekit.runner.RunResult`; records from a trajectory's divergence on are NaN."""
        from .runner import RunResult  # here: the runner imports this module

        np.sqrt(self.speed, out=self.speed)
        np.sqrt(self.grad_norm, out=self.grad_norm)
        if self.any_dead:
            grids = ((self.ks, (self.loss, self.grad_norm, self.lr, self.speed, self.average_loss,
                                self.path, self.vpath)), (self.test_ks, (self.test_loss,)))
            for ks, arrays in grids:
                if ks is None:
                    continue
                after = (self.diverged_at >= 0) & (ks.reshape((-1,) + (1,) * self.alive.ndim)
                                                   >= self.diverged_at)
                for array in arrays:
                    if array is not None:
                        array[after] = np.nan
        return RunResult(
            steps=self.ks, loss=self.loss, grad_norm=self.grad_norm, lr=self.lr, speed=self.speed,
            examples_seen=self.examples, theta=self.path, velocity=self.vpath,
            final_theta=theta.copy(), final_velocity=state.velocity.copy(),
            test_steps=self.test_ks, test_loss=self.test_loss, average_loss=self.average_loss,
            diverged=self.diverged_at >= 0, diverged_at=self.diverged_at,
        )
