"""Experiments of the lecture on Nesterov momentum (section 8.3.3, claims C19, C20).

- :func:`interim_points`: a few steps of momentum (Algorithm 8.2) and
  Nesterov (Algorithm 8.3) on the canyon, with the interim point θ + αv and
  the gradient each method uses (C19).
- :func:`canyon_runs`: the two methods' paths on the canyon for one (ε, α),
  the runs the lecture's explorer redraws on every slider move (C19).
- :func:`batch_rates`: exact gradients on least squares with a singular
  Hessian: gradient descent O(1/k), Nesterov with α_k = (k−1)/(k+2) O(1/k²),
  Nesterov with a constant α still O(1/k) (C20).
- :func:`stochastic_rates`: minibatch-like gradients on a noisy quadratic
  with a decaying ε: SGD, momentum and Nesterov all decay like O(1/k) (C20).
- :func:`convention_equivalence`, :func:`changing_lr`: the library forms of
  :mod:`coursekit.conventions` against the book's, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import analysis, conventions, optimizers, schedules
from .._validation import check_finite, check_int, check_scalar
from ..problems import canyon, make_least_squares, quadratic_with_spectrum
from ..runner import RunResult, run

__all__ = [
    "BatchRates",
    "ChangingLR",
    "ConventionCheck",
    "InterimPoints",
    "StochasticRates",
    "batch_rates",
    "canyon_runs",
    "changing_lr",
    "convention_equivalence",
    "interim_points",
    "stochastic_rates",
]

METHODS_BATCH = ("gradient descent", "Nesterov, constant α", "Nesterov, α_k = (k−1)/(k+2)")
METHODS_STOCHASTIC = ("SGD", "momentum", "Nesterov")


def _theta0(theta0, d: int = 2) -> np.ndarray:
    arr = check_finite("theta0", theta0)
    if arr.shape != (d,):
        raise ValueError(f"theta0 must have shape ({d},), got shape {arr.shape}")
    return arr


# --------------------------------------------------------------------------
# C19: where the gradient is taken
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class InterimPoints:
    """K steps of momentum and Nesterov from the same θ_0 on the canyon.

    Each dict is keyed by ``"momentum"`` and ``"nesterov"``:
    theta (K+1, 2): θ_0..θ_K;  interim (K, 2): θ_{k−1} + α v_{k−1}, the
    interim point of update k;  grad_point (K, 2): where update k took its
    gradient (θ_{k−1} for momentum, the interim point for Nesterov);
    grad (K, 2): ∇J there;  loss (K+1,): J(θ_k) − J*.
    """

    problem: object
    lr: float
    momentum: float
    theta: dict
    interim: dict
    grad_point: dict
    grad: dict
    loss: dict


def interim_points(condition_number: float = 50.0, lr: float = 0.03, momentum: float = 0.8,
                   steps: int = 5, theta0=(-1.0, 0.5)) -> InterimPoints:
    """Run ``steps`` updates of Algorithms 8.2 and 8.3 and keep where each takes its gradient.

    Momentum evaluates g = ∇J(θ) (eq. 8.15); Nesterov evaluates it at the
    interim point θ̃ = θ + α v (eq. 8.21). Both then set v ← α v − ε g and
    θ ← θ + v (eqs. 8.16, 8.22). The canyon is J = ½(θ_1² + κ θ_2²).
    """
    steps = check_int("steps", steps, low=1, high=1000)
    problem = canyon(condition_number)
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    start = _theta0(theta0)
    out = {name: {} for name in ("theta", "interim", "grad_point", "grad", "loss")}
    for name, factory in (("momentum", optimizers.momentum), ("nesterov", optimizers.nesterov)):
        opt = factory(lr, momentum)
        theta, state = start, opt.init(start)
        thetas, interims, points, grads = [theta], [], [], []
        for _ in range(steps):
            interims.append(theta + momentum * state.velocity)
            point = opt.gradient_point(theta, state)
            grad = problem.grad(point)
            points.append(point)
            grads.append(grad)
            theta, state = opt.update(theta, state, grad)
            thetas.append(theta)
        out["theta"][name] = np.array(thetas)
        out["interim"][name] = np.array(interims)
        out["grad_point"][name] = np.array(points)
        out["grad"][name] = np.array(grads)
        out["loss"][name] = problem.loss(out["theta"][name]) - problem.min_loss
    return InterimPoints(problem, lr, momentum, **out)


def canyon_runs(lr: float, momentum: float, *, condition_number: float = 50.0, steps: int = 200,
                theta0=(-1.0, 0.5)) -> dict[str, RunResult]:
    """Momentum (Algorithm 8.2) and Nesterov (Algorithm 8.3) on the canyon, same ε, α and θ_0.

    Both start with v = 0 and run ``steps`` updates on J = ½(θ_1² + κ θ_2²):
    v ← α v − ε ∇J(θ), θ ← θ + v (eqs. 8.15, 8.16) against
    v ← α v − ε ∇J(θ + α v), θ ← θ + v (eqs. 8.21, 8.22). Returns
    ``{"momentum": RunResult, "nesterov": RunResult}``, each with its path
    θ_0..θ_K (``theta``, shape (K+1, 2)) and J(θ_k) (``loss``). A run that
    diverges is a result (``diverged``, ``diverged_at``), not an error.

    >>> runs = canyon_runs(0.015, 0.8, steps=3)
    >>> runs["momentum"].theta.shape, bool(runs["nesterov"].diverged)
    ((4, 2), False)
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    steps = check_int("steps", steps, low=1)
    problem = canyon(condition_number)
    start = _theta0(theta0)
    return {name: run(problem, factory(lr, momentum), start, steps, keep_path=True)
            for name, factory in (("momentum", optimizers.momentum), ("nesterov", optimizers.nesterov))}


# --------------------------------------------------------------------------
# C20 with batch gradients
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRates:
    """Excess loss of three methods with exact gradients on singular least squares.

    steps (R,); excess (R, 3): J(θ_k) − J*, columns in the order of ``labels``;
    slopes (3,): fitted log-log slopes on [k_min, k_max];
    constants (3,): geometric mean of k·excess (first two) and k²·excess
    (third) on the window, the C of C/k and C/k²;
    constant_ratio: C(constant α) / C(gradient descent);  mu: μ (0: singular).
    """

    steps: np.ndarray
    excess: np.ndarray
    labels: tuple
    slopes: np.ndarray
    constants: np.ndarray
    constant_ratio: float
    k_min: float
    k_max: float
    lr: float
    momentum: float
    mu: float
    rank: int
    dim: int


def batch_rates(n: int = 30, d: int = 40, rank: int = 30, condition_number: float = 1e10,
                steps: int = 30_000, momentum: float = 0.9, record_every: int = 100,
                k_min: float = 1e3, k_max: float = 3e4, seed: int = 0) -> BatchRates:
    """Gradient descent against Nesterov on least squares with a singular Hessian (C20).

    The design has rank r < d, so H = XᵀX/n has d − r zero eigenvalues: the
    cost is convex but not strongly convex. Its r nonzero eigenvalues are
    spaced geometrically from L = 1 down to 1/κ, and the targets have no
    noise, so J* = 0 (up to rounding) and θ* is the minimum-norm solution.
    θ_0 = θ* − Σ_i q_i (q_i the eigenvectors of the nonzero eigenvalues):
    the error has size 1 along every curved direction, so no direction is
    favoured by the draw; it is the average case over random starts.

    All methods use ε = 1/L. Gradient descent is Nesterov with α = 0.
    Theory: GD and constant-α Nesterov O(1/k) (the latter with a constant
    about (1 − α) times smaller, as its effective step is ε/(1 − α));
    α_k = (k−1)/(k+2) gives O(1/k²) (Nesterov, 1983).
    """
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    steps = check_int("steps", steps, low=10)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    problem = make_least_squares(n, d, rng, rank=rank, condition_number=condition_number, noise=0.0)
    eigenvalues, vectors = np.linalg.eigh(problem.hessian)
    curved = vectors[:, eigenvalues > 1e-12 * eigenvalues[-1]]
    theta0 = problem.minimizer - curved.sum(axis=1)
    lr = 1.0 / problem.L

    # One run for all three: α is a schedule with one value per method
    # (0 for gradient descent, the constant α, and (k − 1)/(k + 2)).
    alphas = schedules.stack(schedules.constant(0.0), schedules.constant(momentum),
                             schedules.nesterov_momentum())
    result = run(problem, optimizers.nesterov(lr, alphas), theta0, steps, record_every=record_every)
    excess = result.loss - problem.min_loss
    slopes = analysis.loglog_slope(result.steps, excess, k_min, k_max)
    window = (result.steps >= k_min) & (result.steps <= k_max)
    powers = np.array([1.0, 1.0, 2.0])
    scaled = excess[window] * result.steps[window, None].astype(float) ** powers
    constants = np.exp(np.mean(np.log(scaled), axis=0))
    return BatchRates(
        steps=result.steps, excess=excess, labels=METHODS_BATCH, slopes=slopes,
        constants=constants, constant_ratio=float(constants[1] / constants[0]),
        k_min=float(k_min), k_max=float(k_max), lr=lr, momentum=momentum,
        mu=problem.mu, rank=rank, dim=d,
    )


# --------------------------------------------------------------------------
# C20 with stochastic gradients
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StochasticRates:
    """SGD, momentum and Nesterov with noisy gradients, over ``repeats`` seeds.

    steps (R,); excess (R, S, 3): J(θ_k) − J* per seed, columns in the order
    of ``labels``; mean_excess (R, 3): the mean over seeds;
    slopes (3,): log-log slopes of the mean curves on [k_min, k_max];
    seed_slopes (S, 3) and slope_se (3,): slope per seed and its standard
    error over seeds; final (S, 3): mean excess over the last 10% of
    records, per seed; ratios (2,): mean final of momentum and Nesterov
    over that of SGD; ratio_se (2,): their standard errors over seeds
    (delta method); slope_z (2,): (slope − slope of SGD)/standard error of
    the difference, for momentum and Nesterov.
    """

    steps: np.ndarray
    excess: np.ndarray
    mean_excess: np.ndarray
    labels: tuple
    slopes: np.ndarray
    seed_slopes: np.ndarray
    slope_se: np.ndarray
    final: np.ndarray
    ratios: np.ndarray
    ratio_se: np.ndarray
    slope_z: np.ndarray
    k_min: float
    k_max: float
    lr0: float
    tau: float
    momentum: float
    repeats: int


def stochastic_rates(dim: int = 10, condition_number: float = 10.0, noise: float = 1.0,
                     lr0: float = 1.0, tau: float = 20.0, momentum: float = 0.9,
                     steps: int = 5_000, repeats: int = 64, record_every: int = 25,
                     k_min: float = 5e2, k_max: float = 5e3, seed: int = 0) -> StochasticRates:
    """Does Nesterov beat O(1/k) when the gradient is noisy? (C20)

    A noisy quadratic (eigenvalues from 1/κ to 1, Haar-random axes, gradient
    noise σ per coordinate, batch size 1; strongly convex, so SGD with
    ε_k ∝ 1/k has excess error O(1/k), claim C8). All three methods use the
    same *effective* step: SGD ε_k = ε_0/(1 + k/τ), momentum and Nesterov
    (1 − α)·ε_k with constant α, because ε/(1 − α) is the step momentum
    takes once the velocity has built up (eq. 8.17). Equal effective steps
    make any remaining difference due to the look-ahead alone.
    """
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    dim = check_int("dim", dim, low=1)
    repeats = check_int("repeats", repeats, low=2)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    tau = check_scalar("tau", tau, 0.0, low_open=True)
    kappa = check_scalar("condition_number", condition_number, 1.0)
    problem = quadratic_with_spectrum(np.geomspace(1.0 / kappa, 1.0, dim), rng=rng, noise=noise)
    theta0 = np.full(dim, 1.0)

    # SGD is Nesterov with α = 0: one run holds SGD and Nesterov.
    lrs = schedules.inverse_time(np.array([lr0, (1.0 - momentum) * lr0]), tau)
    first = run(problem, optimizers.nesterov(lrs, np.array([0.0, momentum])), theta0, steps,
                batch_size=1, rng=rng, repeats=repeats, record_every=record_every)
    second = run(problem, optimizers.momentum(schedules.inverse_time((1.0 - momentum) * lr0, tau),
                                              momentum),
                 theta0, steps, batch_size=1, rng=rng, repeats=repeats, record_every=record_every)
    excess = np.stack([first.loss[..., 0], second.loss, first.loss[..., 1]], axis=-1) - problem.min_loss
    mean_excess = excess.mean(axis=1)
    slopes = analysis.loglog_slope(first.steps, mean_excess, k_min, k_max)
    seed_slopes = analysis.loglog_slope(first.steps, excess, k_min, k_max)
    slope_se = seed_slopes.std(axis=0, ddof=1) / np.sqrt(repeats)
    slope_z = (slopes[1:] - slopes[0]) / np.sqrt(slope_se[1:] ** 2 + slope_se[0] ** 2)

    final = analysis.tail_mean(excess, 0.1)  # (S, 3)
    means = final.mean(axis=0)
    se = final.std(axis=0, ddof=1) / np.sqrt(repeats)
    ratios = means[1:] / means[0]
    # Delta method for a ratio of independent means.
    ratio_se = ratios * np.sqrt((se[1:] / means[1:]) ** 2 + (se[0] / means[0]) ** 2)
    return StochasticRates(
        steps=first.steps, excess=excess, mean_excess=mean_excess, labels=METHODS_STOCHASTIC,
        slopes=slopes, seed_slopes=seed_slopes, slope_se=slope_se, final=final, ratios=ratios,
        ratio_se=ratio_se, slope_z=slope_z, k_min=float(k_min), k_max=float(k_max), lr0=lr0,
        tau=tau, momentum=momentum, repeats=repeats,
    )


# --------------------------------------------------------------------------
# Conventions: the library forms against the book's
# --------------------------------------------------------------------------


def _book_trajectory(kind: str, problem, theta0, lrs, alphas):
    """Algorithm 8.2 or 8.3 with ε_k = lrs[k−1] and α_k = alphas[k−1]: θ_k and v_k, k = 0..K."""
    factory = optimizers.nesterov if kind == "nesterov" else optimizers.momentum
    optimizer = factory(schedules.table(lrs), schedules.table(alphas))
    result = run(problem, optimizer, theta0, len(lrs), keep_path=True)
    return result.theta, result.velocity


def _library_in_book_variables(kind, problem, theta0, lrs, momentum):
    """Run a library form and convert every state to (θ_k, v_k) with the rate of update k."""
    params, buffers = conventions.library_trajectory(kind, problem.grad, theta0, lrs, momentum)
    rates = np.concatenate([[lrs[0]], lrs])  # b_0 = 0: any rate converts it
    thetas, velocities = [], []
    for p, b, lr in zip(params, buffers, rates):
        if kind == "nesterov":
            theta, v = conventions.nesterov_to_book(p, b, lr, momentum)
        elif kind == "damped":
            theta, v = conventions.damped_to_book(p, b, lr)
        else:
            theta, v = conventions.momentum_to_book(p, b, lr)
        thetas.append(theta)
        velocities.append(v)
    return np.array(thetas), np.array(velocities)


def _difference(a, b) -> np.ndarray:
    """max |θ − θ'| and |v − v'| over coordinates, per step: shape (K+1,)."""
    return np.maximum(np.abs(a[0] - b[0]).max(axis=-1), np.abs(a[1] - b[1]).max(axis=-1))


@dataclass(frozen=True)
class ConventionCheck:
    """Library forms vs the book's, constant rate; (K+1,) max |difference| per step.

    momentum: PyTorch/optax momentum vs Algorithm 8.2 (α = μ, ε = lr);
    nesterov: PyTorch Nesterov vs Algorithm 8.3 (p = θ + αv);
    damped: damped momentum (lr, β) vs Algorithm 8.2 with ε = lr(1 − β), α = β.
    """

    steps: np.ndarray
    momentum: np.ndarray
    nesterov: np.ndarray
    damped: np.ndarray
    max_momentum: float
    max_nesterov: float
    max_damped: float
    lr: float
    mu: float
    beta: float


def convention_equivalence(steps: int = 100, lr: float = 0.02, momentum: float = 0.9,
                           beta: float = 0.9, condition_number: float = 50.0,
                           theta0=(-1.0, 0.5)) -> ConventionCheck:
    """Run each library form and the book's algorithm for ``steps`` updates on the canyon.

    The library states are converted to the book's (θ, v) with the maps of
    :mod:`coursekit.conventions`; the result is the largest difference.
    Exact arithmetic would give 0; float64 gives rounding only.
    """
    steps = check_int("steps", steps, low=1, high=100_000)
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    beta = check_scalar("beta", beta, 0.0, 1.0, high_open=True)
    problem = canyon(condition_number)
    start = _theta0(theta0)
    lrs = np.full(steps, lr)
    diffs = {}
    for kind in ("momentum", "nesterov"):
        book = _book_trajectory(kind, problem, start, lrs, np.full(steps, momentum))
        diffs[kind] = _difference(book, _library_in_book_variables(kind, problem, start, lrs, momentum))
    eps, alpha = conventions.damped_hyperparameters(lr, beta)
    book = _book_trajectory("momentum", problem, start, np.full(steps, eps), np.full(steps, alpha))
    diffs["damped"] = _difference(book, _library_in_book_variables("damped", problem, start, lrs, beta))
    return ConventionCheck(
        steps=np.arange(steps + 1), momentum=diffs["momentum"], nesterov=diffs["nesterov"],
        damped=diffs["damped"], max_momentum=float(diffs["momentum"].max()),
        max_nesterov=float(diffs["nesterov"].max()), max_damped=float(diffs["damped"].max()),
        lr=lr, mu=momentum, beta=beta,
    )


@dataclass(frozen=True)
class ChangingLR:
    """Library forms vs the book's when lr_k changes; (K+1,) max |difference| per step.

    ``*_naive``: the book with α = μ, ε_k = lr_k; ``*_corrected``: the book
    with α_k = μ·lr_k/lr_{k−1} (:func:`coursekit.conventions.corrected_momentum`).
    """

    steps: np.ndarray
    lrs: np.ndarray
    alphas: np.ndarray
    momentum_naive: np.ndarray
    momentum_corrected: np.ndarray
    nesterov_naive: np.ndarray
    nesterov_corrected: np.ndarray
    max_momentum_naive: float
    max_momentum_corrected: float
    max_nesterov_naive: float
    max_nesterov_corrected: float


def changing_lr(steps: int = 100, lr0: float = 0.02, rate: float = 0.5, every: int = 25,
                momentum: float = 0.9, condition_number: float = 50.0,
                theta0=(-1.0, 0.5)) -> ChangingLR:
    """The change of variables under a step-decay rate lr_k = lr_0·r^⌊(k−1)/s⌋.

    PyTorch/optax multiply the stored buffer by the current lr_k, so the
    book's v = −lr·b is rescaled whenever the rate changes. Momentum is
    recovered exactly with α_k = μ·lr_k/lr_{k−1}; Nesterov is not (its
    interim point keeps μ while its velocity uses α_k), with either α.
    """
    steps = check_int("steps", steps, low=1, high=100_000)
    every = check_int("every", every, low=1)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    lrs = schedules.step_decay(lr0, rate, every)(np.arange(1, steps + 1))
    problem = canyon(condition_number)
    start = _theta0(theta0)
    alphas = conventions.corrected_momentum(lrs, momentum)
    constant_alpha = np.full(steps, momentum)
    out = {}
    for kind in ("momentum", "nesterov"):
        library = _library_in_book_variables(kind, problem, start, lrs, momentum)
        out[f"{kind}_naive"] = _difference(_book_trajectory(kind, problem, start, lrs, constant_alpha), library)
        out[f"{kind}_corrected"] = _difference(_book_trajectory(kind, problem, start, lrs, alphas), library)
    return ChangingLR(
        steps=np.arange(steps + 1), lrs=lrs, alphas=alphas, **out,
        **{f"max_{name}": float(values.max()) for name, values in out.items()},
    )
