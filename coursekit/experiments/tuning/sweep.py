"""Claim C5: the sweep of ε_0 × seeds with the linear schedule of eq. 8.14, in one runner call.

:func:`sweep_initial_rate` sweeps ε_0 on softmax regression on the digits and
:func:`sweep_mlp` on the digits MLP of the lecture on initialization; both
return a :class:`SweepResult`, which compares the ε_0 that looks best early,
the best after the whole budget, the fastest to a target and the practical
rule, and reads the same runs at other steps and tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import steps_to_tolerance
from ...optimizers import sgd
from ...problems import digits_softmax
from ...runner import run
from ...schedules import linear_decay
from ..initialization.schemes import check_activation, digits_mlp
from ._common import _check_lrs
from .problems import _min_loss

__all__ = [
    "SweepResult",
    "sweep_initial_rate",
    "sweep_mlp",
]


# --------------------------------------------------------------------------
# C5: the sweep of ε_0
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """A sweep of ε_0 × seeds with the linear schedule of eq. 8.14 (claim C5).

    S = len(lrs) rates, N = ``seeds`` independent minibatch streams.

    lrs : (S,)                      the grid of ε_0
    steps : (R,) int                iteration k of each record
    loss : (R, N, S)                J(θ_k), NaN after a divergence
    early_step : int                k at which the "first look" is taken (100)
    early_loss, final_loss : (N, S) J at k = early_step and at the end
    mean_early, mean_final : (S,)   their means over seeds (inf if a seed diverged)
    target : float                  the target cost
    steps_to_target : (N, S) int    first recorded k from which J stays ≤ target, −1 if never
    median_steps_to_target : (S,)   median over seeds (inf when most seeds never reach it)
    best_early_lr : float           argmin over ε_0 of mean_early
    best_final_lr : float           argmin over ε_0 of mean_final
    fastest_lr : float              argmin of median_steps_to_target (NaN if none reaches it)
    final_to_early_ratio : float    best_final_lr / best_early_lr
    rule_lr : float                 the practical rule: the largest ε_0 ≥ best_early_lr whose
                                    mean_early ≤ rule_tolerance × min(mean_early)
    rule_final_loss, best_final_loss : float   mean_final at rule_lr and at best_final_lr
    early_pick_final_loss : float   mean_final at best_early_lr
    unstable_lr : float             smallest ε_0 whose mean_early ≥ J(θ_0) (NaN if none)
    start_loss : float              J(θ_0) (mean over seeds)
    min_loss : float                J*, the floor the excess J − J* is measured from: min J by
                                    Newton's method with weight decay; 0 without (the infimum
                                    of the softmax on separable data, and a lower bound for
                                    the MLP's cross-entropy)
    status : tuple                  per ε_0: "finished K steps", or "diverged in j of N
                                    seeds, first at step k"
    passes : float                  passes over the training set, τ·m/n
    n_train : int                   n, the number of training examples
    problem : str                   the problem's name
    l2, final_fraction, batch_size, rule_tolerance : the settings
    """

    lrs: np.ndarray
    steps: np.ndarray
    loss: np.ndarray
    early_step: int
    early_loss: np.ndarray
    final_loss: np.ndarray
    mean_early: np.ndarray
    mean_final: np.ndarray
    target: float
    steps_to_target: np.ndarray
    median_steps_to_target: np.ndarray
    best_early_lr: float
    best_final_lr: float
    fastest_lr: float
    final_to_early_ratio: float
    rule_lr: float
    rule_final_loss: float
    best_final_loss: float
    early_pick_final_loss: float
    unstable_lr: float
    start_loss: float
    min_loss: float
    status: tuple
    passes: float
    n_train: int
    problem: str
    l2: float
    final_fraction: float
    batch_size: int
    rule_tolerance: float

    @property
    def seed_picks(self) -> tuple:
        """(early, final): per seed, the ε_0 of the lowest J at ``early_step`` and at the end,
        arrays of shape (N,); a diverged run (NaN) never wins."""
        def argmin_lr(losses):
            return self.lrs[np.argmin(np.where(np.isnan(losses), np.inf, losses), axis=1)]
        return argmin_lr(self.early_loss), argmin_lr(self.final_loss)

    @property
    def excess_ratio(self) -> float:
        """(J_early pick − J*) / (J_best − J*): how many times more the early pick leaves
        above the floor J* at the end than the best final rate (like with like across
        costs whose floors differ)."""
        return (self.early_pick_final_loss - self.min_loss) / (self.best_final_loss - self.min_loss)

    @property
    def at_grid_edge(self) -> bool:
        """Whether the best final ε_0 is the largest of the grid (the best may lie beyond it)."""
        return self.best_final_lr == self.lrs[-1]

    def best_at(self, step: int) -> float:
        """The ε_0 with the lowest mean J over the seeds at recorded iteration ``step``
        (a diverged run counts as infinitely bad)."""
        step = check_int("step", step, low=0)
        rows = np.flatnonzero(self.steps == step)
        if rows.size == 0:
            raise ValueError(f"step {step} is not recorded; recorded steps are multiples of "
                             f"{int(self.steps[1] - self.steps[0])}")
        loss = self.loss[rows[0]]
        return float(self.lrs[np.argmin(np.where(np.isnan(loss), np.inf, loss).mean(axis=0))])

    def standard_error(self, step: int) -> np.ndarray:
        """The standard error over the seeds of the mean J at recorded iteration ``step``,
        shape (S,): s/√N with the sample standard deviation s (NaN with one seed)."""
        step = check_int("step", step, low=0)
        rows = np.flatnonzero(self.steps == step)
        if rows.size == 0:
            raise ValueError(f"step {step} is not recorded")
        loss = self.loss[rows[0]]
        n = loss.shape[0]
        if n < 2:
            return np.full(loss.shape[1], np.nan)
        return np.std(loss, axis=0, ddof=1) / np.sqrt(n)

    def rule_at(self, tolerance: float) -> tuple:
        """(ε_0, final mean J) of the practical rule at another ``tolerance``: the largest
        ε_0 ≥ ``best_early_lr`` whose mean J at ``early_step`` is at most ``tolerance`` ×
        the best early mean J. Recomputed from the stored early costs: no new runs."""
        tolerance = check_scalar("tolerance", tolerance, 1.0)
        ok = (self.lrs >= self.best_early_lr) & (self.mean_early <= tolerance * self.mean_early.min())
        index = int(np.flatnonzero(ok)[-1])
        return float(self.lrs[index]), float(self.mean_final[index])

    def fastest_to(self, target: float) -> tuple:
        """(ε_0, median k) of the rate whose median first k with J staying ≤ ``target`` is
        smallest (the smaller ε_0 on ties), read from the recorded curves; (NaN, inf) if
        no rate gets there for most seeds."""
        target = check_scalar("target", target, 0.0, low_open=True)
        hits = steps_to_tolerance(self.steps, self.loss, target)
        median = np.median(np.where(hits >= 0, hits, np.inf), axis=0)
        if not np.isfinite(median).any():
            return float("nan"), float("inf")
        best = int(np.argmin(median))
        return float(self.lrs[best]), float(median[best])


def _sweep_settings(lrs, default, seeds, steps, early_step, record_every, batch_size,
                    final_fraction, target, rule_tolerance, seed):
    lrs = default if lrs is None else _check_lrs(lrs)
    if lrs.size < 2:
        raise ValueError(f"lrs must hold at least 2 rates to compare, got {lrs.size}")
    steps = check_int("steps", steps, low=2)
    record_every = check_int("record_every", record_every, low=1)
    early_step = check_int("early_step", early_step, low=1, high=steps - 1)
    if early_step % record_every:
        raise ValueError(
            f"early_step must be a multiple of record_every = {record_every} so that it is "
            f"recorded, got {early_step}"
        )
    return dict(
        lrs=lrs, seeds=check_int("seeds", seeds, low=1), steps=steps, early_step=early_step,
        record_every=record_every, batch_size=check_int("batch_size", batch_size, low=1, high=1348),
        final_fraction=check_scalar("final_fraction", final_fraction, 0.0, 1.0),
        target=check_scalar("target", target, 0.0, low_open=True),
        rule_tolerance=check_scalar("rule_tolerance", rule_tolerance, 1.0),
        seed=check_int("seed", seed, low=0),
    )


def _sweep(problem, theta0, repeats, min_loss, lrs, seeds, steps, early_step, record_every, batch_size,
           final_fraction, target, rule_tolerance, seed) -> SweepResult:
    """Run the sweep (ONE runner call over ε_0 × seeds) and read its answers."""
    schedule = linear_decay(lrs, final_fraction * lrs, steps)
    result = run(problem, sgd(schedule), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), repeats=repeats, record_every=record_every)
    loss = result.loss
    early_index = int(np.flatnonzero(result.steps == early_step)[0])
    early, final = loss[early_index], loss[-1]
    # A diverged run counts as infinitely bad, not as missing.
    mean_early = np.where(np.isnan(early), np.inf, early).mean(axis=0)
    mean_final = np.where(np.isnan(final), np.inf, final).mean(axis=0)
    hits = steps_to_tolerance(result.steps, loss, target)
    median_hits = np.median(np.where(hits >= 0, hits, np.inf), axis=0)

    early_index = int(np.argmin(mean_early))
    best_early_lr = float(lrs[early_index])
    best_final_lr = float(lrs[np.argmin(mean_final)])
    fastest_lr = float(lrs[np.argmin(median_hits)]) if np.isfinite(median_hits).any() else float("nan")
    good_enough = (lrs >= best_early_lr) & (mean_early <= rule_tolerance * mean_early.min())
    rule_index = int(np.flatnonzero(good_enough)[-1])
    start = float(np.mean(loss[0]))
    unstable = np.flatnonzero(mean_early >= start)
    diverged = result.diverged_at >= 0  # (N, S)
    first = np.where(diverged, result.diverged_at, steps + 1).min(axis=0)
    status = tuple(
        f"diverged in {n} of {seeds} seeds, first at step {k}" if n else f"finished {steps} steps"
        for n, k in zip(diverged.sum(axis=0), first)
    )
    return SweepResult(
        lrs=lrs,
        steps=result.steps,
        loss=loss,
        early_step=early_step,
        early_loss=early,
        final_loss=final,
        mean_early=mean_early,
        mean_final=mean_final,
        target=target,
        steps_to_target=hits,
        median_steps_to_target=median_hits,
        best_early_lr=best_early_lr,
        best_final_lr=best_final_lr,
        fastest_lr=fastest_lr,
        final_to_early_ratio=best_final_lr / best_early_lr,
        rule_lr=float(lrs[rule_index]),
        rule_final_loss=float(mean_final[rule_index]),
        best_final_loss=float(mean_final.min()),
        early_pick_final_loss=float(mean_final[early_index]),
        unstable_lr=float(lrs[unstable[0]]) if unstable.size else float("nan"),
        start_loss=start,
        min_loss=float(min_loss),
        status=status,
        passes=steps * batch_size / problem.n_train,
        n_train=problem.n_train,
        problem=problem.name,
        l2=problem.l2,
        final_fraction=final_fraction,
        batch_size=batch_size,
        rule_tolerance=rule_tolerance,
    )


def sweep_initial_rate(
    lrs=None,
    *,
    seeds: int = 4,
    steps: int = 1000,
    early_step: int = 100,
    batch_size: int = 32,
    l2: float = 1e-3,
    final_fraction: float = 0.01,
    target: float = 0.1,
    rule_tolerance: float = 2.0,
    seed: int = 0,
    record_every: int = 25,
) -> SweepResult:
    """Sweep ε_0 over a log grid × ``seeds`` seeds in ONE batched runner call.

    Each run is SGD with the linear schedule of eq. 8.14, ε_k = (1 − k/τ) ε_0
    + (k/τ) ε_τ with ε_τ = ``final_fraction`` · ε_0 and τ = ``steps`` (the
    book's rule of thumb ε_τ ≈ 1% of ε_0), from θ_0 = 0 on
    :func:`coursekit.problems.digits_softmax`. ε_0 is an array of shape (S,) and ``repeats``
    adds the seed axis, so θ has batch shape (N, S).

    ``lrs`` defaults to 13 values from 3·10⁻³ to 30 (three per decade).
    ``early_step`` must be a recorded step (a multiple of ``record_every``).
    The practical rule of section 8.3.1 (look at the first iterations, then
    go above the best-looking rate but stay below instability) is made
    concrete as ``rule_lr``: the largest ε_0 ≥ ``best_early_lr`` whose early
    loss is at most ``rule_tolerance`` times the best early loss.
    """
    settings = _sweep_settings(lrs, np.geomspace(3e-3, 30.0, 13), seeds, steps, early_step,
                               record_every, batch_size, final_fraction, target, rule_tolerance, seed)
    problem = digits_softmax(l2=l2)
    return _sweep(problem, np.zeros(problem.dim), settings["seeds"], _min_loss(problem), **settings)


def sweep_mlp(
    lrs=None,
    *,
    hidden=(32, 32),
    activation: str = "relu",
    seeds: int = 3,
    steps: int = 1000,
    early_step: int = 100,
    batch_size: int = 32,
    final_fraction: float = 0.01,
    target: float = 0.1,
    rule_tolerance: float = 2.0,
    seed: int = 0,
    record_every: int = 100,
) -> SweepResult:
    """The sweep of :func:`sweep_initial_rate` on the digits MLP of the lecture on initialization.

    The network is :func:`coursekit.experiments.initialization.schemes.digits_mlp`
    (``hidden`` widths, ``activation``, no weight decay), each seed with its own
    θ_0 drawn with the normalized initialization of eq. 8.23 (Glorot) from
    ``np.random.default_rng(seed)``, shared by every ε_0 of that seed. θ_0 has
    batch shape (N, 1) and ε_0 shape (S,), so the runner trains all N × S
    networks in ONE call; minibatches come from ``default_rng(seed + 1)``,
    independently per network. ``lrs`` defaults to the six rates 0.139 to 6.46
    of the softmax sweep's grid (three per decade).
    """
    settings = _sweep_settings(lrs, np.geomspace(3e-3, 30.0, 13)[5:11], seeds, steps, early_step,
                               record_every, batch_size, final_fraction, target, rule_tolerance, seed)
    net = digits_mlp(hidden, check_activation(activation))
    theta0 = net.init_theta(np.random.default_rng(settings["seed"]), "glorot_uniform",
                            batch_shape=(settings["seeds"], 1))
    settings["seed"] += 1  # the minibatch stream, independent of the draw of θ_0
    return _sweep(net, theta0, None, 0.0, **settings)  # J* = 0: a lower bound, not a known minimum
