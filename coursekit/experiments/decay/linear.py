"""Claim C3: the linear schedule of eq. 8.14 with the book's rules of thumb, on the digits.

:func:`linear_schedule_digits` runs eq. 8.14 beside constant ε0 and
constant ε_τ on :func:`digits_problem`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...optimizers import sgd
from ...runner import run
from ...schedules import constant, linear_decay, stack
from .problems import digits_problem

__all__ = [
    "LinearScheduleResult",
    "linear_schedule_digits",
]


@dataclass(frozen=True)
class LinearScheduleResult:
    """Linear decay (eq. 8.14) against constant ε0 and constant ε_τ on the digits.

    names : tuple of 3 str ("linear decay", "constant ε0", "constant ε_τ")
    steps : (R,);  lr : (R, 3) the rates ε_k recorded by the run
    excess_mean : (R, 3)      J(θ_k) − J*, averaged over the seeds
    final_excess : (3,)       at k = K, the budget
    lr0, lr_tau, tau, passes, batch_size, n_train, budget, min_loss, repeats
    """

    names: tuple
    steps: np.ndarray
    lr: np.ndarray
    excess_mean: np.ndarray
    final_excess: np.ndarray
    lr0: float
    lr_tau: float
    tau: int
    passes: int
    batch_size: int
    n_train: int
    budget: int
    min_loss: float
    repeats: int


def linear_schedule_digits(
    lr0: float = 2.0,
    final_fraction: float = 0.01,
    passes: int = 200,
    batch_size: int = 128,
    extra_fraction: float = 0.25,
    l2: float = 1e-3,
    repeats: int = 2,
    n_records: int = 30,
    seed: int = 0,
) -> LinearScheduleResult:
    """Claim C3: the linear schedule of eq. 8.14 with the book's rules of thumb.

    ε_k = (1 − k/τ) ε0 + (k/τ) ε_τ for k ≤ τ and ε_τ after, with
    ε_τ = ``final_fraction``·ε0 (about 1 %) and τ = ``passes``·n/m
    iterations (a few hundred passes over the n training examples with
    minibatches of m). It runs for a budget of (1 + ``extra_fraction``)·τ
    steps beside constant ε0 and constant ε_τ, one batched run with
    ``repeats`` seeds, on softmax regression over the digits (J* from
    :func:`digits_problem`).
    """
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0, low_open=True)
    passes = check_int("passes", passes, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    extra_fraction = check_scalar("extra_fraction", extra_fraction, 0.0)
    repeats = check_int("repeats", repeats, low=1)
    n_records = check_int("n_records", n_records, low=3)
    seed = check_int("seed", seed, low=0)

    problem, min_loss = digits_problem(l2)
    if batch_size > problem.n_train:
        raise ValueError(f"batch_size must be in [1, {problem.n_train}], got {batch_size}")
    lr_tau = final_fraction * lr0
    tau = max(1, passes * problem.n_train // batch_size)
    budget = tau + int(round(extra_fraction * tau))
    schedules = (linear_decay(lr0, lr_tau, tau), constant(lr0), constant(lr_tau))
    result = run(problem, sgd(stack(*schedules)), np.zeros(problem.dim), budget,
                 batch_size=batch_size, rng=np.random.default_rng(seed), repeats=repeats,
                 record_every=max(1, budget // n_records))
    excess = (result.loss - min_loss).mean(axis=1)
    return LinearScheduleResult(
        names=("linear decay (eq. 8.14)", "constant ε0", "constant ε_τ"),
        steps=result.steps,
        lr=result.lr[:, 0],
        excess_mean=excess,
        final_excess=excess[-1],
        lr0=lr0,
        lr_tau=lr_tau,
        tau=tau,
        passes=passes,
        batch_size=batch_size,
        n_train=problem.n_train,
        budget=budget,
        min_loss=min_loss,
        repeats=repeats,
    )

