"""Run an optimizer on a problem: the one training loop of the course.

:func:`run` takes a problem (:mod:`coursekit.problems`), an optimizer
(:mod:`coursekit.optimizers`) and θ_0, and runs k = 1..``steps`` updates
for a whole *batch* of trajectories at once: every hyperparameter array in
the optimizer, and an optional leading axis of ``repeats`` (seeds), becomes
a batch axis of θ. The result records, per trajectory, J(θ_k), ‖g_k‖, ε_k,
‖v_k‖, examples seen, test loss, and whether and when it diverged.

Divergence is a result, not a crash: a trajectory whose θ or gradient stops
being finite, or whose loss exceeds ``divergence_factor`` × max(J(θ_0), 1),
is frozen at its last finite state and reported as "diverged at step k".
Floating-point warnings are silenced inside the loop because divergence is
detected explicitly.

>>> import numpy as np
>>> from coursekit.problems import canyon
>>> from coursekit.optimizers import sgd
>>> result = run(canyon(10.0), sgd(lr=np.array([0.05, 0.25])), [1.0, 1.0], steps=50)
>>> result.status(0), result.status(1)
('finished 50 steps', 'diverged at step 18')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_int, check_interval, check_params_vector, check_rng
from .optimizers import Optimizer
from .problems.base import Problem
from .schedules import Schedule

__all__ = ["RunResult", "run"]


@dataclass(frozen=True)
class RunResult:
    """Everything recorded by :func:`run`. ``R`` is the number of records.

    Arrays indexed by record have a leading axis of length R matching
    ``steps`` (record 0 is θ_0, before any update); ``batch`` is the batch
    shape of the run. Entries from the step at which a trajectory diverged
    on are NaN.

    steps : (R,) int            the iteration k of each record
    loss : (R, *batch)          J(θ_k) (training cost, full batch)
    grad_norm : (R, *batch)     ‖g_k‖ of the gradient estimate used by update k
    lr : (R, *batch)            ε_k used by update k
    speed : (R, *batch)         ‖v_k‖ after update k
    examples_seen : (R,) int    examples touched per trajectory by the gradient
                                evaluations so far (m per minibatch, n per full
                                gradient; 0 for exact gradients of a quadratic)
    theta, velocity : (R, *batch, d) or None   the path, when ``keep_path``
    final_theta, final_velocity : (*batch, d)  the last finite state
    test_steps : (T,) int, test_loss : (T, *batch), or None without a test split
    average_loss : (R, *batch) or None   J(θ̄_k) for the running average
        θ̄_k = (1/k) Σ_{j≤k} θ_j, when ``average`` (Polyak–Ruppert averaging)
    diverged : (*batch,) bool;  diverged_at : (*batch,) int, −1 when it did not
    """

    steps: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    speed: np.ndarray
    examples_seen: np.ndarray
    theta: np.ndarray | None
    velocity: np.ndarray | None
    final_theta: np.ndarray
    final_velocity: np.ndarray
    test_steps: np.ndarray | None
    test_loss: np.ndarray | None
    average_loss: np.ndarray | None
    diverged: np.ndarray
    diverged_at: np.ndarray

    @property
    def batch_shape(self) -> tuple:
        return self.diverged.shape

    def status(self, index=()) -> str:
        """``"diverged at step k"`` or ``"finished K steps"`` for one trajectory."""
        k = int(self.diverged_at[index])
        return f"diverged at step {k}" if k >= 0 else f"finished {int(self.steps[-1])} steps"


def _norm(x: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis; cheaper than np.linalg.norm for tiny d."""
    return np.sqrt(np.add.reduce(x * x, axis=-1))


def _record_steps(steps: int, record_every: int) -> np.ndarray:
    ks = np.arange(0, steps + 1, record_every)
    if ks[-1] != steps:
        ks = np.append(ks, steps)
    return ks


def _batch_size_at(batch_size, k: int, n_train) -> int:
    if batch_size is None or isinstance(batch_size, int):
        return batch_size
    m = float(np.asarray(batch_size(k)))  # a schedule of minibatch sizes (claim C10)
    m = max(1, int(round(m)))
    return min(m, n_train) if n_train else m


def run(
    problem: Problem,
    optimizer: Optimizer,
    theta0,
    steps: int,
    *,
    batch_size=None,
    rng: np.random.Generator | None = None,
    noise: str = "independent",
    repeats: int | None = None,
    record_every: int = 1,
    test_every: int | None = None,
    keep_path: bool = False,
    average: bool = False,
    divergence_factor: float = 1e6,
) -> RunResult:
    """Run ``steps`` updates of ``optimizer`` on ``problem`` from ``theta0``.

    Parameters
    ----------
    theta0 : array (d,) or (*b, d)
        θ_0, broadcast against the optimizer's hyperparameter batch.
    steps : int
        Number of updates.
    batch_size : None, int or Schedule
        None: exact gradients (batch gradient descent). An int m: minibatch
        gradients of size m (SGD). A schedule k ↦ m_k: a growing minibatch.
    rng : numpy Generator
        Required with minibatches. The only source of randomness.
    noise : "independent" or "common"
        Independent minibatches per trajectory, or one minibatch shared by
        all (common random numbers: a batched run then equals the loop over
        its settings exactly, and comparisons between settings are sharper).
    repeats : int, optional
        Prepend a batch axis of this many independent repeats (seeds).
    record_every, test_every : int
        Record training quantities every ``record_every`` updates (and at
        k = 0 and the last step); test loss every ``test_every`` updates.
    keep_path : bool
        Also keep θ_k and v_k at every record (memory R × batch × d).
    average : bool
        Also record the loss of the running average of the iterates.
    divergence_factor : float
        A loss above this × max(J(θ_0), 1) counts as divergence.
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a coursekit Problem, got {type(problem).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a coursekit Optimizer, got {type(optimizer).__name__}")
    theta0 = check_params_vector("theta0", theta0, problem.dim)
    steps = check_int("steps", steps, low=0)
    record_every = check_int("record_every", record_every, low=1)
    if test_every is not None:
        test_every = check_int("test_every", test_every, low=1)
        if not problem.has_test:
            raise ValueError(f"test_every was given but problem {problem.name!r} has no test split")
    if noise not in ("independent", "common"):
        raise ValueError(f"noise must be 'independent' or 'common', got {noise!r}")
    divergence_factor = float(check_interval("divergence_factor", divergence_factor, 1.0, np.inf,
                                             high_open=True))
    if batch_size is not None:
        if not isinstance(batch_size, Schedule):
            high = problem.n_train if problem.n_train else None
            batch_size = check_int("batch_size", batch_size, low=1, high=high)
        if rng is None:
            raise TypeError("rng is required with minibatches: pass np.random.default_rng(seed)")
        rng = check_rng(rng)

    try:
        batch = np.broadcast_shapes(theta0.shape[:-1], optimizer.batch_shape)
    except ValueError:
        raise ValueError(
            f"theta0 has batch shape {theta0.shape[:-1]}, which does not broadcast against "
            f"the optimizer's hyperparameter shape {optimizer.batch_shape}"
        ) from None
    if repeats is not None:
        batch = (check_int("repeats", repeats, low=1),) + batch
    d = problem.dim
    theta = np.array(np.broadcast_to(theta0, batch + (d,)), dtype=float)
    state = optimizer.init(theta)

    record_ks = _record_steps(steps, record_every)
    n_rec = len(record_ks)
    nan_rec = lambda: np.full((n_rec,) + batch, np.nan)  # noqa: E731
    loss, grad_norm, lr_rec, speed = nan_rec(), nan_rec(), nan_rec(), nan_rec()
    average_loss = nan_rec() if average else None
    examples = np.zeros(n_rec, dtype=np.int64)
    path = np.full((n_rec,) + batch + (d,), np.nan) if keep_path else None
    vpath = np.full((n_rec,) + batch + (d,), np.nan) if keep_path else None
    test_ks = None
    test_loss = None
    if test_every is not None:
        test_ks = _record_steps(steps, test_every)
        test_loss = np.full((len(test_ks),) + batch, np.nan)

    diverged_at = np.full(batch, -1, dtype=np.int64)
    alive = np.ones(batch, dtype=bool)
    any_dead = False
    theta_sum = np.zeros_like(theta) if average else None
    noise_shape = batch if noise == "independent" else ()
    # Two sets of buffers used in turn: each update reads one set and writes
    # the other, so no step allocates θ or v and no input is overwritten.
    buffers = [(np.empty_like(theta), np.empty_like(theta)) for _ in range(2)]
    point_buffer = np.empty_like(theta) if optimizer.nesterov else None
    seen = 0
    rec = 0
    test_rec = 0

    with np.errstate(all="ignore"):
        loss0 = problem._loss(theta)
        limit = divergence_factor * np.maximum(np.abs(loss0), 1.0)
        loss[0] = loss0
        speed[0] = 0.0
        if keep_path:
            path[0], vpath[0] = theta, state.velocity
        if average:
            average_loss[0] = loss0
        if test_ks is not None:
            test_loss[0] = problem._test_loss(theta)
            test_rec = 1
        rec = 1
        for k in range(1, steps + 1):
            point = optimizer._gradient_point(theta, state, point_buffer)
            m = _batch_size_at(batch_size, k, problem.n_train)
            if m is None:
                grad = problem._grad(point)
                seen += problem.n_train or 0
            else:
                drawn = problem._sample_batch(rng, noise_shape, m)
                grad = problem._minibatch_grad(point, drawn)
                seen += m
            new_theta, new_state = optimizer._update(theta, state, grad, buffers[k % 2])

            if not np.isfinite(new_theta).all():  # one cheap reduction in the usual case
                bad = alive & ~np.isfinite(new_theta).all(axis=-1)
                diverged_at[bad] = k
                alive &= ~bad
                any_dead = True
            if any_dead:
                keep = alive[..., None]
                new_theta = np.where(keep, new_theta, theta)
                new_state = new_state._replace(velocity=np.where(keep, new_state.velocity, 0.0))
            theta, state = new_theta, new_state
            if average:
                theta_sum += theta

            if rec < n_rec and record_ks[rec] == k:
                current = problem._loss(theta)
                if not (current <= limit).all():  # also catches NaN
                    over = alive & ~(current <= limit)
                    diverged_at[over] = k
                    alive &= ~over
                    any_dead = True
                loss[rec] = current
                grad_norm[rec] = _norm(grad)
                lr_rec[rec] = optimizer.lr(k)
                speed[rec] = _norm(state.velocity)
                examples[rec] = seen
                if keep_path:
                    path[rec] = theta
                    vpath[rec] = state.velocity
                if average:
                    average_loss[rec] = problem._loss(theta_sum / k)
                rec += 1
            if test_ks is not None and test_rec < len(test_ks) and test_ks[test_rec] == k:
                test_loss[test_rec] = problem._test_loss(theta)
                test_rec += 1
            if any_dead and not alive.any():
                break

    # Entries from the step of divergence on carry no information: blank them.
    if any_dead:
        for ks, arrays in ((record_ks, (loss, grad_norm, lr_rec, speed, average_loss, path, vpath)),
                           (test_ks, (test_loss,))):
            if ks is None:
                continue
            after = (diverged_at >= 0) & (ks.reshape((-1,) + (1,) * len(batch)) >= diverged_at)
            for arr in arrays:
                if arr is not None:
                    arr[after] = np.nan

    return RunResult(
        steps=record_ks,
        loss=loss,
        grad_norm=grad_norm,
        lr=lr_rec,
        speed=speed,
        examples_seen=examples,
        theta=path,
        velocity=vpath,
        final_theta=theta.copy(),
        final_velocity=state.velocity.copy(),
        test_steps=test_ks,
        test_loss=test_loss,
        average_loss=average_loss,
        diverged=diverged_at >= 0,
        diverged_at=diverged_at,
    )
