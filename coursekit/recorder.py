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

import numpy as np

from ._validation import check_int

__all__ = ["WINDOW_BYTES", "Recorder", "record_steps"]

# The memory for the θ kept between two checks of the cost (see Recorder).
WINDOW_BYTES = 16 * 2**20


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


_HUGE = np.finfo(float).max


def _squared_norm(x: np.ndarray):
    """‖x‖² over the last axis; a dot product for a single vector, the cheapest way."""
    return x @ x if x.ndim == 1 else np.add.reduce(x * x, axis=-1)


class Recorder:
    """Watches a batched run step by step: divergence, averages and the records.

    A trajectory diverges at update k when θ_k is not finite, or when a
    check of the cost finds J > ``divergence_factor`` · max(|J(θ_0)|, 1)
    and k is the first update since the previous check at which the cost
    was over that limit. θ is looked at on every step. The cost, which may
    cost a pass over the data, is checked whenever some ‖θ_k‖² has grown a
    hundredfold since the last check and past max(‖θ_0‖², 1) (a cost blows
    up through θ: a quadratic's grows like ‖θ‖²), after a stretch of steps
    whose θ fill ``WINDOW_BYTES``, and at the last step;
    the recorder keeps the θ since the last check to look back over them.
    These checks depend on the trajectory alone, never on the record grid,
    so neither does the step reported: the records only read. (A cost that
    passes the limit and falls back between two checks is not divergence.)
    A diverged trajectory is held at its last θ within the limit, with
    v = 0, and its records from the step of divergence on are NaN.

    ``record`` returns the (possibly held) θ and state, which the runner
    carries on with; ``result`` gives the fields of the
    :class:`~coursekit.runner.RunResult`.
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
        with np.errstate(all="ignore"):
            loss0 = problem._loss(theta)
        self.limit = float(divergence_factor) * np.maximum(np.abs(loss0), 1.0)
        self.limit = self.limit if self.limit.ndim else float(self.limit)  # one trajectory: a float
        # θ since the last check of the cost: 16 to 65536 of them, WINDOW_BYTES at most.
        self.window, self.window_start = [], 0
        self.window_size = int(np.clip(WINDOW_BYTES // theta.nbytes, 16, 65536))
        self.last_step, self.seen = steps, 0
        self.row = self.test_row = 0
        # Growth is measured from the last check, but never from below ‖θ_0‖² or 1.
        self.floor = np.maximum(_squared_norm(theta), 1.0)
        self._start_window(0, theta, _squared_norm(theta))
        self._store(0, theta, np.zeros_like(theta), np.zeros_like(theta), 0, loss0)

    def record(self, k, previous, theta, state, grad, seen):
        """After update k took ``previous`` to ``theta``: check divergence, average, record."""
        if self.any_dead:  # hold diverged trajectories at their last θ, at rest
            keep = self.alive[..., None]
            theta = np.where(keep, theta, previous)
            state = state._replace(velocity=np.where(keep, state.velocity, 0.0))
        # One look at θ per step: is it finite, and has ‖θ_k‖² grown a hundredfold since
        # the cost was last checked? A cost that blows up between records does so through θ.
        square = _squared_norm(theta)
        within = square <= self.levels  # False for NaN; a numpy bool for one trajectory
        grown = not (within.all() if within.ndim else within)
        if grown:
            bad = self.alive & ~np.isfinite(theta).all(axis=-1)
            if bad.any():
                theta, state = self._look_back(bad, theta, state, pending=theta)
                square = _squared_norm(theta)
        if self.theta_sum is not None:
            self.theta_sum += theta
        self.window.append(theta)
        loss = None
        if grown or len(self.window) > self.window_size or k == self.last_step:
            loss = self.problem._loss(theta)
            theta, state = self._check_cost(k, theta, state, loss, square)
        if k == self.next_record:
            self._store(k, theta, state.velocity, grad, seen, loss)
        self.seen = seen
        if k == self.next_test:
            self.test_loss[self.test_row] = self.problem._test_loss(theta)
            self.test_row += 1
            self.next_test = int(self.test_ks[self.test_row]) if self.test_row < len(self.test_ks) else -1
        return theta, state

    def _check_cost(self, k, theta, state, loss, square):
        """Compare J(θ_k) with the limit (NaN counts as over); then start a new window at k."""
        within = loss <= self.limit
        if not (within.all() if within.ndim else within):  # held trajectories are within it
            theta, state = self._look_back(self.alive & ~(loss <= self.limit), theta, state)
            square = _squared_norm(theta)
        self._start_window(k, theta, square)
        return theta, state

    def _start_window(self, k, theta, square):
        """The cost was checked at k: keep θ_k, and look again once ‖θ‖² has grown a hundredfold."""
        self.window, self.window_start = [theta], k
        # Finite levels, so that a θ that overflows next is always seen.
        if isinstance(square, float):  # one trajectory (numpy's float64 is a float)
            self.levels = min(100.0 * max(square, float(self.floor)), _HUGE)
        else:
            self.levels = np.minimum(100.0 * np.maximum(square, self.floor), _HUGE)

    def _look_back(self, over, theta, state, pending=None):
        """Find where each trajectory in ``over`` first passed the limit; hold it just before.

        The window holds θ at the last check (within the limit), then the θ of
        every later step, all already in the running sum; ``pending`` is a
        θ_k not yet in the window (one found not finite).
        """
        steps = self.window if pending is None else self.window + [pending]
        theta, velocity = theta.copy(), state.velocity.copy()
        for i in map(tuple, np.argwhere(over)):
            limit = self.limit[i] if i else self.limit
            first = next((j for j in range(1, len(steps))
                          if not self.problem._loss(steps[j][i]) <= limit), len(steps) - 1)
            held = steps[first - 1][i]
            if self.theta_sum is not None:  # from then on it adds its held θ, not its iterates
                later = self.window[first:]
                self.theta_sum[i] += len(later) * held - sum(w[i] for w in later)
            self.diverged_at[i] = self.window_start + first
            theta[i], velocity[i] = held, 0.0
        self.alive &= ~over
        self.any_dead = True
        self.all_dead = not self.alive.any()
        return theta, state._replace(velocity=velocity)

    def _store(self, k, theta, velocity, grad, seen, loss):
        """Fill record k. ``loss`` is J(θ_k) when a check has just computed it, else None.

        Squared norms here, square roots once in result(): a record costs little.
        """
        row = self.row
        self.loss[row] = self.problem._loss(theta) if loss is None else loss
        self.speed[row] = _squared_norm(velocity)
        self.examples[row] = seen
        if k > 0:
            self.grad_norm[row] = _squared_norm(grad)
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

    def result(self, theta, state) -> dict:
        """The fields of a :class:`~coursekit.runner.RunResult`; records from a divergence on are NaN."""
        np.sqrt(self.speed, out=self.speed)
        np.sqrt(self.grad_norm, out=self.grad_norm)
        # Records after the run stopped (every trajectory diverged): no more examples were touched.
        self.examples[self.row:] = self.seen
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
        return dict(
            steps=self.ks, loss=self.loss, grad_norm=self.grad_norm, lr=self.lr, speed=self.speed,
            examples_seen=self.examples, theta=self.path, velocity=self.vpath,
            final_theta=theta.copy(), final_velocity=state.velocity.copy(),
            test_steps=self.test_ks, test_loss=self.test_loss, average_loss=self.average_loss,
            diverged=self.diverged_at >= 0, diverged_at=self.diverged_at,
        )
