"""Run an optimizer on a problem: the one training loop of the course.

:func:`run` takes a problem (:mod:`coursekit.problems`), an optimizer
(:mod:`coursekit.optimizers`) and θ_0, and runs k = 1..``steps`` updates
for a whole *batch* of trajectories at once: every hyperparameter array in
the optimizer, and an optional leading axis of ``repeats`` (seeds), becomes
a batch axis of θ. The result records, per trajectory, J(θ_k), ‖g_k‖, ε_k,
‖v_k‖, examples seen, test loss, and whether and when it diverged.

The loop is three lines: the gradient at the optimizer's gradient point,
the optimizer's own update (the very code of :mod:`coursekit.optimizers`,
called without its per-call checks, since :func:`run` checks its inputs
once), and a :class:`~coursekit.recorder.Recorder` that watches the step.

Divergence is a result, not a crash: a trajectory whose θ stops being
finite, or whose cost passes ``divergence_factor`` × max(|J(θ_0)|, 1), is
held at its last state within the limit and reported as "diverged at step
k", the same k whatever the record grid (see
:class:`~coursekit.recorder.Recorder`). Floating-point warnings are
silenced inside the loop because divergence is detected explicitly.

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
from .optimizer_checks import check_hyperparameters
from .optimizers import Optimizer
from .problems.base import Problem
from .recorder import Recorder
from .schedules import Schedule, as_schedule

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


class _Gradients:
    """g_k at a point: exact, or from a minibatch of size m (fixed, or a schedule m_k), counting examples."""

    def __init__(self, problem, batch_size, rng, noise, batch):
        self.problem, self.batch_size, self.rng = problem, batch_size, rng
        self.noise_shape = batch if noise == "independent" else ()
        self.seen = 0

    def __call__(self, point, k):
        m = self.batch_size
        if m is None:
            self.seen += self.problem.n_train or 0
            return self.problem._grad(point)
        if not isinstance(m, int):  # a schedule of minibatch sizes (claim C10)
            m = max(1, int(round(float(np.asarray(m(k))))))
            m = min(m, self.problem.n_train) if self.problem.n_train else m
        self.seen += m
        return self.problem._minibatch_grad(point, self.problem._sample_batch(self.rng, self.noise_shape, m))


def run(problem: Problem, optimizer: Optimizer, theta0, steps: int, *, batch_size=None, rng=None,
        noise: str = "independent", repeats: int | None = None, record_every: int = 1,
        test_every: int | None = None, keep_path: bool = False, average: bool = False,
        divergence_factor: float = 1e6) -> RunResult:
    """Run ``steps`` updates of ``optimizer`` on ``problem`` from θ_0 (shape (d,) or (*b, d)).

    batch_size: None for exact gradients (batch gradient descent), an int m
    for minibatches of m examples (SGD), or a schedule k ↦ m_k. rng: a numpy
    Generator, required with minibatches, the only source of randomness.
    noise: "independent" minibatches per trajectory, or "common" ones shared
    by all (a batched run then equals the loop over its settings exactly).
    repeats: prepend a batch axis of that many independent repeats (seeds).
    record_every, test_every: the record grids (k = 0, every, ..., steps).
    keep_path: keep θ_k and v_k at each record. average: record J of the
    running average θ̄_k = (1/k) Σ_{j≤k} θ_j. divergence_factor: see above.
    """
    theta, gradients = _start(problem, optimizer, theta0, steps, batch_size, rng, noise, repeats,
                              record_every, test_every, divergence_factor)
    state = optimizer.init(theta)
    recorder = Recorder(problem, optimizer, theta, steps, record_every, test_every, keep_path,
                        average, divergence_factor)
    gradient_point, update = optimizer.gradient_point.unchecked, optimizer.update.unchecked
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            grad = gradients(gradient_point(optimizer, theta, state), k)
            new_theta, state = update(optimizer, theta, state, grad)
            theta, state = recorder.record(k, theta, new_theta, state, grad, gradients.seen)
            if recorder.all_dead:
                break
    return RunResult(**recorder.result(theta, state))


def _start(problem, optimizer, theta0, steps, batch_size, rng, noise, repeats, record_every,
           test_every, divergence_factor):
    """Check the arguments of :func:`run` once; return θ_0 broadcast to the batch, and the gradients."""
    for name, value, kind in (("problem", problem, Problem), ("optimizer", optimizer, Optimizer)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} must be a coursekit {kind.__name__}, got {type(value).__name__}")
    theta0 = check_params_vector("theta0", theta0, problem.dim)
    steps = check_int("steps", steps, low=0)
    check_int("record_every", record_every, low=1)
    if test_every is not None:
        check_int("test_every", test_every, low=1)
    if test_every is not None and not problem.has_test:
        raise ValueError(f"test_every was given but problem {problem.name!r} has no test split")
    if noise not in ("independent", "common"):
        raise ValueError(f"noise must be 'independent' or 'common', got {noise!r}")
    check_interval("divergence_factor", divergence_factor, 1.0, np.inf, high_open=True)
    if batch_size is not None:
        if isinstance(batch_size, Schedule) or callable(batch_size):
            batch_size = as_schedule("batch_size", batch_size)
        else:
            batch_size = check_int("batch_size", batch_size, low=1, high=problem.n_train or None)
        if rng is None:
            raise TypeError("rng is required with minibatches: pass np.random.default_rng(seed)")
        check_rng(rng)
    check_hyperparameters(optimizer, np.arange(1, steps + 1))  # only schedules of unknown range
    try:
        batch = np.broadcast_shapes(theta0.shape[:-1], optimizer.batch_shape)
    except ValueError:
        raise ValueError(
            f"theta0 has batch shape {theta0.shape[:-1]}, which does not broadcast against "
            f"the optimizer's hyperparameter shape {optimizer.batch_shape}"
        ) from None
    if repeats is not None:
        batch = (check_int("repeats", repeats, low=1),) + batch
    theta = np.array(np.broadcast_to(theta0, batch + (problem.dim,)), dtype=float)
    return theta, _Gradients(problem, batch_size, rng, noise, batch)
