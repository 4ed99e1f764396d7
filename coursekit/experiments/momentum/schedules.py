"""Claim C14: α ramps against constant α at the same final α, and against shrinking ε."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval, check_rng, check_scalar
from ...analysis import tail_mean
from ...optimizers import momentum as momentum_optimizer
from ...problems import Quadratic
from ...runner import run
from ...schedules import linear_decay
from ._common import _closed_form_floor, _noisy_problem

__all__ = [
    "AlphaDecay",
    "MomentumSchedules",
    "ScheduleRobustness",
    "alpha_decay",
    "momentum_schedules",
    "schedule_robustness",
]


# --------------------------------------------------------------------------
# C14: momentum schedules against a shrinking ε
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MomentumSchedules:
    """SGD with momentum on a noisy quadratic: α ramps, constant α and shrinking ε.

    Settings (S = 4 × number of final α): for ε constant and then ε shrunk to
    1% (eq. 8.14), for each final α: a constant α, then a ramp from
    ``momentum_start`` to that α over τ updates. Pairs with the same ε
    schedule and the same final α differ only in the ramp.

    labels : (S,) str;  steps : (R,)
    shrink, ramped : (S,) bool;  final_momentum : (S,)
    lr_values, momentum_values : (R, S)    ε_k and α_k
    excess : (R, S)                        J(θ_k) − J*, mean over repeats
    final, final_se : (S,)                 J − J* at the end of the budget: mean of the last 10% of
                                           records (mean, s.e. over repeats); not a floor when ε shrinks
    floor_theory : (S,)                    closed-form floor of constant ε and constant final α
    mean_effective_step : (S,)             mean of ε_k/(1 − α_k) over k ≤ τ
    """

    labels: tuple
    steps: np.ndarray
    shrink: np.ndarray
    ramped: np.ndarray
    final_momentum: np.ndarray
    lr_values: np.ndarray
    momentum_values: np.ndarray
    excess: np.ndarray
    final: np.ndarray
    final_se: np.ndarray
    floor_theory: np.ndarray
    mean_effective_step: np.ndarray
    lr: float
    momentum_start: float
    tau: int
    repeats: int
    noise: float
    batch_size: int

    def index(self, *, shrink: bool, final_momentum: float, ramped: bool) -> int:
        """The setting with this ε schedule, final α and ramp."""
        hit = np.flatnonzero((self.shrink == shrink) & np.isclose(self.final_momentum, final_momentum)
                             & (self.ramped == ramped))
        if hit.size != 1:
            raise ValueError(f"no setting with shrink={shrink}, final_momentum={final_momentum:g}, ramped={ramped}")
        return int(hit[0])

    def ratio(self, i: int, j: int) -> tuple[float, float]:
        """final[i]/final[j] and its standard error (independent runs, first-order propagation)."""
        r = self.final[i] / self.final[j]
        return float(r), float(r * np.hypot(self.final_se[i] / self.final[i], self.final_se[j] / self.final[j]))

    def table(self) -> str:
        """J − J* at the end of the budget per setting, fixed precision."""
        width = max(len(label) for label in self.labels)
        lines = [f"{'setting':<{width}}  J − J* at k = {int(self.steps[-1])} (± s.e.)   mean ε_k/(1 − α_k), k ≤ τ"]
        for label, value, se, step in zip(self.labels, self.final, self.final_se, self.mean_effective_step):
            lines.append(f"{label:<{width}}  {value:.3e}  (± {se:.1e})  {step:.4f}")
        return "\n".join(lines)


def momentum_schedules(lr: float = 0.05, momenta=(0.9, 0.99), momentum_start: float = 0.5,
                       tau: int = 1000, steps: int = 3000, dim: int = 20, condition_number: float = 100.0,
                       noise: float = 0.3, batch_size: int = 1, repeats: int = 32,
                       seed: int = 0) -> MomentumSchedules:
    """Compare α schedules that end at the same α, and ε schedules (claim C14).

    The problem is a noisy quadratic (spectrum geomspace(1/κ, 1, d), additive
    gradient noise σ/√m per coordinate that does not depend on θ,
    :class:`coursekit.problems.Quadratic`), from θ_0 = 1. All settings run
    as one batch; every schedule is eq. 8.14's linear schedule with array
    parameters (a ramp when it rises). Near the minimum the floor of a
    constant (ε, α) grows with the effective step ε/(1 − α)
    (:func:`coursekit.momentum_theory.stationary_excess`), so a comparison of
    α schedules is fair only between schedules that end at the same α.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    finals = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    if finals.ndim != 1 or finals.size == 0:
        raise ValueError(f"momenta must be a non-empty 1-D sequence, got shape {finals.shape}")
    momentum_start = check_scalar("momentum_start", momentum_start, 0.0, 1.0, high_open=True)
    tau = check_int("tau", tau, low=1)
    steps = check_int("steps", steps, low=10)
    batch_size = check_int("batch_size", batch_size, low=1)
    repeats = check_int("repeats", repeats, low=2)
    problem, rng = _noisy_problem(dim, condition_number, noise, seed)

    shrink = np.repeat([False, True], 2 * finals.size)
    final_momentum = np.tile(np.repeat(finals, 2), 2)
    ramped = np.tile([False, True], 2 * finals.size)
    lr_schedule = linear_decay(np.full(shrink.size, lr), np.where(shrink, 0.01 * lr, lr), tau)
    alpha_schedule = linear_decay(np.where(ramped, momentum_start, final_momentum), final_momentum, tau)
    result = run(problem, momentum_optimizer(lr_schedule, alpha_schedule), np.full(problem.dim, 1.0), steps,
                 batch_size=batch_size, rng=check_rng(rng), repeats=repeats, record_every=10)
    excess = result.loss - problem.min_loss  # (R, repeats, S)
    per_run = tail_mean(excess, fraction=0.1)  # (repeats, S)
    ks = np.maximum(result.steps, 1)[:, None]
    ramp_k = np.arange(1, tau + 1)[:, None]
    labels = tuple(
        f"{'ε → 1% of ε' if s else 'constant ε'}, "
        + (f"α {momentum_start:g} → {a:g}" if r else f"constant α = {a:g}")
        for s, a, r in zip(shrink, final_momentum, ramped)
    )
    return MomentumSchedules(
        labels=labels,
        steps=result.steps,
        shrink=shrink,
        ramped=ramped,
        final_momentum=final_momentum,
        lr_values=lr_schedule(ks),
        momentum_values=alpha_schedule(ks),
        excess=excess.mean(axis=1),
        final=per_run.mean(axis=0),
        final_se=per_run.std(axis=0, ddof=1) / np.sqrt(repeats),
        floor_theory=_closed_form_floor(problem, lr, final_momentum, batch_size),
        mean_effective_step=np.mean(lr_schedule(ramp_k) / (1.0 - alpha_schedule(ramp_k)), axis=0),
        lr=lr,
        momentum_start=momentum_start,
        tau=tau,
        repeats=repeats,
        noise=problem.noise,
        batch_size=batch_size,
    )


# --------------------------------------------------------------------------
# C14 under control: the same comparison over problem seeds and budgets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRobustness:
    """The ε-shrunk schedules of :func:`momentum_schedules` over problem seeds and budgets.

    Settings (S), for each final α: constant ε with constant α, then ε shrunk
    (eq. 8.14) with constant α, then ε shrunk with an α ramp from each of
    ``starts``. Every setting also runs with σ = 0 (the noise-free control).

    labels : (S,) str;  final_momentum, start : (S,)  (start = final for a constant α)
    shrink : (S,) bool;  seeds : (P,);  budgets : (B,)
    loss, loss_se : (P, B, S)   J − J*, mean of the last 10% of the first K = budget steps
                                (mean and s.e. over repeats)
    noise_free : (P, B, S)      J(θ_K) − J* of the same setting with σ = 0
    """

    labels: tuple
    final_momentum: np.ndarray
    start: np.ndarray
    shrink: np.ndarray
    seeds: np.ndarray
    budgets: np.ndarray
    loss: np.ndarray
    loss_se: np.ndarray
    noise_free: np.ndarray
    lr: float
    tau: int
    repeats: int

    def index(self, *, final_momentum: float, start: float | None = None, shrink: bool = True) -> int:
        """The setting with this final α, α_0 (None: constant α) and ε schedule."""
        start = final_momentum if start is None else start
        hit = np.flatnonzero(np.isclose(self.final_momentum, final_momentum) & np.isclose(self.start, start)
                             & (self.shrink == shrink))
        if hit.size != 1:
            raise ValueError(f"no setting with final_momentum={final_momentum:g}, start={start:g}, shrink={shrink}")
        return int(hit[0])

    def ramp_ratio(self, final_momentum: float, start: float) -> np.ndarray:
        """(P, B): loss of the ramp from ``start`` / loss of the constant α, both with ε shrunk."""
        i, j = self.index(final_momentum=final_momentum, start=start), self.index(final_momentum=final_momentum)
        return self.loss[..., i] / self.loss[..., j]

    def ramp_ratio_se(self, final_momentum: float, start: float) -> np.ndarray:
        """(P, B): standard error of :meth:`ramp_ratio` (independent runs, first-order propagation)."""
        i, j = self.index(final_momentum=final_momentum, start=start), self.index(final_momentum=final_momentum)
        return self.ramp_ratio(final_momentum, start) * np.hypot(self.loss_se[..., i] / self.loss[..., i],
                                                                 self.loss_se[..., j] / self.loss[..., j])

    def shrink_factor(self, final_momentum: float) -> np.ndarray:
        """(P, B): loss with constant ε / loss with ε shrunk, both at constant α."""
        i = self.index(final_momentum=final_momentum, shrink=False)
        return self.loss[..., i] / self.loss[..., self.index(final_momentum=final_momentum)]

    def table(self) -> str:
        """Ramp/constant and constant-ε/shrunk ratios per problem seed (columns) and budget (rows)."""
        seeds = "  ".join(f"{f'seed {s}':>7}" for s in self.seeds)
        lines = [f"{'ratio (ε shrunk unless said)':<34}  {'K':>5}  {seeds}    min–max"]
        finals = list(dict.fromkeys(self.final_momentum.tolist()))
        lines[0] += "    s.e. of the ratios"
        rows = [(f"ramp {a0:g} → {a:g} / constant {a:g}", self.ramp_ratio(a, a0), self.ramp_ratio_se(a, a0))
                for a in finals for a0 in dict.fromkeys(self.start[np.isclose(self.final_momentum, a)].tolist())
                if a0 != a]
        rows += [(f"constant ε / ε shrunk, α = {a:g}", self.shrink_factor(a), None) for a in finals]
        for name, values, se in rows:
            for b, budget in enumerate(self.budgets):
                cells = "  ".join(f"{v:>7.2f}" for v in values[:, b])
                spread = "" if se is None else f"    {se[:, b].min():.2f}–{se[:, b].max():.2f}"
                lines.append(f"{name:<34}  {int(budget):>5}  {cells}    "
                             f"{values[:, b].min():.2f}–{values[:, b].max():.2f}{spread}")
        return "\n".join(lines)


def schedule_robustness(lr: float = 0.05, momenta=(0.9, 0.99), starts=(0.5, 0.0), tau: int = 1000,
                        budgets=(1500, 3000, 6000), seeds=range(6), dim: int = 20,
                        condition_number: float = 100.0, noise: float = 0.3, batch_size: int = 1,
                        repeats: int = 32) -> ScheduleRobustness:
    """Claim C14's comparison of :func:`momentum_schedules` over problem seeds and budgets.

    Each problem seed draws a new rotation Q, so a new initial error
    Qᵀ(θ_0 − θ*) in the eigenbasis; all seeds run as one batch, long enough
    for the largest budget; the loss at budget K
    is the mean of the records in the last 10% of the first K steps, so a
    short budget is the prefix of the same run. The σ = 0 runs give the
    initial error a schedule leaves unremoved at K, the price of its smaller
    effective step ε_k/(1 − α_k), against the noise it does not inject.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    finals = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    starts = check_interval("starts", starts, 0.0, 1.0, high_open=True)
    tau = check_int("tau", tau, low=1)
    budgets = np.asarray([check_int("budget", b, low=10) for b in budgets])
    seeds = np.asarray([check_int("seed", s, low=0) for s in seeds])
    repeats = check_int("repeats", repeats, low=2)
    final_momentum, start, shrink = [], [], []
    for a in finals:
        for s, a0 in [(False, a), (True, a)] + [(True, float(a0)) for a0 in starts]:
            final_momentum.append(a), start.append(a0), shrink.append(s)
    final_momentum, start, shrink = np.array(final_momentum), np.array(start), np.array(shrink)
    opt = momentum_optimizer(linear_decay(np.full(shrink.size, lr), np.where(shrink, 0.01 * lr, lr), tau),
                             linear_decay(start, final_momentum, tau))
    steps, every = int(budgets.max()), 10
    # With additive noise that is isotropic, a rotated quadratic from θ_0 behaves, in law, like
    # the axis-aligned one from Qᵀ(θ_0 − θ*): the problem seeds become one batch axis.
    rotated = [_noisy_problem(dim, condition_number, noise, int(seed))[0] for seed in seeds]
    theta0 = np.stack([(np.full(dim, 1.0) - q.minimizer) @ q.rotation for q in rotated])[:, None, :]
    problem = Quadratic(rotated[0].eigenvalues, noise=rotated[0].noise)
    result = run(problem, opt, theta0, steps, batch_size=batch_size, rng=np.random.default_rng(int(seeds[0])),
                 repeats=repeats, record_every=every)
    clean_problem = Quadratic(problem.eigenvalues)
    clean = run(clean_problem, opt, theta0, steps, record_every=every)
    excess = result.loss - problem.min_loss  # (R, repeats, P, S)
    loss = np.empty((seeds.size, budgets.size, shrink.size))
    loss_se, noise_free = np.empty_like(loss), np.empty_like(loss)
    for b, budget in enumerate(budgets):
        window = (result.steps > 0.9 * budget) & (result.steps <= budget)
        per_run = excess[window].mean(axis=0)  # (repeats, P, S)
        loss[:, b], loss_se[:, b] = per_run.mean(axis=0), per_run.std(axis=0, ddof=1) / np.sqrt(repeats)
        noise_free[:, b] = clean.loss[np.searchsorted(clean.steps, budget)] - clean_problem.min_loss
    labels = tuple(f"{'ε → 1% of ε' if s else 'constant ε'}, "
                   + (f"α {a0:g} → {a:g}" if a0 != a else f"constant α = {a:g}")
                   for s, a, a0 in zip(shrink, final_momentum, start))
    return ScheduleRobustness(labels=labels, final_momentum=final_momentum, start=start, shrink=shrink,
                              seeds=seeds, budgets=budgets, loss=loss, loss_se=loss_se, noise_free=noise_free,
                              lr=lr, tau=tau, repeats=repeats)


# --------------------------------------------------------------------------
# C14's other control: lowering α at constant ε against shrinking ε
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaDecay:
    """Constant (ε, α), ε shrunk to 1% at constant α, and α lowered to 0 at constant ε.

    labels : (S,) str;  final_effective_step : (S,)  ε_K/(1 − α_K) at the end of the schedules
    final, final_se : (S,)   J − J* at the end of the budget (mean of the last 10% of records;
                             mean and s.e. over repeats)
    """

    labels: tuple
    start_momentum: np.ndarray
    final_momentum: np.ndarray
    final_lr: np.ndarray
    final_effective_step: np.ndarray
    final: np.ndarray
    final_se: np.ndarray
    steps: int
    tau: int

    def ratio(self, i: int, j: int) -> tuple[float, float]:
        """final[i]/final[j] and its standard error (independent runs, first-order propagation)."""
        r = self.final[i] / self.final[j]
        return float(r), float(r * np.hypot(self.final_se[i] / self.final[i], self.final_se[j] / self.final[j]))

    def table(self) -> str:
        """J − J* at the end of the budget and the final effective step per setting."""
        width = max(len(label) for label in self.labels)
        lines = [f"{'setting':<{width}}  final ε/(1 − α)  J − J* at k = {self.steps} (± s.e.)"]
        for label, step, value, se in zip(self.labels, self.final_effective_step, self.final, self.final_se):
            lines.append(f"{label:<{width}}  {step:>15.4f}  {value:.3e}  (± {se:.1e})")
        return "\n".join(lines)


def alpha_decay(lr: float = 0.05, momenta=(0.9, 0.99), tau: int = 1000, steps: int = 3000, dim: int = 20,
                condition_number: float = 100.0, noise: float = 0.3, batch_size: int = 1, repeats: int = 32,
                seed: int = 0) -> AlphaDecay:
    """Lower α to 0 at constant ε, against shrinking ε to 1% at constant α (eq. 8.14 for both).

    The problem and settings of :func:`momentum_schedules`. Both schedules
    lower the final effective step ε/(1 − α), one through ε and one through
    α: the control for reading C14's "shrinking ε matters more" as a
    statement about ε rather than about the final effective step.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    finals = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    tau = check_int("tau", tau, low=1)
    steps = check_int("steps", steps, low=10)
    repeats = check_int("repeats", repeats, low=2)
    problem, rng = _noisy_problem(dim, condition_number, noise, seed)
    start = np.repeat(finals, 3)
    final_momentum = np.ravel([(a, a, 0.0) for a in finals])
    final_lr = np.ravel([(lr, 0.01 * lr, lr) for _ in finals])
    opt = momentum_optimizer(linear_decay(np.full(start.size, lr), final_lr, tau),
                             linear_decay(start, final_momentum, tau))
    result = run(problem, opt, np.full(problem.dim, 1.0), steps, batch_size=batch_size, rng=check_rng(rng),
                 repeats=repeats, record_every=10)
    per_run = tail_mean(result.loss - problem.min_loss, fraction=0.1)  # (repeats, S)
    labels = tuple(f"constant ε, constant α = {a0:g}" if e == lr and a == a0 else
                   f"ε → 1% of ε, constant α = {a0:g}" if a == a0 else f"constant ε, α {a0:g} → {a:g}"
                   for e, a0, a in zip(final_lr, start, final_momentum))
    return AlphaDecay(labels=labels, start_momentum=start, final_momentum=final_momentum, final_lr=final_lr,
                      final_effective_step=final_lr / (1.0 - final_momentum), final=per_run.mean(axis=0),
                      final_se=per_run.std(axis=0, ddof=1) / np.sqrt(repeats), steps=steps, tau=tau)
