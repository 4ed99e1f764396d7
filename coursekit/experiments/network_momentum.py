"""Momentum and Nesterov on a real network: the digits MLP of lecture 07.

Lectures 04–06 study Algorithm 8.2 (momentum, eqs. 8.15, 8.16) and
Algorithm 8.3 (Nesterov, eqs. 8.21, 8.22) on quadratics. This module runs
them next to Algorithm 8.1 (SGD) on the ReLU MLP 64-32-32-10 of the 8×8
digits, with He initialization (He et al., 2015), as the course's runner
trains it, and asks which lessons of the quadratics carry over.

Two comparisons, each at a fixed budget:

- **matched effective step.** SGD at ε_eff against momentum and Nesterov at
  ε = ε_eff (1 − α): under a constant gradient the velocity of Algorithm 8.2
  tends to ε g/(1 − α) (eq. 8.17), so this gives all three the same terminal
  step;
- **both tuned.** Each method gets the ε of a common grid that gives it the
  lowest mean final training cost among the settings where no seed diverged.

Each comparison is run twice: with minibatches of m examples drawn *with
replacement* (:func:`coursekit.run` samples that way; one minibatch sequence
shared by every seed, ε and method), and, as the noise-free
control, with the full-batch gradient of the training cost (gradient descent
instead of SGD), at the same number of updates.

The quadratic facts the lecture tests (Yuan, Ying & Sayed 2016; Kidambi et
al. 2018; the stability edges of lecture 04):

- at a small matched ε_eff the slow eigen-direction of momentum moves like
  gradient descent at ε_eff (root 1 − ε_eff λ of the 2×2 iteration), and with
  noisy gradients momentum ≈ SGD;
- along an eigenvalue λ, SGD is stable for ε_eff λ < 2, momentum for
  ε λ < 2 + 2α, i.e. ε_eff λ < (2 + 2α)/(1 − α), and Nesterov for
  ε λ < (2 + 2α)/(1 + 2α), i.e. ε_eff λ < (2 + 2α)/((1 + 2α)(1 − α)):
  at matched ε_eff momentum tolerates much larger steps than SGD, Nesterov
  fewer than momentum.

>>> from coursekit.experiments import network_momentum as nm
>>> edges = nm.stability_edges(0.9)           # ε_eff λ at the edge
>>> [round(float(e), 2) for e in edges]
[2.0, 38.0, 13.57]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite, check_int, check_interval
from ..optimizers import momentum, nesterov, sgd
from ..problems import MLP, Quadratic
from ..runner import run
from .initialization.schemes import digits_mlp

__all__ = [
    "DEFAULT_LRS",
    "METHODS",
    "MethodRuns",
    "NetworkMomentum",
    "comparison_table",
    "digits_network",
    "extra_rows",
    "failure_line",
    "matched_rows",
    "network_momentum",
    "quadratic_order",
    "runner_steps",
    "stability_edges",
    "tuned_rows",
]

METHODS = ("SGD", "momentum", "Nesterov")

#: Half-decade grid 10^-2.5 ... 10^0.5; the lecture tunes on its last five values (10^-1.5 ... 10^0.5).
DEFAULT_LRS = tuple(float(10.0 ** (k / 2)) for k in range(-5, 2))

_HIDDEN = (32, 32)
_ACTIVATION = "relu"
_WEIGHT_INIT = "he_normal"


def stability_edges(momentum_value) -> np.ndarray:
    """The largest ε_eff λ = ελ/(1 − α) that keeps a quadratic stable, for SGD, momentum, Nesterov.

    SGD (Algorithm 8.1): ελ < 2; momentum (Algorithm 8.2): ελ < 2 + 2α;
    Nesterov (Algorithm 8.3): ελ < (2 + 2α)/(1 + 2α). SGD has no velocity, so
    its effective step is ε itself; the two others are divided by (1 − α).
    """
    alpha = float(check_interval("momentum", momentum_value, 0.0, 1.0, high_open=True))
    return np.array([2.0,
                     (2.0 + 2.0 * alpha) / (1.0 - alpha),
                     (2.0 + 2.0 * alpha) / ((1.0 + 2.0 * alpha) * (1.0 - alpha))])


def quadratic_order(effective_lrs, momentum_value: float = 0.9, steps: int = 80) -> np.ndarray:
    """(2, K) final J of momentum (row 0) and Nesterov (row 1) on a quadratic, at ε_eff λ_max.

    The noise-free control for the network's Nesterov-against-momentum order:
    50 curvatures log-spaced from 10⁻³ to L = 1, θ_0 = 1 in every direction,
    exact gradients, ε = ε_eff (1 − α), the same number of updates as the network.
    A run that diverges reports ``inf``.
    """
    alpha = float(check_interval("momentum", momentum_value, 0.0, 1.0, high_open=True))
    effective = check_finite("effective_lrs", np.atleast_1d(np.asarray(effective_lrs, dtype=float)))
    problem = Quadratic(np.logspace(-3.0, 0.0, 50))
    out = np.empty((2, effective.size))
    for row, method in enumerate((momentum, nesterov)):
        result = run(problem, method(effective * (1.0 - alpha), alpha), np.ones(problem.dim),
                     check_int("steps", steps, 1), record_every=steps)
        out[row] = np.where(result.diverged, np.inf, result.loss[-1])
    return out


def digits_network() -> MLP:
    """Lecture 07's network: ReLU MLP 64-32-32-10 on the 8×8 digits (1,348 train, 449 test)."""
    return digits_mlp(_HIDDEN, _ACTIVATION, test_split=True)


@dataclass(frozen=True)
class MethodRuns:
    """One method trained at K learning rates × S seeds, in one call of :func:`coursekit.run`.

    lr (K,) the raw ε; momentum the α (0 for SGD); effective_lr = ε/(1 − α).
    final_loss (S, K) the training cost J(θ) after the last update (NaN where
    the run diverged); test_accuracy (S, K) of the last finite θ;
    diverged (S, K) as reported by the runner; examples_seen per trajectory;
    dead_units (S, K) the fraction of the last hidden layer's ReLU units that
    are inactive (z ≤ 0) on every training example at the end: such a unit
    passes no gradient, so a network with most of them dead has stalled.
    """

    method: str
    momentum: float
    lr: np.ndarray
    final_loss: np.ndarray
    test_accuracy: np.ndarray
    diverged: np.ndarray
    examples_seen: int
    dead_units: np.ndarray | None = None

    @property
    def effective_lr(self) -> np.ndarray:
        return self.lr / (1.0 - self.momentum)

    @property
    def seeds(self) -> int:
        return self.final_loss.shape[0]

    def index(self, lr: float, *, effective: bool = False) -> int:
        """The column whose ε (or ε/(1 − α) if ``effective``) equals ``lr`` to 1e-9 relative."""
        grid = self.effective_lr if effective else self.lr
        hits = np.flatnonzero(np.isclose(grid, lr, rtol=1e-9, atol=0.0))
        if hits.size == 0:
            kind = "ε/(1 − α)" if effective else "ε"
            raise ValueError(f"{self.method} was not run at {kind} = {lr:g}")
        return int(hits[0])

    def mean_loss(self) -> np.ndarray:
        """(K,) the mean of J over the seeds that did not diverge; NaN if all diverged."""
        ok = ~self.diverged
        total = np.where(ok, self.final_loss, 0.0).sum(axis=0)
        count = ok.sum(axis=0)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def best(self, lrs) -> int:
        """Column of the ε in ``lrs`` with the lowest mean J among those where no seed diverged."""
        columns = [self.index(lr) for lr in np.atleast_1d(lrs)]
        safe = [c for c in columns if not self.diverged[:, c].any()]
        if not safe:
            raise ValueError(f"{self.method} diverged at every ε of the grid")
        return min(safe, key=lambda c: self.mean_loss()[c])


@dataclass(frozen=True)
class NetworkMomentum:
    """The runs of :func:`network_momentum`.

    minibatch, full_batch: one :class:`MethodRuns` per method of ``methods``
    (in the order SGD, momentum, Nesterov), with minibatches of ``batch_size``
    sampled with replacement, and with the full-batch gradient.
    lrs: the common grid of raw ε each method is tuned on (minibatch);
    effective_lrs: the matched ε_eff of the minibatch comparison;
    full_batch_effective_lrs: the matched ε_eff of the full-batch control;
    each full-batch method may also hold extra steps (see
    :func:`network_momentum`), and is tuned over all the steps it was run at.
    The full-batch runs use the first ``full_batch_seeds`` θ_0 draws only.
    """

    minibatch: tuple
    full_batch: tuple
    lrs: np.ndarray
    effective_lrs: np.ndarray
    full_batch_effective_lrs: np.ndarray
    momentum: float
    steps: int
    batch_size: int
    seeds: int
    n_train: int
    full_batch_seeds: int = 0

    def runs(self, setting: str) -> tuple:
        if setting not in ("minibatch", "full batch"):
            raise ValueError(f"setting must be 'minibatch' or 'full batch', got {setting!r}")
        return self.minibatch if setting == "minibatch" else self.full_batch

    def matched_loss(self, setting: str, effective_lr: float) -> np.ndarray:
        """Mean final J of each method at ε/(1 − α) = ``effective_lr`` (NaN if all seeds diverged
        or the method was not run there)."""
        return np.array([r.mean_loss()[r.index(effective_lr, effective=True)]
                         if np.isclose(r.effective_lr, effective_lr, rtol=1e-9, atol=0.0).any() else np.nan
                         for r in self.runs(setting)])

    def matched_diverged(self, setting: str, effective_lr: float) -> np.ndarray:
        """Number of diverged seeds of each method at ε/(1 − α) = ``effective_lr``."""
        return np.array([int(r.diverged[:, r.index(effective_lr, effective=True)].sum())
                         for r in self.runs(setting)])

    def matched_ratio(self, setting: str, effective_lr: float) -> np.ndarray:
        """Mean final J of each method over that of SGD (or GD), all at ε/(1 − α) = ``effective_lr``."""
        loss = self.matched_loss(setting, effective_lr)
        return loss / loss[0]

    def failed(self, setting: str, effective_lr: float, threshold: float = 0.5) -> np.ndarray:
        """Seeds of each method at ε/(1 − α) = ``effective_lr`` that diverged or end with J > ``threshold``.

        −1 for a method that was not run at that step.

        With the defaults every method gets below 0.1 at its best ε, and a
        network that has stopped learning sits near log 10 ≈ 2.30 nats (the
        cost of predicting the label frequencies); 0.5 lies far from both, so
        the count does not hinge on the last digits of a run. Slow but
        healthy runs (the smallest ε) can also end above it: use it at
        moderate and large steps.
        """
        out = []
        for r in self.runs(setting):
            if not np.isclose(r.effective_lr, effective_lr, rtol=1e-9, atol=0.0).any():
                out.append(-1)                           # not run there
                continue
            c = r.index(effective_lr, effective=True)
            with np.errstate(invalid="ignore"):
                out.append(int((r.diverged[:, c] | ~(r.final_loss[:, c] <= threshold)).sum()))
        return np.array(out)

    def failure_kinds(self, setting: str, effective_lr: float, threshold: float = 0.5,
                      band: float = 0.3) -> np.ndarray:
        """(methods, 4) seeds per kind of failure at ε/(1 − α) = ``effective_lr``: diverged (the
        runner stopped them), stalled (J within ``band`` of log 10 ≈ 2.30, the cost of guessing
        the label frequencies), unfinished (``threshold`` < J below that band) and above it
        (J > log 10 + ``band``, worse than guessing). −1 for a method not run there.
        """
        out = []
        log10 = np.log(10.0)
        for r in self.runs(setting):
            if not np.isclose(r.effective_lr, effective_lr, rtol=1e-9, atol=0.0).any():
                out.append([-1] * 4)
                continue
            c = r.index(effective_lr, effective=True)
            ok, J = ~r.diverged[:, c], r.final_loss[:, c]
            with np.errstate(invalid="ignore"):
                out.append([int((~ok).sum()),
                             int((ok & (np.abs(J - log10) <= band)).sum()),
                             int((ok & (J > threshold) & (J < log10 - band)).sum()),
                             int((ok & (J > log10 + band)).sum())])
        return np.array(out)

    def tuned_gain(self, setting: str) -> np.ndarray:
        """Best mean final J of SGD (or GD) over the best of each method: how many times lower."""
        best = np.array([loss for _, _, loss in self.tuned(setting)])
        return best[0] / best

    def tuned_seed_wins(self, setting: str) -> np.ndarray:
        """Seeds in which each method, at its best ε, ends below SGD (or GD) at its best ε.

        Seed s starts from the same θ_0 for every method, and every run of a
        setting draws the same minibatch sequence (the runner's common noise),
        so this is a paired comparison; a diverged seed counts as a loss.
        """
        runs, tuned = self.runs(setting), self.tuned(setting)
        base = runs[0].final_loss[:, tuned[0][0]]
        with np.errstate(invalid="ignore"):
            return np.array([int((r.final_loss[:, c] < base).sum()) for r, (c, _, _) in zip(runs, tuned)])

    def pair_wins(self, setting: str, first: int, second: int, effective_lr=None) -> int:
        """Seeds in which method ``first`` ends below method ``second`` (indices into the methods).

        At ε/(1 − α) = ``effective_lr``, or, if None, each at its best ε (:meth:`tuned`).
        Paired as in :meth:`tuned_seed_wins`; a diverged seed of ``first`` counts as a loss.
        """
        runs = self.runs(setting)
        if effective_lr is None:
            tuned = self.tuned(setting)
            a, b = (runs[i].final_loss[:, tuned[i][0]] for i in (first, second))
        else:
            a, b = (runs[i].final_loss[:, runs[i].index(effective_lr, effective=True)]
                    for i in (first, second))
        with np.errstate(invalid="ignore"):
            return int((a < np.where(np.isnan(b), np.inf, b)).sum())

    def dead(self, setting: str, effective_lr: float) -> np.ndarray:
        """(methods, 3): min, mean, max over seeds of the fraction of dead last-layer ReLU units.

        Over the seeds that did not diverge; NaN for a method not run at that step
        (or diverged in every seed).
        """
        out = []
        for r in self.runs(setting):
            if not np.isclose(r.effective_lr, effective_lr, rtol=1e-9, atol=0.0).any():
                out.append([np.nan] * 3)
                continue
            c = r.index(effective_lr, effective=True)
            d = r.dead_units[~r.diverged[:, c], c]
            if d.size == 0:
                out.append([np.nan] * 3)
                continue
            out.append([d.min(), d.mean(), d.max()])
        return np.array(out)

    def tuned(self, setting: str) -> list:
        """(column, ε, mean final J) of each method at its best ε of the tuning grid."""
        out = []
        for r in self.runs(setting):
            # Full batch: every step the method was run at (its extra steps bracket its best).
            c = r.best(self.lrs if setting == "minibatch" else r.lr)
            out.append((c, float(r.lr[c]), float(r.mean_loss()[c])))
        return out


def _merge(*grids) -> np.ndarray:
    """The sorted union of the grids, values equal to 1e-9 relative counted once."""
    values = np.sort(np.concatenate([np.atleast_1d(g) for g in grids]))
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = ~np.isclose(values[1:], values[:-1], rtol=1e-9, atol=0.0)
    return values[keep]


def _optimizer(method: str, lr: np.ndarray, alpha: float):
    if method == "SGD":
        return sgd(lr)                                   # Algorithm 8.1
    if method == "momentum":
        return momentum(lr, alpha)                       # Algorithm 8.2
    return nesterov(lr, alpha)                           # Algorithm 8.3


def _train(net, method, lr, alpha, theta0, steps, batch_size, seed) -> MethodRuns:
    """One vectorized run: θ_0 (S, 1, d) × ε (K,) → S × K networks."""
    rng = None if batch_size is None else np.random.default_rng(seed)
    # noise="common": one minibatch sequence for every seed, ε and method (common random numbers).
    result = run(net, _optimizer(method, lr, alpha), theta0, steps, batch_size=batch_size,
                 rng=rng, noise="common", record_every=steps)
    final = result.final_theta
    last_hidden = net.forward(final)[-2][0]               # z of the last hidden layer, (S, K, n, units)
    with np.errstate(invalid="ignore"):
        dead = (last_hidden.max(axis=-2) <= 0.0).mean(axis=-1)
    return MethodRuns(
        method=method if batch_size is not None or method != "SGD" else "GD",
        momentum=0.0 if method == "SGD" else alpha,
        lr=lr,
        final_loss=np.where(result.diverged, np.nan, net.loss(final)),
        test_accuracy=net.accuracy(final, "test"),
        diverged=result.diverged,
        examples_seen=int(result.examples_seen[-1]),
        dead_units=dead,
    )


def network_momentum(
    *,
    lrs=DEFAULT_LRS[2:],
    effective_lrs=DEFAULT_LRS[3:],
    full_batch_effective_lrs=(1.0, 10.0 ** 0.5),
    full_batch_momentum_extra=(10.0 ** 0.75, 10.0, 10.0 ** 1.25),
    full_batch_gd_extra=(10.0 ** 0.25,),
    full_batch_nesterov_extra=(10.0 ** 0.75, 10.0),
    momentum_value: float = 0.9,
    steps: int = 80,
    batch_size: int = 64,
    seeds: int = 10,
    full_batch_seeds: int = 5,
    methods=METHODS,
    full_batch_methods=METHODS,
    seed: int = 0,
) -> NetworkMomentum:
    """SGD, momentum and Nesterov on the digits MLP at matched ε_eff and each at its best ε.

    θ_0: He-normal weights, zero biases (lecture 07), ``seeds`` draws from
    ``np.random.default_rng(seed)``; the same S starts for every method.
    Minibatch setting: ``steps`` updates with m = ``batch_size`` examples drawn
    with replacement, one sequence shared by every seed, ε and method
    (``np.random.default_rng(seed + 1)`` and the runner's ``noise="common"``:
    common random numbers; seeds differ only in θ_0). Every method runs on the raw ε of ``lrs`` (its tuning
    grid) and, for the matched comparison, at ε = ε_eff (1 − α) for ε_eff in
    ``effective_lrs`` (α = 0 for SGD, α = ``momentum_value`` otherwise).
    Full-batch control: ``steps`` updates with the exact gradient of J, at
    ε = ε_eff (1 − α) for ε_eff in ``full_batch_effective_lrs``; gradient
    descent also at ``full_batch_gd_extra``, momentum at
    ``full_batch_momentum_extra`` and Nesterov at ``full_batch_nesterov_extra``
    (where each method's best step and its own edge are probed; full batch is
    the expensive part, so only the first ``full_batch_seeds`` of the θ_0 draws
    (at most ``seeds``) are trained there).
    """
    lrs = check_interval("lrs", lrs, 0.0, np.inf, low_open=True, high_open=True).ravel()
    effective_lrs = check_interval("effective_lrs", effective_lrs, 0.0, np.inf,
                                   low_open=True, high_open=True).ravel()
    full_eff = check_interval("full_batch_effective_lrs", full_batch_effective_lrs, 0.0, np.inf,
                              low_open=True, high_open=True).ravel()
    alpha = float(check_interval("momentum_value", momentum_value, 0.0, 1.0, high_open=True))
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_network()
    batch_size = check_int("batch_size", batch_size, low=1, high=net.n_train)
    for name, chosen in (("methods", methods), ("full_batch_methods", full_batch_methods)):
        bad = [m for m in chosen if m not in METHODS]
        if bad or not chosen:
            raise ValueError(f"{name} must be a non-empty subset of {METHODS}, got {tuple(chosen)!r}")
    check_finite("lrs", lrs)
    extras = {}
    for method, name, values in (("SGD", "full_batch_gd_extra", full_batch_gd_extra),
                                 ("momentum", "full_batch_momentum_extra", full_batch_momentum_extra),
                                 ("Nesterov", "full_batch_nesterov_extra", full_batch_nesterov_extra)):
        extra = np.atleast_1d(np.asarray(values, dtype=float)).ravel()
        if extra.size:
            extra = check_interval(name, extra, 0.0, np.inf, low_open=True, high_open=True).ravel()
        extras[method] = extra
    full_seeds = min(check_int("full_batch_seeds", full_batch_seeds, low=1), seeds)

    # One θ_0 per seed, shape (S, 1, d): it broadcasts against the K learning rates.
    theta0 = net.init_theta(np.random.default_rng(seed), _WEIGHT_INIT, batch_shape=(seeds, 1))
    minibatch, full = [], []
    for method in METHODS:
        a = 0.0 if method == "SGD" else alpha
        if method in methods:
            grid = _merge(lrs, effective_lrs * (1.0 - a))
            minibatch.append(_train(net, method, grid, alpha, theta0, steps, batch_size, seed + 1))
        if method in full_batch_methods:
            eff = _merge(full_eff, extras[method])
            full.append(_train(net, method, eff * (1.0 - a), alpha, theta0[:full_seeds], steps, None, seed))
    return NetworkMomentum(
        minibatch=tuple(minibatch), full_batch=tuple(full), lrs=lrs, effective_lrs=effective_lrs,
        full_batch_effective_lrs=full_eff, momentum=alpha, steps=steps, batch_size=batch_size,
        seeds=seeds, n_train=net.n_train, full_batch_seeds=full_seeds,
    )


def matched_rows(result: NetworkMomentum, setting: str, effective_lrs=None) -> list:
    """(method index, column) of each method at each matched ε_eff, grouped by ε_eff."""
    runs = result.runs(setting)
    if effective_lrs is None:
        effective_lrs = result.effective_lrs if setting == "minibatch" else result.full_batch_effective_lrs
    return [(i, r.index(e, effective=True)) for e in np.atleast_1d(effective_lrs)
            for i, r in enumerate(runs)]


def extra_rows(result: NetworkMomentum, setting: str = "full batch") -> list:
    """(method index, column) of every run step outside the matched grid, sorted by ε_eff, then method."""
    matched = result.effective_lrs if setting == "minibatch" else result.full_batch_effective_lrs
    rows = [(float(r.effective_lr[c]), i, c) for i, r in enumerate(result.runs(setting))
            for c in range(r.lr.size)
            if not np.isclose(r.effective_lr[c], matched, rtol=1e-9, atol=0.0).any()]
    return [(i, c) for _, i, c in sorted(rows)]


def tuned_rows(result: NetworkMomentum, setting: str) -> list:
    """(method index, column) of each method at its best ε."""
    return [(i, c) for i, (c, _, _) in enumerate(result.tuned(setting))]


def _number(x: float) -> str:
    return f"{x:.3g}" if x >= 1e-3 else f"{x:.2e}"


def runner_steps(method: str, lr: float, momentum_value: float, steps: int, seed: int = 0) -> tuple:
    """(θ_0, θ_K): K full-batch updates of ``method`` on :func:`digits_network` by :func:`coursekit.run`.

    The reference for a from-scratch loop of Algorithm 8.1, 8.2 or 8.3 on the
    network: θ_0 is one He-normal draw from ``np.random.default_rng(seed)``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    alpha = float(check_interval("momentum_value", momentum_value, 0.0, 1.0, high_open=True))
    net = digits_network()
    theta0 = net.init_theta(np.random.default_rng(check_int("seed", seed, low=0)), _WEIGHT_INIT)
    result = run(net, _optimizer(method, lr, alpha), theta0, check_int("steps", steps, low=1))
    return theta0, result.final_theta


def failure_line(result: NetworkMomentum, setting: str, effective_lr: float) -> str:
    """One line per step: seeds of each method that failed (J > 0.5 or diverged), split by
    :meth:`NetworkMomentum.failure_kinds` (diverged, stalled near log 10, unfinished below it,
    above it), and the min–max fraction of dead last-layer ReLU units over the stalled seeds
    (a dead unit is inactive on every training image and passes no gradient). Methods not
    run at this step are left out.
    """
    failed, kinds = result.failed(setting, effective_lr), result.failure_kinds(setting, effective_lr)
    parts = []
    for r, n, (div, stall, low, high) in zip(result.runs(setting), failed, kinds):
        if n < 0:
            continue
        c = r.index(effective_lr, effective=True)
        with np.errstate(invalid="ignore"):
            stalled = ~r.diverged[:, c] & (np.abs(r.final_loss[:, c] - np.log(10.0)) <= 0.3)
        d = r.dead_units[stalled, c]
        units = f"; dead units of stalled {d.min():.2f}–{d.max():.2f}" if d.size else ""
        parts.append(f"{r.method} {n}/{r.seeds} ({div} diverged, {stall} stalled, {low} unfinished, "
                     f"{high} above{units})")
    return f"{setting}, ε/(1−α) = {effective_lr:.3g}: failed " + ", ".join(parts)


def comparison_table(result: NetworkMomentum, setting: str, rows, *, group: bool = True,
                     threshold: float = 0.5) -> str:
    """The table: method | ε | α | ε/(1−α) | final J (mean ± sd over seeds) | test accuracy | diverged.

    The mean and standard deviation of J are over the seeds that did not
    diverge; test accuracy is the mean over all seeds (last finite θ). Where
    any seed failed (diverged or J > ``threshold``, as in
    :meth:`NetworkMomentum.failed`) only the number of failed seeds is printed.
    With ``group``, a blank line separates rows with different ε/(1 − α).
    """
    runs = result.runs(setting)
    header = (f"{'method':<9} {'ε':>8} {'α':>4} {'ε/(1−α)':>8}   {'final J (mean ± sd)':<21}"
              f" {'test acc':>8}  {'diverged':>8}")
    lines = [header, "-" * len(header)]
    previous = None
    for i, c in rows:
        r = runs[i]
        eff = float(r.effective_lr[c])
        if group and previous is not None and not np.isclose(eff, previous, rtol=1e-9):
            lines.append("")
        previous = eff
        ok = ~r.diverged[:, c]
        with np.errstate(invalid="ignore"):
            failed = int((~ok | ~(r.final_loss[:, c] <= threshold)).sum())
        accuracy = f"{r.test_accuracy[:, c].mean():>8.3f}"
        if failed:
            # A failed run is chaotic: its last digits depend on the floating-point summation
            # order (BLAS, threads), so only the count is printed.
            cost, accuracy = f"{'failed':>8} in {failed}/{r.seeds}", f"{'—':>8}"
        elif ok.any():
            losses = r.final_loss[ok, c]
            cost = f"{_number(losses.mean()):>8} ± {_number(losses.std()):<10}"
        else:
            cost = f"{'—':>8}   {'':<10}"
        lines.append(f"{r.method:<9} {_number(r.lr[c]):>8} {r.momentum:>4.1f} {_number(eff):>8}   "
                     f"{cost:<21} {accuracy}  "
                     f"{int((~ok).sum()):>6}/{r.seeds}")
    return "\n".join(lines)
