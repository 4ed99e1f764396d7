"""Claim C4: learning curves of SGD for a too small, a good and a too large constant ε.

:func:`learning_rate_curves` measures how far each run got, whether the cost
*rose* (split into the data term and the weight-decay penalty), how often it
went up, and the curvature L at θ_0 that puts rates on different costs on the
same scale ε·L.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int
from ...analysis import tail_mean
from ...optimizers import sgd
from ...runner import run
from ._common import _check_lrs
from .problems import _digits_problem, _min_loss, largest_curvature

__all__ = [
    "CurvesResult",
    "learning_rate_curves",
]


# --------------------------------------------------------------------------
# C4: too small, good, too large
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CurvesResult:
    """Learning curves of SGD with constant ε on the digits (claim C4). n = len(lrs).

    lrs : (n,)                  the constant rates ε
    steps : (R,) int            iteration k of each record
    loss : (R, n)               J(θ_k), NaN after a divergence
    start_loss : float          J(θ_0) (the same θ_0 = 0 for every run)
    final_loss : (n,)           J at the last record (NaN if diverged)
    rise_ratio : (n,)           J(θ_K) / J(θ_0): above 1 means the cost rose
    max_ratio : (n,)            max_k J(θ_k) / J(θ_0)
    tail_ratio : (n,)           mean J over the second half of the records / J(θ_0):
                                a too-large ε makes SGD chaotic, so its endpoint
                                varies with the last bits of the arithmetic and
                                this average is the robust measure of the rise
    tail_data_ratio, tail_penalty_ratio : (n,)   the two parts of ``tail_ratio``: the
                                data term (cross-entropy or squared error) and the
                                weight-decay penalty (λ/2)‖w‖², each / J(θ_0)
    curvature : float           L, the largest Hessian eigenvalue at θ_0 (:func:`largest_curvature`)
    min_loss : float            J* = min J (Newton's method or the normal equations); 0 for
                                the softmax with λ = 0, whose infimum on these separable
                                data is 0 and is not attained
    frac_up : (n,)              fraction of recorded steps at which J went up
    max_grad_norm : (n,)        largest recorded ‖g_k‖ before any divergence (NaN if none recorded)
    status : tuple of n str     "finished K steps" or "diverged at step k"
    diverged_at : (n,) int      −1 when the run did not diverge
    problem : str               "softmax" or "least squares"
    batch_size, l2 : the minibatch size m (None: batch gradient descent) and the weight decay
    """

    lrs: np.ndarray
    steps: np.ndarray
    loss: np.ndarray
    start_loss: float
    final_loss: np.ndarray
    rise_ratio: np.ndarray
    max_ratio: np.ndarray
    tail_ratio: np.ndarray
    tail_data_ratio: np.ndarray
    tail_penalty_ratio: np.ndarray
    curvature: float
    min_loss: float
    frac_up: np.ndarray
    max_grad_norm: np.ndarray
    status: tuple
    diverged_at: np.ndarray
    problem: str
    batch_size: int | None
    l2: float


def learning_rate_curves(
    lrs=(0.003, 0.3, 30.0),
    *,
    steps: int = 500,
    batch_size: int = 32,
    l2: float = 1e-3,
    seed: int = 0,
    record_every: int = 5,
    problem: str = "softmax",
) -> CurvesResult:
    """SGD (Algorithm 8.1, θ ← θ − ε g) with each constant ε in ``lrs``, from θ_0 = 0.

    All runs are one batched runner call with ε an array of shape (n,) and
    minibatches of size m = ``batch_size`` drawn independently per run from
    ``np.random.default_rng(seed)``; ``batch_size=None`` takes the full
    gradient every step (batch gradient descent, the control for minibatch
    noise). The measured numbers describe the three regimes of section
    8.3.1: a too small ε ends high (``final_loss``), a too large ε makes the
    cost rise (``rise_ratio`` > 1, or a reported divergence) and go up at
    many steps (``frac_up``), a good ε oscillates gently while the cost falls.
    ``problem="least squares"`` runs the same rates on a cost of the same
    digits whose gradient grows with θ (see :func:`_digits_problem`).
    """
    lrs = _check_lrs(lrs)
    steps = check_int("steps", steps, low=1)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    seed = check_int("seed", seed, low=0)
    record_every = check_int("record_every", record_every, low=1)
    cost = _digits_problem(problem, l2)
    theta0 = np.zeros(cost.dim)
    result = run(cost, sgd(lrs), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), record_every=record_every, keep_path=True)
    loss = result.loss
    # The data term alone: the same cost without weight decay, on the recorded path
    # (a diverged run's non-finite θ is evaluated at 0 and masked to NaN).
    finite = np.isfinite(result.theta).all(axis=-1) & np.isfinite(loss)
    with np.errstate(invalid="ignore", over="ignore"):
        data_loss = _digits_problem(problem, 0.0).loss(np.where(finite[..., None], result.theta, 0.0))
    data_loss = np.where(finite, data_loss, np.nan)
    start = float(loss[0, 0])
    final = loss[-1]
    with np.errstate(invalid="ignore"):
        went_up = np.diff(loss, axis=0) > 0  # NaN after a divergence counts as not up
    # Record 0 has no gradient yet and a diverged run has none after k: NaN, skipped.
    seen = np.isfinite(result.grad_norm)
    max_grad = np.where(seen.any(axis=0), np.max(np.where(seen, result.grad_norm, -np.inf), axis=0), np.nan)
    with np.errstate(invalid="ignore"):
        tail = tail_mean(loss, 0.5) / start  # NaN for a run that diverged
        tail_data = tail_mean(data_loss, 0.5) / start
        tail_penalty = tail_mean(loss - data_loss, 0.5) / start
    return CurvesResult(
        lrs=lrs,
        steps=result.steps,
        loss=loss,
        start_loss=start,
        final_loss=final,
        rise_ratio=final / start,
        max_ratio=np.nanmax(loss, axis=0) / start,
        tail_ratio=tail,
        tail_data_ratio=tail_data,
        tail_penalty_ratio=tail_penalty,
        curvature=largest_curvature(cost, theta0),
        min_loss=_min_loss(cost),
        frac_up=went_up.mean(axis=0),
        max_grad_norm=max_grad,
        status=tuple(result.status(i) for i in range(lrs.size)),
        diverged_at=result.diverged_at,
        problem=problem,
        batch_size=batch_size,
        l2=cost.l2,
    )
