"""Experiments of the momentum lecture (section 8.3.2, Algorithm 8.2, Figure 8.5).

- :func:`first_steps`: a few momentum updates written out (claim C11).
- :func:`terminal_velocity`: ‖v_k‖ under a constant gradient (eq. 8.17, claim C12).
- :func:`canyon_race`: gradient descent against momentum on the canyon of
  Figure 8.5 (claim C13).
- :func:`rate_map`: the theoretical rate over a grid of (ε, α) for one κ.
- :func:`measured_rates`: measured against theoretical rates for several κ.
- :func:`damping_modes`: one direction under-, critically and over-damped.
- :func:`momentum_schedules`: a momentum schedule against shrinking ε on a
  noisy problem (claim C14).

Every function runs on :func:`coursekit.runner.run` (batched over the
settings) and returns a frozen dataclass with the arrays to plot and the
measured numbers. The keyword defaults are the settings the lecture runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import momentum_theory as theory
from .._validation import (
    check_int,
    check_interval,
    check_params_vector,
    check_rng,
    check_scalar,
)
from ..analysis import geometric_rate, steps_to_tolerance, tail_mean
from ..optimizers import momentum as momentum_optimizer
from ..problems import LinearCost, Quadratic, canyon, quadratic_with_spectrum
from ..runner import run
from ..schedules import linear_decay

__all__ = [
    "CanyonRace",
    "DampingModes",
    "FirstSteps",
    "MeasuredRates",
    "MomentumSchedules",
    "RateMap",
    "TerminalVelocity",
    "canyon_race",
    "damping_modes",
    "first_steps",
    "measured_rates",
    "momentum_schedules",
    "rate_map",
    "terminal_velocity",
]


# --------------------------------------------------------------------------
# C11: the update written out
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstSteps:
    """k, g_k, v_k, θ_k of the first updates on J(θ) = ½ λ θ² (1-D).

    Arrays of length steps + 1; row 0 is the start (g_0 and v_0 hold the
    gradient at θ_0 and the initial velocity 0).
    """

    k: np.ndarray
    grad: np.ndarray
    velocity: np.ndarray
    theta: np.ndarray
    lr: float
    momentum: float
    curvature: float

    def table(self) -> str:
        """The rows as fixed-precision text: k, g (used by update k), v_k, θ_k."""
        lines = [f"{'k':>3} {'g = ∇J(θ_(k-1))':>16} {'v_k':>10} {'θ_k':>10}"]
        lines.append(f"{0:>3} {'':>16} {self.velocity[0]:>10.5f} {self.theta[0]:>10.5f}")
        for i in range(1, self.k.size):
            lines.append(
                f"{int(self.k[i]):>3} {self.grad[i]:>16.5f} {self.velocity[i]:>10.5f} {self.theta[i]:>10.5f}"
            )
        return "\n".join(lines)


def first_steps(lr: float = 0.1, momentum: float = 0.9, curvature: float = 1.0,
                theta0: float = 1.0, steps: int = 6) -> FirstSteps:
    """Run ``steps`` updates of Algorithm 8.2 by hand on J(θ) = ½ λ θ².

    Uses :func:`coursekit.optimizers.momentum` ``init``/``update``: at update
    k the gradient is g = λ θ_{k−1}, then v_k = α v_{k−1} − ε g (eq. 8.15)
    and θ_k = θ_{k−1} + v_k (eq. 8.16).

    >>> r = first_steps(lr=0.1, momentum=0.9, steps=2)
    >>> [round(float(x), 6) for x in r.velocity], [round(float(x), 6) for x in r.theta]
    ([0.0, -0.1, -0.18], [1.0, 0.9, 0.72])
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    curvature = check_scalar("curvature", curvature, 0.0)
    theta0 = check_scalar("theta0", theta0)
    steps = check_int("steps", steps, low=1, high=1000)
    opt = momentum_optimizer(lr, momentum)
    theta = np.array([theta0])
    state = opt.init(theta)
    grads, velocities, thetas = [np.nan], [0.0], [theta0]
    for _ in range(steps):
        grad = curvature * theta
        theta, state = opt.update(theta, state, grad)
        grads.append(float(grad[0]))
        velocities.append(float(state.velocity[0]))
        thetas.append(float(theta[0]))
    return FirstSteps(np.arange(steps + 1), np.array(grads), np.array(velocities),
                      np.array(thetas), lr, momentum, curvature)


# --------------------------------------------------------------------------
# C12: terminal velocity under a constant gradient
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TerminalVelocity:
    """‖v_k‖ of momentum under a constant gradient g, for several α (eq. 8.17).

    k : (R,)                   iterations 0..steps
    momenta : (A,)             α values
    ratio : (R, A)             ‖v_k‖(1 − α)/(ε‖g‖), measured
    predicted : (R, A)         1 − α^k
    max_error : float          max |ratio − predicted|
    speedup : (A,)             ‖v_K‖/(ε‖g‖) at the last step: → 1/(1 − α)
    steps_to_99 : (A,) int     first k with ratio ≥ 0.99 (from then on)
    steps_to_99_theory : (A,)  ⌈ln 0.01 / ln α⌉
    """

    k: np.ndarray
    momenta: np.ndarray
    ratio: np.ndarray
    predicted: np.ndarray
    max_error: float
    speedup: np.ndarray
    steps_to_99: np.ndarray
    steps_to_99_theory: np.ndarray
    lr: float
    grad_norm: float


def terminal_velocity(momenta=(0.5, 0.9, 0.99), lr: float = 0.01, gradient=(3.0, 4.0),
                      steps: int = 1000) -> TerminalVelocity:
    """Run Algorithm 8.2 on a linear cost, one trajectory per α.

    Under a constant g, v_k = −ε g (1 + α + ... + α^(k−1)) = −ε g (1 − α^k)/(1 − α),
    so the speed ‖v_k‖ tends to the terminal velocity ε‖g‖/(1 − α) (eq. 8.17).
    """
    momenta = check_interval("momenta", momenta, 0.0, 1.0, high_open=True)
    if momenta.ndim != 1 or momenta.size == 0:
        raise ValueError(f"momenta must be a non-empty 1-D sequence, got shape {momenta.shape}")
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    steps = check_int("steps", steps, low=1)
    problem = LinearCost(gradient)
    g_norm = float(np.linalg.norm(problem.gradient))
    if g_norm == 0.0:
        raise ValueError("gradient must be non-zero, got the zero vector")
    result = run(problem, momentum_optimizer(lr, momenta), np.zeros(problem.dim), steps)
    ratio = result.speed * (1.0 - momenta) / (lr * g_norm)
    k = result.steps
    predicted = 1.0 - momenta ** k[:, None].astype(float)
    reached = steps_to_tolerance(k, 1.0 - ratio, 0.01)
    return TerminalVelocity(
        k=k,
        momenta=momenta,
        ratio=ratio,
        predicted=predicted,
        max_error=float(np.max(np.abs(ratio - predicted))),
        speedup=result.speed[-1] / (lr * g_norm),
        steps_to_99=np.asarray(reached),
        steps_to_99_theory=np.ceil(np.log(0.01) / np.log(momenta)).astype(np.int64),
        lr=lr,
        grad_norm=g_norm,
    )


# --------------------------------------------------------------------------
# C13: the canyon of Figure 8.5
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CanyonRace:
    """Gradient descent and momentum on the canyon (Figure 8.5).

    problem : the canyon Quadratic;  steps : (R,)
    gd_path, momentum_path : (R, 2)     θ_k
    gd_excess, momentum_excess : (R,)   J(θ_k) − J*
    gd_steps, momentum_steps : int      iterations until J − J* stays ≤ tol (−1: never)
    ratio : float                       gd_steps / momentum_steps
    gd_rate, momentum_rate : float      theoretical ρ of each setting
    """

    problem: Quadratic
    steps: np.ndarray
    gd_path: np.ndarray
    momentum_path: np.ndarray
    gd_excess: np.ndarray
    momentum_excess: np.ndarray
    gd_steps: int
    momentum_steps: int
    ratio: float
    gd_lr: float
    lr: float
    momentum: float
    tol: float
    gd_rate: float
    momentum_rate: float


def canyon_race(condition_number: float = 50.0, lr: float | None = None, momentum: float | None = None,
                theta0=(-10.0, 1.0), steps: int = 300, tol: float = 1e-6) -> CanyonRace:
    """Gradient descent and momentum from θ_0 on J(θ) = ½(θ₁² + κ θ₂²), with the same ε.

    The only difference between the two runs is α, as in Figure 8.5. By
    default ε = 2/(L + μ), gradient descent's best constant step, which
    makes it zig-zag across the canyon (1 − εL ≈ −1), and α = (1 − √(εμ))²
    critically damps the flat direction along the canyon, the best α for
    that ε (:func:`coursekit.momentum_theory.critical_momentum`). Both run
    in one batched call (gradient descent is Algorithm 8.2 with α = 0).

    >>> r = canyon_race(steps=60)
    >>> r.gd_steps, r.momentum_steps   # −1: not within tol after 60 steps
    (-1, 52)
    """
    problem = canyon(condition_number)
    mu, L = problem.mu, problem.L
    lr = theory.gd_optimal_parameters(mu, L)[0] if lr is None else check_scalar("lr", lr, 0.0, low_open=True)
    if momentum is None:
        if not lr * mu < 4.0:
            raise ValueError(f"lr must be < 4/mu = {4.0 / mu:g} to default momentum to critical damping, got {lr:g}")
        momentum = theory.critical_momentum(lr, mu)
    else:
        momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    gd_lr = lr
    theta0 = check_params_vector("theta0", theta0, 2)
    if theta0.ndim != 1:
        raise ValueError(f"theta0 must have shape (2,), got shape {theta0.shape}")
    steps = check_int("steps", steps, low=1)
    tol = check_scalar("tol", tol, 0.0, low_open=True)

    opt = momentum_optimizer(np.array([gd_lr, lr]), np.array([0.0, momentum]))
    result = run(problem, opt, theta0, steps, keep_path=True)
    excess = result.loss - problem.min_loss
    hit = steps_to_tolerance(result.steps, excess, tol)
    gd_steps, m_steps = int(hit[0]), int(hit[1])
    ratio = gd_steps / m_steps if gd_steps > 0 and m_steps > 0 else float("nan")
    return CanyonRace(
        problem=problem,
        steps=result.steps,
        gd_path=result.theta[:, 0],
        momentum_path=result.theta[:, 1],
        gd_excess=excess[:, 0],
        momentum_excess=excess[:, 1],
        gd_steps=gd_steps,
        momentum_steps=m_steps,
        ratio=float(ratio),
        gd_lr=gd_lr,
        lr=lr,
        momentum=momentum,
        tol=tol,
        gd_rate=float(theory.spectrum_rate(gd_lr, 0.0, mu, L)),
        momentum_rate=float(theory.spectrum_rate(lr, momentum, mu, L)),
    )


# --------------------------------------------------------------------------
# The (ε, α) rate map
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RateMap:
    """ρ over a grid of ε·L (x) and α (y) for μ = L/κ (module momentum_theory).

    lr_L : (X,) ε·L;  momenta : (Y,) α;  rate : (Y, X) max(ρ(μ), ρ(L))
    best_lr_L, best_momentum, best_rate : the optimum (Polyak, 1964)
    gd_lr_L, gd_rate : gradient descent's optimum (α = 0)
    boundary_momenta, boundary_lr_L : the stability boundary ε·L = 2 + 2α
    """

    condition_number: float
    lr_L: np.ndarray
    momenta: np.ndarray
    rate: np.ndarray
    best_lr_L: float
    best_momentum: float
    best_rate: float
    gd_lr_L: float
    gd_rate: float
    boundary_momenta: np.ndarray
    boundary_lr_L: np.ndarray


def rate_map(condition_number: float = 100.0, n_lr: int = 241, n_momentum: int = 200,
             max_lr_L: float = 4.0) -> RateMap:
    """The heavy-ball rate over (ε, α) for a spectrum [1/κ, 1] (so ε·L = ε).

    A closed-form computation (no runs): :func:`coursekit.momentum_theory.spectrum_rate`
    on the grid, in one vectorized call.
    """
    kappa = check_scalar("condition_number", condition_number, 1.0)
    n_lr = check_int("n_lr", n_lr, low=2)
    n_momentum = check_int("n_momentum", n_momentum, low=2)
    max_lr_L = check_scalar("max_lr_L", max_lr_L, 0.0, low_open=True)
    L, mu = 1.0, 1.0 / kappa
    lr_L = np.linspace(max_lr_L / n_lr, max_lr_L, n_lr)
    momenta = np.linspace(0.0, 0.995, n_momentum)
    rate = theory.spectrum_rate(lr_L[None, :] / L, momenta[:, None], mu, L)
    best_lr, best_alpha, best_rate = theory.optimal_parameters(mu, L)
    gd_lr, gd_rate = theory.gd_optimal_parameters(mu, L)
    return RateMap(
        condition_number=kappa,
        lr_L=lr_L,
        momenta=momenta,
        rate=rate,
        best_lr_L=best_lr * L,
        best_momentum=best_alpha,
        best_rate=best_rate,
        gd_lr_L=gd_lr * L,
        gd_rate=gd_rate,
        boundary_momenta=momenta,
        boundary_lr_L=theory.max_stable_lr(momenta, L) * L,
    )


# --------------------------------------------------------------------------
# Measured rates against theory
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasuredRates:
    """Per κ: measured and theoretical rates of GD (ε = 2/(L+μ)) and tuned momentum.

    condition_numbers : (C,)
    gd_measured, gd_theory, momentum_measured, momentum_theory : (C,)
    relative_error_gd, relative_error_momentum : (C,)  |measured/theory − 1|
    iterations_ratio_theory : (C,)   ln ρ_momentum / ln ρ_GD: how many times fewer
                                     iterations momentum needs per factor of error
    curves : tuple of (steps, excess (R, 2)) per κ, column 0 GD, column 1 momentum
    """

    condition_numbers: np.ndarray
    gd_measured: np.ndarray
    gd_theory: np.ndarray
    momentum_measured: np.ndarray
    momentum_theory: np.ndarray
    relative_error_gd: np.ndarray
    relative_error_momentum: np.ndarray
    iterations_ratio_theory: np.ndarray
    dim: int
    curves: tuple

    def table(self) -> str:
        """Fixed-precision text, one row per κ."""
        lines = [f"{'κ':>6} {'GD measured':>12} {'GD theory':>10} {'HB measured':>12} {'HB theory':>10} {'speed-up':>9}"]
        for i, kappa in enumerate(self.condition_numbers):
            lines.append(
                f"{kappa:>6.0f} {self.gd_measured[i]:>12.4f} {self.gd_theory[i]:>10.4f} "
                f"{self.momentum_measured[i]:>12.4f} {self.momentum_theory[i]:>10.4f} "
                f"{self.iterations_ratio_theory[i]:>8.1f}×"
            )
        return "\n".join(lines)


def measured_rates(condition_numbers=(10.0, 100.0, 1000.0), dim: int = 10, e_folds: float = 200.0,
                   seed: int = 0) -> MeasuredRates:
    """Measure the per-step rate of GD and tuned momentum on rotated quadratics.

    For each κ: a quadratic with Hessian spectrum geomspace(1, κ, d) and a
    Haar-random rotation (:func:`coursekit.problems.quadratic_with_spectrum`),
    θ_0 ~ N(0, I). Gradient descent (ε = 2/(L+μ)) and momentum (ε*, α*) run
    in one batched call for K = ⌈e_folds / (−ln ρ*)⌉ steps. The excess loss
    contracts like ρ² per step, so the measured ρ is the square root of
    :func:`coursekit.analysis.geometric_rate` fitted on k in [K/2, K]. The
    tuned momentum has a double eigenvalue in its extreme directions
    (critical damping), so its error decays like k ρ^k: fitting late keeps
    the k factor's bias small (about 1/k per step).
    """
    kappas = check_interval("condition_numbers", condition_numbers, 1.0, np.inf, low_open=True, high_open=True)
    if kappas.ndim != 1 or kappas.size == 0:
        raise ValueError(f"condition_numbers must be a non-empty 1-D sequence, got shape {kappas.shape}")
    dim = check_int("dim", dim, low=2)
    e_folds = check_scalar("e_folds", e_folds, 1.0, 300.0)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    out = {key: [] for key in ("gd_m", "gd_t", "hb_m", "hb_t", "ratio")}
    curves = []
    for kappa in kappas:  # one problem per κ: the runner batches settings, not problems
        problem = quadratic_with_spectrum(np.geomspace(1.0, kappa, dim), rng=rng)
        theta0 = rng.standard_normal(dim)
        gd_lr, gd_rate = theory.gd_optimal_parameters(problem.mu, problem.L)
        lr, alpha, rate = theory.optimal_parameters(problem.mu, problem.L)
        steps = int(np.ceil(e_folds / -np.log(rate)))
        result = run(problem, momentum_optimizer(np.array([gd_lr, lr]), np.array([0.0, alpha])),
                     theta0, steps)
        excess = result.loss - problem.min_loss
        measured = np.sqrt(geometric_rate(excess, steps // 2, steps, steps=result.steps))
        out["gd_m"].append(measured[0])
        out["gd_t"].append(gd_rate)
        out["hb_m"].append(measured[1])
        out["hb_t"].append(rate)
        # Iterations per factor e of error are 1/(−ln ρ): GD needs ln ρ*/ln ρ_GD times more.
        out["ratio"].append(np.log(rate) / np.log(gd_rate))
        curves.append((result.steps, excess))
    arr = {key: np.array(val) for key, val in out.items()}
    return MeasuredRates(
        condition_numbers=kappas,
        gd_measured=arr["gd_m"],
        gd_theory=arr["gd_t"],
        momentum_measured=arr["hb_m"],
        momentum_theory=arr["hb_t"],
        relative_error_gd=np.abs(arr["gd_m"] / arr["gd_t"] - 1.0),
        relative_error_momentum=np.abs(arr["hb_m"] / arr["hb_t"] - 1.0),
        iterations_ratio_theory=arr["ratio"],
        dim=dim,
        curves=tuple(curves),
    )


# --------------------------------------------------------------------------
# Damping of one direction
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DampingModes:
    """θ_k along one eigen-direction for α below, at and above critical damping.

    steps : (R,);  theta : (R, 3) the coordinate θ_k (θ* = 0);  momenta : (3,)
    labels : ("over-damped", "critically damped", "under-damped");  rate_theory : (3,) ρ(T)
    rate_measured : (3,) from |θ_k| on the fitted window
    """

    steps: np.ndarray
    theta: np.ndarray
    momenta: np.ndarray
    labels: tuple
    rate_theory: np.ndarray
    rate_measured: np.ndarray
    lr: float
    curvature: float


def damping_modes(lr: float = 0.1, curvature: float = 1.0, over: float = 0.1, under: float = 0.9,
                  steps: int = 60) -> DampingModes:
    """One direction J = ½ λ θ² with α over-damped, critical (1 − √(ελ))², under-damped.

    The measured rate is fitted on the envelope max_{j ≥ k} |θ_j| over k in
    [steps/2, steps]: an under-damped θ_k crosses zero, so |θ_k| itself is
    not a clean geometric sequence.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    curvature = check_scalar("curvature", curvature, 0.0, low_open=True)
    if not lr * curvature < 1.0:
        raise ValueError(f"lr * curvature must be < 1 for an over-damped mode to exist, got {lr * curvature:g}")
    critical = theory.critical_momentum(lr, curvature)
    over = check_scalar("over", over, 0.0, critical, high_open=True)
    under = check_scalar("under", under, critical, 1.0, low_open=True, high_open=True)
    steps = check_int("steps", steps, low=6)
    momenta = np.array([over, critical, under])
    result = run(Quadratic([curvature]), momentum_optimizer(lr, momenta), np.ones(1), steps, keep_path=True)
    theta = result.theta[..., 0]
    envelope = np.maximum.accumulate(np.abs(theta)[::-1], axis=0)[::-1]
    measured = geometric_rate(envelope, steps // 2, steps, steps=result.steps)
    return DampingModes(
        steps=result.steps,
        theta=theta,
        momenta=momenta,
        labels=("over-damped", "critically damped", "under-damped"),
        rate_theory=np.asarray(theory.spectral_radius(lr, momenta, curvature)),
        rate_measured=np.asarray(measured),
        lr=lr,
        curvature=curvature,
    )


# --------------------------------------------------------------------------
# C14: momentum schedules against a shrinking ε
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MomentumSchedules:
    """SGD with momentum on a noisy quadratic under four schedule settings.

    labels : (4,) str;  steps : (R,)
    lr_values, momentum_values : (R, 4)   ε_k and α_k
    excess : (R, 4)                       J(θ_k) − J*, mean over repeats
    final : (4,)                          mean of the last 10% of records, mean over repeats
    final_se : (4,)                       its standard error over repeats
    """

    labels: tuple
    steps: np.ndarray
    lr_values: np.ndarray
    momentum_values: np.ndarray
    excess: np.ndarray
    final: np.ndarray
    final_se: np.ndarray
    repeats: int

    def table(self) -> str:
        """Final excess loss per setting, fixed precision."""
        width = max(len(label) for label in self.labels)
        lines = [f"{'setting':<{width}}  final J − J*  (± s.e.)"]
        for label, value, se in zip(self.labels, self.final, self.final_se):
            lines.append(f"{label:<{width}}  {value:.3e}  (± {se:.1e})")
        return "\n".join(lines)


def momentum_schedules(lr: float = 0.05, momentum: float = 0.9, momentum_start: float = 0.5,
                       momentum_end: float = 0.99, tau: int = 1000, steps: int = 3000,
                       dim: int = 20, condition_number: float = 100.0, noise: float = 0.3,
                       batch_size: int = 1, repeats: int = 16, seed: int = 0) -> MomentumSchedules:
    """Compare schedules of α and ε for SGD with momentum (claim C14).

    The problem is a noisy quadratic (spectrum geomspace(1/κ, 1, d), gradient
    noise σ/√m per coordinate, :class:`coursekit.problems.Quadratic`). The
    four settings run as one batch, each schedule being eq. 8.14's linear
    schedule with array parameters:

    1. constant ε, constant α;
    2. constant ε, α raised linearly from ``momentum_start`` to
       ``momentum_end`` over τ updates;
    3. ε shrunk linearly to 1% of itself over τ updates (eq. 8.14), constant α;
    4. both: ε shrunk and α raised.
    """
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    for name, value in (("momentum", momentum), ("momentum_start", momentum_start), ("momentum_end", momentum_end)):
        check_scalar(name, value, 0.0, 1.0, high_open=True)
    tau = check_int("tau", tau, low=1)
    steps = check_int("steps", steps, low=10)
    dim = check_int("dim", dim, low=1)
    kappa = check_scalar("condition_number", condition_number, 1.0)
    noise = check_scalar("noise", noise, 0.0, low_open=True)
    batch_size = check_int("batch_size", batch_size, low=1)
    repeats = check_int("repeats", repeats, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)

    problem = quadratic_with_spectrum(np.geomspace(1.0 / kappa, 1.0, dim), rng=rng, noise=noise)
    lr_end = np.array([lr, lr, 0.01 * lr, 0.01 * lr])
    alpha0 = np.array([momentum, momentum_start, momentum, momentum_start])
    alpha_end = np.array([momentum, momentum_end, momentum, momentum_end])
    lr_schedule = linear_decay(np.full(4, lr), lr_end, tau)
    alpha_schedule = linear_decay(alpha0, alpha_end, tau)
    theta0 = np.full(dim, 1.0)
    result = run(problem, momentum_optimizer(lr_schedule, alpha_schedule), theta0, steps,
                 batch_size=batch_size, rng=check_rng(rng), repeats=repeats, record_every=10)
    excess = result.loss - problem.min_loss  # (R, repeats, 4)
    per_run = tail_mean(excess, fraction=0.1)  # (repeats, 4)
    ks = np.maximum(result.steps, 1)[:, None]
    labels = (
        f"constant ε, constant α = {momentum:g}",
        f"constant ε, α {momentum_start:g} → {momentum_end:g}",
        f"ε → 1% of ε, constant α = {momentum:g}",
        f"ε → 1% of ε, α {momentum_start:g} → {momentum_end:g}",
    )
    return MomentumSchedules(
        labels=labels,
        steps=result.steps,
        lr_values=lr_schedule(ks),
        momentum_values=alpha_schedule(ks),
        excess=excess.mean(axis=1),
        final=per_run.mean(axis=0),
        final_se=per_run.std(axis=0, ddof=1) / np.sqrt(repeats),
        repeats=repeats,
    )
