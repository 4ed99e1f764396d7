"""Does momentum help with noisy gradients? SGD and momentum at the same ε and the same ε/(1 − α)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval, check_rng, check_scalar
from ...analysis import tail_mean
from ...optimizers import momentum as momentum_optimizer
from ...problems import Quadratic
from ...runner import run
from ._common import _closed_form_floor, _noisy_problem

__all__ = [
    "NoisyGradients",
    "TunedGainOverSeeds",
    "TunedNoisyGradients",
    "noisy_gradients",
    "tuned_gain_over_seeds",
    "tuned_noisy_gradients",
]


# --------------------------------------------------------------------------
# Does momentum help with noisy gradients? Same ε against same ε/(1 − α)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NoisyGradients:
    """Constant (ε, α) settings on the noisy quadratic, with and without noise.

    labels, groups : (S,) str   groups: "same ε", "same ε/(1 − α)", "large ε/(1 − α)"
    lr, momenta, effective_step : (S,)   ε, α and ε/(1 − α)
    steps : (R,)
    excess : (R, S)          J − J* with noise, mean over repeats
    noise_free : (R, S)      J − J* of the same settings with σ = 0 (the deterministic part)
    floor : (S,)             mean of the last half of the records with noise
    floor_se : (S,)          its standard error over repeats
    floor_theory : (S,)      closed form (momentum_theory.stationary_excess); NaN if unstable
    noise_free_at : (S,)     noise-free J − J* at k = ``read_at``
    diverged : (S,) bool     the run with noise diverged
    """

    labels: tuple
    groups: tuple
    lr: np.ndarray
    momenta: np.ndarray
    effective_step: np.ndarray
    steps: np.ndarray
    excess: np.ndarray
    noise_free: np.ndarray
    floor: np.ndarray
    floor_se: np.ndarray
    floor_theory: np.ndarray
    noise_free_at: np.ndarray
    diverged: np.ndarray
    read_at: int
    L: float
    repeats: int

    def table(self) -> str:
        """One row per setting: ε, α, ε/(1 − α), floor measured and closed form, noise-free J − J*."""
        width = max(len(label) for label in self.labels)
        lines = [f"{'setting':<{width}}  {'ε':>6}  {'α':>4}  {'ε/(1−α)':>7}  {'floor (± s.e.)':>20}  "
                 f"{'closed form':>11}  noise-free J − J* at k = {self.read_at}"]
        for i, label in enumerate(self.labels):
            head = f"{label:<{width}}  {self.lr[i]:>6.3f}  {self.momenta[i]:>4.2f}  {self.effective_step[i]:>7.2f}"
            if self.diverged[i]:
                lines.append(f"{head}  {'diverged':>20}  {'none (unstable)':>11}  diverged")
                continue
            lines.append(f"{head}  {self.floor[i]:>9.4f} (± {self.floor_se[i]:.4f})  "
                         f"{self.floor_theory[i]:>11.4f}  {self.noise_free_at[i]:.2e}")
        return "\n".join(lines)


def noisy_gradients(lr: float = 0.05, momentum: float = 0.9, matched_momenta=(0.0, 0.5, 0.9, 0.99),
                    large_effective_step: float = 2.5, steps: int = 4000, read_at: int = 300,
                    dim: int = 20, condition_number: float = 100.0, noise: float = 0.3,
                    batch_size: int = 1, repeats: int = 32, seed: int = 1) -> NoisyGradients:
    """Momentum against SGD with noisy gradients (opening of §8.3.2, Figure 8.5's caption).

    Three groups of constant settings on the noisy quadratic of section 5
    (L = 1), all in one batched run, and again with σ = 0 to separate the
    deterministic part from the noise:

    - same ε: SGD and momentum α with the same ε;
    - same effective step ε/(1 − α) = ``lr``/(1 − ``momentum``): α in
      ``matched_momenta`` with ε = that step × (1 − α) (α = 0 is SGD);
    - a large effective step ``large_effective_step`` > 2/L: SGD at that
      ε, and momentum α with ε = step × (1 − α).

    For small steps, stochastic heavy ball behaves like SGD with step
    ε/(1 − α) (Yuan, Ying & Sayed, 2016); beyond SGD's stability limit 2/L
    that equivalence ends, since heavy ball is stable up to ε < (2 + 2α)/L.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, low_open=True, high_open=True)
    matched = check_interval("matched_momenta", matched_momenta, 0.0, 1.0, high_open=True)
    large = check_scalar("large_effective_step", large_effective_step, 0.0, low_open=True)
    steps = check_int("steps", steps, low=10)
    read_at = check_int("read_at", read_at, low=1, high=steps)
    batch_size = check_int("batch_size", batch_size, low=1)
    repeats = check_int("repeats", repeats, low=2)
    problem, rng = _noisy_problem(dim, condition_number, noise, seed)
    effective = lr / (1.0 - momentum)

    rows = [("same ε", "SGD", lr, 0.0), ("same ε", f"momentum α = {momentum:g}", lr, momentum)]
    rows += [("same ε/(1 − α)", "SGD" if a == 0 else f"momentum α = {a:g}", effective * (1.0 - a), float(a))
             for a in matched]
    rows += [("large ε/(1 − α)", "SGD", large, 0.0),
             ("large ε/(1 − α)", f"momentum α = {momentum:g}", large * (1.0 - momentum), momentum)]
    groups = tuple(r[0] for r in rows)
    labels = tuple(f"{g}: {name}" for g, name, _, _ in rows)
    lrs = np.array([r[2] for r in rows])
    alphas = np.array([r[3] for r in rows])
    opt = momentum_optimizer(lrs, alphas)
    theta0 = np.full(problem.dim, 1.0)
    noisy = run(problem, opt, theta0, steps, batch_size=batch_size, rng=check_rng(rng), repeats=repeats,
                record_every=10)
    clean_problem = Quadratic(problem.eigenvalues, rotation=problem.rotation)
    clean = run(clean_problem, opt, theta0, steps, record_every=10)
    excess = noisy.loss - problem.min_loss  # (R, repeats, S)
    per_run = tail_mean(excess, fraction=0.5)
    diverged = np.any(noisy.diverged, axis=0)
    with np.errstate(invalid="ignore"):
        mean_excess = np.where(diverged, np.nan, excess).mean(axis=1)
    noise_free = clean.loss - clean_problem.min_loss
    at = int(np.searchsorted(clean.steps, read_at))
    return NoisyGradients(
        labels=labels,
        groups=groups,
        lr=lrs,
        momenta=alphas,
        effective_step=lrs / (1.0 - alphas),
        steps=noisy.steps,
        excess=mean_excess,
        noise_free=noise_free,
        floor=np.where(diverged, np.nan, per_run.mean(axis=0)),
        floor_se=np.where(diverged, np.nan, per_run.std(axis=0, ddof=1) / np.sqrt(repeats)),
        floor_theory=_closed_form_floor(problem, lrs, alphas, batch_size),
        noise_free_at=noise_free[at],
        diverged=diverged,
        read_at=int(clean.steps[at]),
        L=problem.L,
        repeats=repeats,
    )


# --------------------------------------------------------------------------
# Both tuned: the best SGD against the best momentum, per noise level and budget
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TunedNoisyGradients:
    """SGD (α = 0) and momentum (α > 0), each at its best (ε, α) on a shared grid.

    noises : (N,) σ;  budgets : (B,) K;  effective_step, lr, momenta : (S,) the grid
    loss : (N, B, S)            tuning runs: J − J*, mean of the last 10% of the first K steps
                                (mean over repeats); inf where the run diverged
    best_sgd, best_momentum : (N, B) int   the grid index of the best of each
    final, final_se : (N, B, 2)  the two picks rerun on fresh noise (``check_repeats`` runs):
                                 J − J* at K as above, mean and s.e.; [..., 0] SGD, [..., 1] momentum
    """

    noises: np.ndarray
    budgets: np.ndarray
    effective_step: np.ndarray
    lr: np.ndarray
    momenta: np.ndarray
    loss: np.ndarray
    best_sgd: np.ndarray
    best_momentum: np.ndarray
    final: np.ndarray
    final_se: np.ndarray
    L: float
    repeats: int
    check_repeats: int

    @property
    def ratio(self) -> np.ndarray:
        """(N, B): best SGD's loss / best momentum's loss on fresh noise (> 1: momentum wins)."""
        return self.final[..., 0] / self.final[..., 1]

    @property
    def ratio_se(self) -> np.ndarray:
        """(N, B): standard error of :attr:`ratio` (independent runs, first-order propagation)."""
        return self.ratio * np.hypot(*(self.final_se[..., c] / self.final[..., c] for c in (0, 1)))

    def table(self) -> str:
        """One row per (σ, K): the best SGD and the best momentum, and their ratio."""
        lines = [f"{'σ':>5}  {'K':>5}  {'best SGD: ε':>12}  {'J − J* (± s.e.)':>21}  "
                 f"{'best momentum: ε, α, ε/(1−α)':>29}  {'J − J* (± s.e.)':>21}  SGD / momentum"]
        for n, sigma in enumerate(self.noises):
            for b, budget in enumerate(self.budgets):
                i, j = self.best_sgd[n, b], self.best_momentum[n, b]
                lines.append(f"{sigma:>5g}  {int(budget):>5}  {self.lr[i]:>12.3f}  "
                             f"{self.final[n, b, 0]:>9.3e} (± {self.final_se[n, b, 0]:.1e})  "
                             f"{self.lr[j]:>12.4f}, {self.momenta[j]:.2f}, {self.effective_step[j]:>7.3f}  "
                             f"{self.final[n, b, 1]:>9.3e} (± {self.final_se[n, b, 1]:.1e})  "
                             f"{self.ratio[n, b]:.2f} ± {self.ratio_se[n, b]:.2f}")
        return "\n".join(lines)


def tuned_noisy_gradients(noises=(0.3, 0.003), budgets=(100, 300, 1000), effective_steps=None,
                          momenta=(0.0, 0.5, 0.9, 0.99), dim: int = 20, condition_number: float = 100.0,
                          batch_size: int = 1, repeats: int = 16, check_repeats: int = 64,
                          seed: int = 1) -> TunedNoisyGradients:
    """SGD against momentum with noisy gradients, both tuned (Kidambi et al., 2018, compare tuned SGD).

    The grid: effective steps ε/(1 − α) (default geomspace(0.005, 3.8, 24) and
    0.9, 0.95, 1 times 2/(L + μ), SGD's best deterministic step)
    times ``momenta``, kept where heavy ball is stable on the noise-free
    problem (ε L < 2 + 2α, section 4). Each (σ, K) picks, for SGD (α = 0) and
    for momentum (α > 0), the grid point of lowest loss at K on ``repeats``
    tuning runs; the two picks then rerun on fresh noise (``check_repeats``
    runs), so that the lucky draws of the tuning runs do not enter the
    comparison. The quadratic of section 5; with isotropic additive noise, run in
    its eigenbasis from Qᵀ(θ_0 − θ*) (the same law).
    """
    noises = check_interval("noises", noises, 0.0, low_open=True)
    budgets = np.asarray([check_int("budget", b, low=10) for b in budgets])
    alphas = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    if not np.any(alphas == 0.0) or not np.any(alphas > 0.0):
        raise ValueError("momenta must contain 0 (SGD) and at least one α > 0")
    repeats = check_int("repeats", repeats, low=2)
    check_repeats = check_int("check_repeats", check_repeats, low=2)
    rotated, _ = _noisy_problem(dim, condition_number, float(noises[0]), seed)
    # The default adds steps just below SGD's limit 2/L, up to its best deterministic step
    # 2/(L + μ) (lecture 03): without them tuned SGD would be held back by the grid's gaps.
    effective = (np.union1d(np.geomspace(0.005, 3.8, 24),
                            np.array([0.9, 0.95, 1.0]) * 2.0 / (rotated.L + rotated.mu))
                 if effective_steps is None
                 else check_interval("effective_steps", effective_steps, 0.0, low_open=True))
    theta0 = (np.full(rotated.dim, 1.0) - rotated.minimizer) @ rotated.rotation
    grid_step, grid_alpha = (a.ravel() for a in np.meshgrid(effective, alphas))
    stable = grid_step * (1.0 - grid_alpha) * rotated.L < 0.999 * (2.0 + 2.0 * grid_alpha)
    grid_step, grid_alpha = grid_step[stable], grid_alpha[stable]
    lrs = grid_step * (1.0 - grid_alpha)
    steps, every = int(budgets.max()), 10
    rng = np.random.default_rng(seed)

    def losses(problem, lr, alpha, runs):
        """(B, S) mean and s.e. over runs of J − J* in the last 10% of each budget; inf if diverged."""
        result = run(problem, momentum_optimizer(lr, alpha), theta0, steps, batch_size=batch_size, rng=rng,
                     repeats=runs, record_every=every)
        excess = result.loss - problem.min_loss  # (R, runs, S)
        diverged = np.any(result.diverged, axis=0)
        windows = [(result.steps > 0.9 * k) & (result.steps <= k) for k in budgets]
        with np.errstate(invalid="ignore"):
            per_run = np.stack([excess[w].mean(axis=0) for w in windows])  # (B, runs, S)
        return (np.where(diverged, np.inf, per_run.mean(axis=1)),
                np.where(diverged, np.inf, per_run.std(axis=1, ddof=1) / np.sqrt(runs)))

    sgd = grid_alpha == 0.0
    loss = np.empty((noises.size, budgets.size, lrs.size))
    best_sgd = np.empty((noises.size, budgets.size), dtype=int)
    best_momentum = np.empty_like(best_sgd)
    final = np.empty((noises.size, budgets.size, 2))
    final_se = np.empty_like(final)
    for n, sigma in enumerate(noises):
        problem = Quadratic(rotated.eigenvalues, noise=float(sigma))
        loss[n] = losses(problem, lrs, grid_alpha, repeats)[0]
        best_sgd[n] = np.argmin(np.where(sgd, loss[n], np.inf), axis=-1)
        best_momentum[n] = np.argmin(np.where(~sgd, loss[n], np.inf), axis=-1)
        # Rerun the picks of every budget on fresh noise; keep budget b's own pair at budget b.
        picks = np.concatenate([best_sgd[n], best_momentum[n]])
        value, se = losses(problem, lrs[picks], grid_alpha[picks], check_repeats)
        b = np.arange(budgets.size)
        final[n] = np.stack([value[b, b], value[b, b + budgets.size]], axis=-1)
        final_se[n] = np.stack([se[b, b], se[b, b + budgets.size]], axis=-1)
    return TunedNoisyGradients(noises=noises, budgets=budgets, effective_step=grid_step, lr=lrs,
                               momenta=grid_alpha, loss=loss, best_sgd=best_sgd, best_momentum=best_momentum,
                               final=final, final_se=final_se, L=rotated.L, repeats=repeats,
                               check_repeats=check_repeats)


@dataclass(frozen=True)
class TunedGainOverSeeds:
    """:func:`tuned_noisy_gradients` at one noise level, repeated over problem seeds.

    seeds : (P,);  budgets : (B,)
    ratio, ratio_se : (P, B)          best SGD's loss / best momentum's loss (fresh runs), its s.e.
    momentum_step, sgd_step : (P, B)  the picked ε/(1 − α) of momentum and ε of SGD
    """

    seeds: np.ndarray
    budgets: np.ndarray
    noise: float
    ratio: np.ndarray
    ratio_se: np.ndarray
    momentum_step: np.ndarray
    sgd_step: np.ndarray
    L: float


def tuned_gain_over_seeds(seeds=(1, 2, 3, 4, 5), noise: float = 0.003, budgets=(100, 300),
                          **kwargs) -> TunedGainOverSeeds:
    """Both tuned (:func:`tuned_noisy_gradients`) on several problem seeds: how much the gain varies.

    Each seed draws a new rotation, so a new initial error in the eigenbasis;
    the grid and everything else are those of :func:`tuned_noisy_gradients`
    (extra keyword arguments are passed on).
    """
    seeds = np.asarray([check_int("seed", s, low=0) for s in seeds])
    runs = [tuned_noisy_gradients(noises=(noise,), budgets=budgets, seed=int(s), **kwargs) for s in seeds]
    return TunedGainOverSeeds(
        seeds=seeds,
        budgets=runs[0].budgets,
        noise=float(noise),
        ratio=np.stack([r.ratio[0] for r in runs]),
        ratio_se=np.stack([r.ratio_se[0] for r in runs]),
        momentum_step=np.stack([r.effective_step[r.best_momentum[0]] for r in runs]),
        sgd_step=np.stack([r.lr[r.best_sgd[0]] for r in runs]),
        L=runs[0].L,
    )
