"""Choosing the initial learning rate ε_0 (book section 8.3.1, claims C4 and C5).

Two experiments on the real digits data (softmax regression, eq. 6.29, on
:func:`coursekit.data.digits_split`), both run on the batched runner:

- :func:`learning_rate_curves` (C4): learning curves of SGD (Algorithm 8.1)
  for a too small, a good and a too large constant ε. It measures how far
  each run got, whether the cost *rose* (split into the data term and the
  weight-decay penalty), how often it went up, and the curvature L at θ_0
  that puts rates on different costs on the same scale ε·L.
- :func:`too_small_run` (C4): the linear schedule of eq. 8.14 with a too
  small ε_0 run long past τ, against the same schedule with a good ε_0 and
  the same small ε_0 kept constant: what "stuck with a high cost" means on
  this convex cost.
- :func:`sweep_initial_rate` (C5): a grid of ε_0 × several seeds in ONE
  runner call (ε_0 is an array that broadcasts over θ's batch), with the
  linear schedule of eq. 8.14. It compares the ε_0 that looks best after
  100 iterations with the ε_0 that is best after the whole budget, and with
  the ε_0 that reaches a target cost first, and applies the practical rule
  (take a rate above the best-looking one, but below instability). Gains
  are compared as the excess J − J* above the cost's floor J*
  (``SweepResult.excess_ratio``); ``best_at`` and ``standard_error`` read
  the same runs at other early steps and over the seeds.
- :func:`sweep_mlp` (C5): the same sweep on the digits MLP of the lecture on
  initialization (:func:`coursekit.experiments.initialization.schemes.digits_mlp`).

:func:`short_run` is the run behind the lecture's explorer: the learning
curve of SGD with the schedule of eq. 8.14 for any number of ε_0 at once.
:func:`largest_curvature` measures L, the largest eigenvalue of the Hessian,
so that rates on different costs can be compared at the same ε·L.

>>> result = learning_rate_curves(lrs=(0.01, 0.3), steps=20, record_every=10)
>>> result.status
('finished 20 steps', 'finished 20 steps')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import check_int, check_interval, check_scalar
from ..analysis import steps_to_tolerance, tail_mean
from ..data import digits_split
from ..optimizers import sgd
from ..problems import LeastSquares, digits_softmax
from ..runner import run
from ..schedules import linear_decay
from .initialization.schemes import check_activation, digits_mlp

__all__ = [
    "CurvesResult",
    "StuckResult",
    "SweepResult",
    "decayed_final_ratio",
    "largest_curvature",
    "learning_rate_curves",
    "noise_floor",
    "short_run",
    "sweep_initial_rate",
    "sweep_mlp",
    "too_small_run",
]

_PROBLEMS = ("softmax", "least squares")


def _check_lrs(lrs) -> np.ndarray:
    arr = check_interval("lrs", lrs, 0.0, np.inf, low_open=True, high_open=True)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D sequence of learning rates, got shape {arr.shape}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"lrs must be strictly increasing, got {arr.tolist()}")
    return arr.copy()


def largest_curvature(problem, theta, *, iters: int = 100, h: float = 1e-4, seed: int = 0) -> float:
    """L, the largest eigenvalue of the Hessian ∇²J(θ), by power iteration.

    Each iteration multiplies v by the Hessian through a central difference
    of the gradient, Hv ≈ (∇J(θ + hv) − ∇J(θ − hv)) / (2h) (exact for a
    quadratic), and keeps the Rayleigh quotient vᵀHv (power iteration,
    Golub & Van Loan, *Matrix Computations*, §7.3.1). The start v is a
    normal draw from ``np.random.default_rng(seed)``. On a convex cost the
    Hessian is positive semi-definite, so this is its largest eigenvalue,
    approached from below (slowly when the top eigenvalues cluster);
    gradient descent with a constant ε is stable on a quadratic exactly when
    ε·L < 2 (second-order Taylor expansion, eq. 4.9).
    """
    iters = check_int("iters", iters, low=1)
    h = check_scalar("h", h, 0.0, low_open=True)
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (problem.dim,):
        raise ValueError(f"theta must have shape ({problem.dim},), got {theta.shape}")
    v = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(problem.dim)
    v /= np.linalg.norm(v)
    for _ in range(iters):
        hv = (problem.grad(theta + h * v) - problem.grad(theta - h * v)) / (2.0 * h)
        curvature = float(v @ hv)
        v = hv / np.linalg.norm(hv)
    return curvature


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


@lru_cache(maxsize=None)
def _min_loss(problem) -> float:
    """J* of a digits cost: the normal equations (least squares), Newton's method (softmax,
    λ > 0), or the infimum 0 of the softmax without weight decay on separable data."""
    if isinstance(problem, LeastSquares):
        return problem.min_loss
    return float(problem.loss(_minimizer(problem))) if problem.l2 > 0 else 0.0


@lru_cache(maxsize=None)
def _minimizer(problem) -> np.ndarray:
    """θ* of a softmax cost with λ > 0 by Newton's method, computed once per (shared) problem."""
    theta = problem.solve()
    theta.setflags(write=False)  # shared between callers
    return theta


def _digits_problem(problem: str, l2: float):
    """The cost on the digits: softmax regression (eq. 6.29), or least squares on the label's value.

    Least squares J(θ) = (1/2n) Σ (x_iᵀθ − y_i)² + (λ/2)‖θ‖² (section 5.1.4) on the
    same standardized pixels has a gradient Xᵀ(Xθ − y)/n that grows with θ,
    unlike the softmax cross-entropy, whose per-example gradient x̃(p − e_y)ᵀ
    stays bounded by √2‖x̃‖ (plus λθ).
    """
    if problem not in _PROBLEMS:
        raise ValueError(f"problem must be one of 'softmax', 'least squares'; got {problem!r}")
    if problem == "softmax":
        return digits_softmax(l2=l2)
    l2 = check_scalar("l2", l2, 0.0)
    data = digits_split()
    return LeastSquares(data.X, data.y.astype(float), l2=l2, name="least squares on digits")


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


# --------------------------------------------------------------------------
# The explorer's run: one learning curve per ε_0, all in one call
# --------------------------------------------------------------------------


def short_run(lr0, *, steps: int = 200, batch_size: int = 32, final_fraction: float = 0.01,
              l2: float = 1e-3, seed: int = 0, record_every: int = 5) -> tuple:
    """(k, J(θ_k)) of SGD with ε_k linear from ε_0 to ``final_fraction``·ε_0 over ``steps`` (eq. 8.14).

    ``lr0`` is a number or a 1-D array of ε_0, one trajectory per entry, run
    in one runner call from θ_0 = 0 on :func:`coursekit.problems.digits_softmax`.
    Minibatches of size m = ``batch_size`` come from
    ``np.random.default_rng(seed)`` and are the same for every entry (common
    random numbers), so entry j equals the run of ``lr0[j]`` alone. Returns
    the recorded k, shape (R,), and J(θ_k), shape (R,) or (R, len(lr0)).

    >>> k, loss = short_run([0.1, 1.0], steps=20, record_every=10)
    >>> k.tolist(), loss.shape
    ([0, 10, 20], (3, 2))
    """
    lr0 = check_interval("lr0", lr0, 0.0, np.inf, low_open=True, high_open=True)
    if lr0.ndim > 1:
        raise ValueError(f"lr0 must be a number or a 1-D array, got shape {lr0.shape}")
    steps = check_int("steps", steps, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0)
    seed = check_int("seed", seed, low=0)
    record_every = check_int("record_every", record_every, low=1)
    problem = digits_softmax(l2=l2)
    schedule = linear_decay(lr0, final_fraction * lr0, steps)
    result = run(problem, sgd(schedule), np.zeros(problem.dim), steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), noise="common", record_every=record_every)
    return result.steps, result.loss
