"""Claim C4, "too small": a too small ε_0 under the linear schedule of eq. 8.14, and its controls.

:func:`too_small_run` runs the schedule with a too small ε_0 long past τ,
against the same schedule with a good ε_0 and the same small ε_0 kept
constant: what "stuck with a high cost" means on this convex cost.
:func:`noise_floor` (SGD started at θ*) and :func:`decayed_final_ratio` (one
run of eq. 8.14, by default with the full gradient) split a run's final excess
into minibatch noise and unfinished optimization.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import tail_mean
from ...optimizers import sgd
from ...problems import digits_softmax
from ...runner import run
from ...schedules import linear_decay
from .problems import _min_loss, _minimizer

__all__ = [
    "StuckResult",
    "decayed_final_ratio",
    "noise_floor",
    "too_small_run",
]


# --------------------------------------------------------------------------
# C4: a too small ε_0 with a decaying schedule
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StuckResult:
    """Three runs of SGD on the digits, long past τ (claim C4, "too small").

    Runs, in order: ``labels`` = (small ε_0 with eq. 8.14, good ε_0 with
    eq. 8.14, small ε kept constant).

    lr0, lr_tau : (3,)          ε_0 and ε_τ of each run (equal for the constant run)
    tau : int                   the step at which eq. 8.14 stops decaying
    steps : (R,) int            iteration k of each record
    lr : (R, 3)                 ε_k used by update k (ε_1 at record 0)
    loss : (R, 3)               J(θ_k)
    loss_at_tau, final_loss : (3,)  J(θ_τ) and J(θ_K)
    drop_after_tau : (3,)       J(θ_τ) − J(θ_K): how much each run still gains after τ
    travel : (3,)               Σ_{k=1}^{K} ε_k, the total step length the schedule allows
    min_loss : float            J* = min J (Newton's method, :meth:`LogisticRegression.solve`;
                                problems are shared, so J* is computed once per λ)
    """

    labels: tuple
    lr0: np.ndarray
    lr_tau: np.ndarray
    tau: int
    steps: np.ndarray
    lr: np.ndarray
    loss: np.ndarray
    loss_at_tau: np.ndarray
    final_loss: np.ndarray
    drop_after_tau: np.ndarray
    travel: np.ndarray
    min_loss: float


def too_small_run(small: float = 0.003, good: float = 1.0, *, tau: int = 1000, steps: int = 5000,
                  final_fraction: float = 0.01, batch_size: int | None = 32, l2: float = 1e-3,
                  seed: int = 0, record_every: int = 100) -> StuckResult:
    """A too small ε_0 under eq. 8.14, run to K = ``steps`` ≫ τ, with its two controls.

    Run 0: ε_k linear from ε_0 = ``small`` to ε_τ = ``final_fraction``·ε_0 over
    τ steps, then constant (eq. 8.14). Run 1: the same schedule from
    ε_0 = ``good``. Run 2: ε = ``small`` constant. One runner call with
    minibatches shared by the three runs (common random numbers), from
    θ_0 = 0 on :func:`coursekit.problems.digits_softmax`. On this convex cost
    a run is never stuck for good (ε_k ≥ ε_τ > 0, so Σε_k = ∞); what the
    small decayed run lacks is the total step length Σε_k (``travel``).
    ``batch_size=None`` takes the full gradient every step: the control that
    separates unfinished optimization from the minibatch noise floor.
    """
    small = check_scalar("small", small, 0.0, low_open=True)
    good = check_scalar("good", good, 0.0, low_open=True)
    tau = check_int("tau", tau, low=1)
    steps = check_int("steps", steps, low=tau + 1)
    record_every = check_int("record_every", record_every, low=1)
    if tau % record_every:
        raise ValueError(f"tau must be a multiple of record_every = {record_every} so that it is "
                         f"recorded, got {tau}")
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    seed = check_int("seed", seed, low=0)
    problem = digits_softmax(l2=l2)
    lr0 = np.array([small, good, small])
    lr_tau = np.array([final_fraction * small, final_fraction * good, small])
    schedule = linear_decay(lr0, lr_tau, tau)
    result = run(problem, sgd(schedule), np.zeros(problem.dim), steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), noise="common", record_every=record_every)
    at_tau = int(np.flatnonzero(result.steps == tau)[0])
    ks = np.arange(1, steps + 1)[:, None]
    loss = result.loss
    return StuckResult(
        labels=(f"ε₀ = {small:g}, eq. 8.14", f"ε₀ = {good:g}, eq. 8.14", f"ε = {small:g} constant"),
        lr0=lr0,
        lr_tau=lr_tau,
        tau=tau,
        steps=result.steps,
        lr=np.asarray(schedule(np.maximum(result.steps, 1)[:, None]), dtype=float),
        loss=loss,
        loss_at_tau=loss[at_tau],
        final_loss=loss[-1],
        drop_after_tau=loss[at_tau] - loss[-1],
        travel=np.sum(schedule(ks), axis=0),
        min_loss=_min_loss(problem),
    )


def noise_floor(lr: float = 0.01, *, steps: int = 2000, seeds: int = 4, batch_size: int = 32,
                l2: float = 1e-3, seed: int = 0, record_every: int = 100) -> float:
    """The noise floor of SGD at a constant ε, as a multiple of J*: mean J / J* over the second half.

    SGD (Algorithm 8.1) with the constant rate ``lr`` is started at the minimum
    θ* itself (Newton's method) on :func:`coursekit.problems.digits_softmax`,
    ``seeds`` minibatch streams at once (one runner call, ``repeats``); what
    it keeps above J* is the minibatch noise alone, with no distance left to
    travel. The control for reading a run's final excess as "noise floor".
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    steps = check_int("steps", steps, low=2)
    seeds = check_int("seeds", seeds, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    problem = digits_softmax(l2=check_scalar("l2", l2, 0.0, low_open=True))
    result = run(problem, sgd(np.array([lr])), _minimizer(problem), steps, batch_size=batch_size,
                 rng=np.random.default_rng(check_int("seed", seed, low=0)), repeats=seeds,
                 record_every=check_int("record_every", record_every, low=1))
    return float(np.mean(tail_mean(result.loss, 0.5)) / _min_loss(problem))


def decayed_final_ratio(lr0: float = 1.0, *, tau: int = 1000, steps: int = 5000,
                        final_fraction: float = 0.01, batch_size: int | None = None,
                        l2: float = 1e-3, seed: int = 0) -> float:
    """J(θ_K)/J* of ONE run of eq. 8.14 from θ_0 = 0: ε_k linear from ε_0 = ``lr0`` to
    ε_τ = ``final_fraction``·ε_0 over τ steps, then constant, for K = ``steps``.

    With ``batch_size=None`` (the default) every step takes the full gradient: no
    minibatch noise at all, so what stays above J* is optimization the budget did not
    finish. The control that splits the excess of :func:`too_small_run`'s good run into
    unfinished optimization and minibatch noise (one run, not three, to keep it cheap).
    """
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    tau = check_int("tau", tau, low=1)
    steps = check_int("steps", steps, low=tau)
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    problem = digits_softmax(l2=check_scalar("l2", l2, 0.0, low_open=True))
    schedule = linear_decay(np.array([lr0]), np.array([final_fraction * lr0]), tau)
    result = run(problem, sgd(schedule), np.zeros(problem.dim), steps, batch_size=batch_size,
                 rng=np.random.default_rng(check_int("seed", seed, low=0)), noise="common",
                 record_every=steps)
    return float(result.loss[-1, 0]) / _min_loss(problem)
