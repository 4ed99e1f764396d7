"""Claim C14: α ramps against constant α at the same final α, and against shrinking ε."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval, check_rng, check_scalar
from ...analysis import tail_mean
from ...optimizers import momentum as momentum_optimizer
from ...runner import run
from ...schedules import linear_decay
from ._common import _closed_form_floor, _noisy_problem

__all__ = [
    "MomentumSchedules",
    "momentum_schedules",
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
    final, final_se : (S,)                 mean of the last 10% of records (mean, s.e. over repeats)
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
        """Final excess loss per setting, fixed precision."""
        width = max(len(label) for label in self.labels)
        lines = [f"{'setting':<{width}}  final J − J*  (± s.e.)   mean ε_k/(1 − α_k), k ≤ τ"]
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
