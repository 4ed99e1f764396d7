"""The limit of "SGD needs ε_k → 0": with a constant ε the average of the iterates converges.

:func:`constant_lr_averaging` records J at the last iterate θ_k and at the
running average θ̄_k (Polyak–Ruppert averaging) on
:func:`noisy_quadratic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import analysis
from ..._validation import check_int, check_interval, check_scalar
from ...optimizers import sgd
from ...runner import run
from .problems import noisy_quadratic

__all__ = [
    "AveragingResult",
    "constant_lr_averaging",
]


@dataclass(frozen=True)
class AveragingResult:
    """Constant-ε SGD on :func:`noisy_quadratic`: the last iterate against the running average.

    lrs : (S,)                      the constant learning rates ε
    steps : (R,)                    recorded iterations k
    last_excess, average_excess : (R, S)
                                    J(θ_k) − J* and J(θ̄_k) − J*, θ̄_k = (1/k) Σ_{j≤k} θ_j
                                    (mean of the seeds)
    last_final, average_final : (S,)   their values at k = K
    closed_form : (S,)              the closed-form floor of the last iterate
    last_tail_mean : (S,)           mean J(θ_k) − J* over k in [K/2, K]
    average_slope : (S,)            log-log slope of J(θ̄_k) − J* over k in [K/10, K]
    batch_size, repeats, start
    """

    lrs: np.ndarray
    steps: np.ndarray
    last_excess: np.ndarray
    average_excess: np.ndarray
    last_final: np.ndarray
    average_final: np.ndarray
    closed_form: np.ndarray
    last_tail_mean: np.ndarray
    average_slope: np.ndarray
    batch_size: int
    repeats: int
    start: float


def constant_lr_averaging(
    lrs=(0.1, 0.3),
    steps: int = 20000,
    repeats: int = 10,
    batch_size: int = 1,
    start: float = 3.0,
    record_every: int = 100,
    seed: int = 0,
) -> AveragingResult:
    """The limit of "SGD needs ε_k → 0": it holds for the last iterate θ_k only.

    Constant-ε SGD (Algorithm 8.1, minibatches of m) runs from θ_0 =
    ``start``·(1, ..., 1); the runner also records J at the running average
    θ̄_k = (1/k) Σ_{j≤k} θ_j (Polyak–Ruppert averaging; Polyak & Juditsky,
    1992; book §8.7.3). On this quadratic θ̄_k − θ* averages the zero-mean
    noise of the iterates away, so J(θ̄_k) − J* keeps falling roughly like
    1/k, while J(θ_k) − J* stays at the floor of ε. On a cost that is not
    quadratic the average settles O(ε) away from θ* instead (Dieuleveut,
    Durmus & Bach, 2020, Ann. Statist. 48(3)).
    """
    lrs = check_interval("lrs", lrs, 0.0, 1.0, low_open=True, high_open=True)
    if lrs.ndim != 1 or lrs.size < 1:
        raise ValueError(f"lrs must be a 1-D array of learning rates, got shape {lrs.shape}")
    steps = check_int("steps", steps, low=100)
    repeats = check_int("repeats", repeats, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    start = check_scalar("start", start)
    record_every = check_int("record_every", record_every, low=1, high=steps // 10)
    seed = check_int("seed", seed, low=0)

    problem = noisy_quadratic()
    result = run(problem, sgd(lrs), np.full(problem.dim, start), steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every,
                 average=True)
    last = (result.loss - problem.min_loss).mean(axis=1)
    averaged = (result.average_loss - problem.min_loss).mean(axis=1)
    return AveragingResult(
        lrs=lrs,
        steps=result.steps,
        last_excess=last,
        average_excess=averaged,
        last_final=last[-1],
        average_final=averaged[-1],
        closed_form=problem.stationary_excess_loss(lrs, batch_size),
        last_tail_mean=analysis.tail_mean(last, 0.5),
        average_slope=np.array([analysis.loglog_slope(result.steps, averaged[:, j], k_min=steps / 10, k_max=steps)
                                for j in range(lrs.size)]),
        batch_size=batch_size,
        repeats=repeats,
        start=start,
    )

