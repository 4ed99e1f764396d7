"""Claim C3 with its condition: when the linear schedule of eq. 8.14 beats a constant ε0.

:func:`linear_schedule_condition` compares eq. 8.14, constant ε0 and a late
linear decay over a grid of ε0 on :func:`digits_problem`, with
the constant runs continued to their noise floor and a budget control.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval, check_scalar
from ...optimizers import sgd
from ...runner import run
from ...schedules import constant, join, linear_decay, stack
from .problems import digits_problem

__all__ = [
    "LinearConditionResult",
    "linear_schedule_condition",
]


@dataclass(frozen=True)
class LinearConditionResult:
    """When does the linear schedule beat a constant ε0? A grid of ε0, the same budget.

    Three schedules per ε0, all run for the budget K: eq. 8.14 (τ as in
    :func:`linear_schedule_digits`, ε_τ = ``final_fraction``·ε0), the constant ε0,
    and a *late* linear decay: constant ε0 up to k0 = ``late_start``·K, then
    linear from ε0 to ε_τ over the remaining K − k0 steps (the control that keeps
    most of the travel and still removes the noise at the end).

    lr0s : (P,)                 the initial rates ε0 compared
    names : tuple of 3 str      ("linear decay (eq. 8.14)", "constant ε0", "late linear decay")
    steps : (R,)                records of the budget run, k = 0..K
    linear_excess, constant_excess, late_excess : (R, P)
                                J(θ_k) − J* of each schedule (mean of the seeds)
    linear_final, constant_final, late_final : (P,)   their values at k = K
    ratio : (P,)                linear_final / constant_final (< 1: decay pays)
    late_ratio : (P,)           late_final / constant_final
    constant_late : (P,)        mean J − J* of constant ε0 over k in [0.9 K, K]
    constant_floor : (P,)       the floor of constant ε0: its mean J − J* over
                                k in [(f − 1) K, f K] of a run continued to
                                f = ``floor_factor`` times the budget
    on_floor : (P,)             constant_late / constant_floor (≈ 1: on its floor)
    floor_share : (P,)          constant_floor / constant_late: the part of the
                                constant run's late error that is floor noise
    floor_reached : (P,)        k / K of the first record at which the constant run (mean
                                of the seeds, continued run included) is within
                                ``reach_factor`` times its floor: < 1 within the budget,
                                inf if never
    floor_scatter : (P,)        std / mean of the constant run's records (mean of the
                                seeds) over the floor window: how far one record of
                                a run on its floor strays, the noise on ``ratio``
    long_steps : (L,), constant_long : (L, P)   the continued constant run, k = 0..f K
    travel_ratio, late_travel_ratio : float
                                Σ_{k≤K} ε_k of eq. 8.14 (and of the late decay) over
                                K ε0: how much of the constant run's travel is kept
    best_lr0, best_final : (3,) for each schedule of ``names``, the ε0 of the grid
                                with the lowest J(θ_K) − J* and that value (every
                                schedule tuned on the same grid by the same rule)
    best_ratio : float          best linear / best constant
    floor_drift : (P,)          mean J − J* of the continued constant run over the K steps
                                just before the floor window, divided by the floor: near 1
                                once the run has settled (a little above 1 if it reached its
                                floor during those K steps); far above 1 means it is still
                                descending, and then ``constant_floor`` is only an upper
                                bound of its floor (so on_floor is a lower bound)
    floor_settled : (P,) bool   floor_drift < ``settle_tolerance``
    short_lr0, short_budget, short_tau
                                the budget control: eq. 8.14 at ε0 = ``short_lr0`` with
                                τ and K scaled down (K_s on the record grid, τ_s/K_s = τ/K),
                                a schedule of the same batched run, compared at k = K_s
    short_linear_final, short_constant_final, short_ratio
                                J − J* at K_s of it and of the constant run, their ratio
    short_on_floor, short_floor_reached
                                constant run at K_s / its floor, and the k / K_s at which it
                                first comes within ``reach_factor`` times its floor
    long_lr0, long_budget, long_tau, long_linear_final, long_constant_final, long_ratio,
    long_floor_reached          the same with τ and K scaled up to ``floor_factor`` times
                                (eq. 8.14 run on through the continuation; K_L = f K)
    tau, budget, late_start_step, passes, batch_size, final_fraction, floor_factor,
    reach_factor, settle_tolerance, repeats
    """

    lr0s: np.ndarray
    names: tuple
    steps: np.ndarray
    linear_excess: np.ndarray
    constant_excess: np.ndarray
    late_excess: np.ndarray
    linear_final: np.ndarray
    constant_final: np.ndarray
    late_final: np.ndarray
    ratio: np.ndarray
    late_ratio: np.ndarray
    constant_late: np.ndarray
    constant_floor: np.ndarray
    on_floor: np.ndarray
    floor_share: np.ndarray
    floor_reached: np.ndarray
    floor_scatter: np.ndarray
    long_steps: np.ndarray
    constant_long: np.ndarray
    travel_ratio: float
    late_travel_ratio: float
    best_lr0: np.ndarray
    best_final: np.ndarray
    best_ratio: float
    floor_drift: np.ndarray
    floor_settled: np.ndarray
    short_lr0: float
    short_budget: int
    short_tau: int
    short_linear_final: float
    short_constant_final: float
    short_ratio: float
    short_on_floor: float
    short_floor_reached: float
    long_lr0: float
    long_budget: int
    long_tau: int
    long_linear_final: float
    long_constant_final: float
    long_ratio: float
    long_floor_reached: float
    tau: int
    budget: int
    late_start_step: int
    passes: int
    batch_size: int
    final_fraction: float
    floor_factor: int
    reach_factor: float
    settle_tolerance: float
    repeats: int


def linear_schedule_condition(
    lr0s=(4.0, 2.0, 0.8, 0.5, 0.25),
    final_fraction: float = 0.01,
    passes: int = 200,
    batch_size: int = 128,
    extra_fraction: float = 0.25,
    late_start: float = 0.75,
    floor_factor: int = 3,
    reach_factor: float = 1.2,
    settle_tolerance: float = 1.5,
    short_lr0: float = 2.0,
    short_scale: float = 0.18,
    long_lr0: float = 0.5,
    l2: float = 1e-3,
    repeats: int = 2,
    n_records: int = 28,
    seed: int = 0,
) -> LinearConditionResult:
    """Claim C3 with its condition: eq. 8.14 against constant ε0 over a grid of ε0.

    For each ε0 in ``lr0s``, the linear schedule (ε_τ = ``final_fraction``·ε0,
    τ = ``passes``·n/m), the constant ε0 and the late linear decay (constant
    to k0 = ``late_start``·K, then linear to ε_τ at K) run side by side for
    the budget K = (1 + ``extra_fraction``)·τ, all in one batched run (digits,
    as in :func:`linear_schedule_digits`). The constant runs then continue
    from θ_K, with the same random stream, to ``floor_factor``·K steps; the
    mean of the last K of them estimates each constant rate's noise floor.

    Eq. 8.14 with τ ≈ 0.8 K keeps only about 0.4 of the constant run's travel
    Σε_k, so it pays when the constant run reaches its floor well inside the
    budget (the decay then removes floor noise); decaying only over the last
    quarter keeps about 0.88 of the travel and pays at smaller ε0 too. Each
    schedule is also tuned on the grid by the same rule (lowest J(θ_K) − J*),
    for a best-against-best comparison.

    The budget control changes only the budget: eq. 8.14 at ε0 = ``short_lr0``
    (where it pays) with τ and K scaled by ``short_scale``, so that the
    constant run has not reached its floor by K_s; and eq. 8.14 at
    ε0 = ``long_lr0`` (where it loses) with τ and K ``floor_factor`` times
    longer, so that it has. Both ride in the same batched runs (the long one
    through the continuation), so they cost almost nothing extra; both ε0
    must be in ``lr0s``.
    """
    lr0s = check_interval("lr0s", lr0s, 0.0, np.inf, low_open=True, high_open=True)
    if lr0s.ndim != 1 or lr0s.size < 1:
        raise ValueError(f"lr0s must be a 1-D array of initial rates, got shape {lr0s.shape}")
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0, low_open=True)
    passes = check_int("passes", passes, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    extra_fraction = check_scalar("extra_fraction", extra_fraction, 0.0)
    late_start = check_scalar("late_start", late_start, 0.0, 1.0, low_open=True, high_open=True)
    floor_factor = check_int("floor_factor", floor_factor, low=2)
    reach_factor = check_scalar("reach_factor", reach_factor, 1.0, low_open=True)
    repeats = check_int("repeats", repeats, low=1)
    n_records = check_int("n_records", n_records, low=10)
    seed = check_int("seed", seed, low=0)
    settle_tolerance = check_scalar("settle_tolerance", settle_tolerance, 1.0, low_open=True)
    short_scale = check_scalar("short_scale", short_scale, 0.0, 1.0, low_open=True, high_open=True)
    where = {}
    for name, value in (("short_lr0", short_lr0), ("long_lr0", long_lr0)):
        hits = np.flatnonzero(np.isclose(lr0s, check_scalar(name, value, 0.0, low_open=True)))
        if hits.size == 0:
            raise ValueError(f"{name} must be one of lr0s {lr0s.tolist()}, got {value:g}")
        where[name] = int(hits[0])
    i_short, i_long = where["short_lr0"], where["long_lr0"]

    problem, min_loss = digits_problem(l2)
    if batch_size > problem.n_train:
        raise ValueError(f"batch_size must be in [1, {problem.n_train}], got {batch_size}")
    tau = max(1, passes * problem.n_train // batch_size)
    budget = tau + int(round(extra_fraction * tau))
    k0 = int(round(late_start * budget))
    if not 1 <= k0 < budget:
        raise ValueError(f"late_start·K must leave at least one decaying step, got k0 = {k0}, K = {budget}")
    every = max(1, budget // n_records)
    while budget % every:        # a record grid that hits K exactly, for the continued run
        every -= 1

    def late_decay(lr0):
        # Constant ε0 for k ≤ k0, then eq. 8.14 restarted over the last K − k0 steps.
        return join([constant(lr0), linear_decay(lr0, final_fraction * lr0, budget - k0)], boundaries=[k0])

    # The budget controls: K_s on the record grid, τ_s/K_s = τ/K; K_L = f K, τ_L = f τ.
    short_budget = every * max(1, int(round(short_scale * budget / every)))
    short_tau = max(1, int(round(tau * short_budget / budget)))
    long_budget, long_tau = floor_factor * budget, floor_factor * tau
    lr_long = float(lr0s[i_long])
    parts = []
    for lr0 in lr0s:
        lr0 = float(lr0)
        parts += [linear_decay(lr0, final_fraction * lr0, tau), constant(lr0), late_decay(lr0)]
    lr_short = float(lr0s[i_short])
    parts += [linear_decay(lr_short, final_fraction * lr_short, short_tau),
              linear_decay(lr_long, final_fraction * lr_long, long_tau)]
    rng = np.random.default_rng(seed)
    result = run(problem, sgd(stack(*parts)), np.zeros(problem.dim), budget, batch_size=batch_size,
                 rng=rng, repeats=repeats, record_every=every)
    if result.diverged.any():
        raise ValueError("a run diverged: lower the largest ε0 in lr0s")
    excess = (result.loss - min_loss).mean(axis=1)           # (R, 3P + 2)
    n = lr0s.size
    linear, const, late_run = excess[:, 0:3 * n:3], excess[:, 1:3 * n:3], excess[:, 2:3 * n:3]
    # Continue the constant runs (and the long eq. 8.14) from θ_K with the same stream of
    # minibatches. Eq. 8.14 is linear in k, so its remainder from k = K on is eq. 8.14 again,
    # from ε_K to ε_τ over the τ_L − K steps left.
    lr_at_budget = float(linear_decay(lr_long, final_fraction * lr_long, long_tau)(budget))
    rest = linear_decay(lr_at_budget, final_fraction * lr_long, long_tau - budget)
    more = run(problem, sgd(stack(*[constant(float(v)) for v in lr0s], rest)),
               result.final_theta[:, list(range(1, 3 * n, 3)) + [3 * n + 1]], (floor_factor - 1) * budget,
               batch_size=batch_size, rng=rng, record_every=every)
    more_excess = (more.loss - min_loss).mean(axis=1)        # (R', P + 1)
    long_steps = np.concatenate([result.steps, budget + more.steps[1:]])
    constant_long = np.concatenate([const, more_excess[1:, :n]])
    in_floor = long_steps >= (floor_factor - 1) * budget
    floor = constant_long[in_floor].mean(axis=0)
    before = (long_steps >= (floor_factor - 2) * budget) & (long_steps < (floor_factor - 1) * budget)
    drift = constant_long[before].mean(axis=0) / floor
    late = const[result.steps >= 0.9 * budget].mean(axis=0)
    within = constant_long <= reach_factor * floor
    reached = np.where(within.any(axis=0), long_steps[np.argmax(within, axis=0)] / budget, np.inf)
    at_short = int(np.flatnonzero(result.steps == short_budget)[0])
    short_linear, short_constant = excess[at_short, 3 * n], const[at_short, i_short]
    long_linear, long_constant = more_excess[-1, n], more_excess[-1, i_long]
    ks = np.arange(1, budget + 1)
    travel = float(linear_decay(1.0, final_fraction, tau)(ks).sum() / budget)
    late_travel = float(np.asarray(late_decay(1.0)(ks)).sum() / budget)
    finals = np.stack([linear[-1], const[-1], late_run[-1]])  # (3, P)
    best = np.argmin(finals, axis=1)
    return LinearConditionResult(
        lr0s=lr0s,
        names=("linear decay (eq. 8.14)", "constant ε0", "late linear decay"),
        steps=result.steps,
        linear_excess=linear,
        constant_excess=const,
        late_excess=late_run,
        linear_final=linear[-1],
        constant_final=const[-1],
        late_final=late_run[-1],
        ratio=linear[-1] / const[-1],
        late_ratio=late_run[-1] / const[-1],
        constant_late=late,
        constant_floor=floor,
        on_floor=late / floor,
        floor_share=floor / late,
        floor_reached=reached,
        floor_scatter=constant_long[in_floor].std(axis=0) / floor,
        long_steps=long_steps,
        constant_long=constant_long,
        travel_ratio=travel,
        late_travel_ratio=late_travel,
        best_lr0=lr0s[best],
        best_final=finals[np.arange(3), best],
        best_ratio=float(finals[0, best[0]] / finals[1, best[1]]),
        floor_drift=drift,
        floor_settled=drift < settle_tolerance,
        short_lr0=lr_short,
        short_budget=short_budget,
        short_tau=short_tau,
        short_linear_final=float(short_linear),
        short_constant_final=float(short_constant),
        short_ratio=float(short_linear / short_constant),
        short_on_floor=float(short_constant / floor[i_short]),
        short_floor_reached=float(reached[i_short] * budget / short_budget),
        long_lr0=lr_long,
        long_budget=long_budget,
        long_tau=long_tau,
        long_linear_final=float(long_linear),
        long_constant_final=float(long_constant),
        long_ratio=float(long_linear / long_constant),
        long_floor_reached=float(reached[i_long] * budget / long_budget),
        tau=tau,
        budget=budget,
        late_start_step=k0,
        passes=passes,
        batch_size=batch_size,
        final_fraction=final_fraction,
        floor_factor=floor_factor,
        reach_factor=reach_factor,
        settle_tolerance=settle_tolerance,
        repeats=repeats,
    )

