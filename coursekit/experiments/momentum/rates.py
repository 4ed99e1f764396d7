"""The heavy ball on a quadratic: the (ε, α) rate map, measured rates, damping and the sign of the roots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import momentum_theory as theory
from ..._validation import check_int, check_interval, check_scalar
from ...analysis import geometric_rate
from ...optimizers import momentum as momentum_optimizer
from ...problems import Quadratic, quadratic_with_spectrum
from ...runner import run

__all__ = [
    "DampingModes",
    "MeasuredRates",
    "RateMap",
    "RootCases",
    "damping_modes",
    "measured_rates",
    "rate_map",
    "root_cases",
]


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
        lines = [f"{'κ':>6} {'GD measured':>12} {'GD theory':>10} {'HB measured':>12} {'HB theory':>10} "
                 f"{'speed-up (theory)':>18}"]
        for i, kappa in enumerate(self.condition_numbers):
            lines.append(
                f"{kappa:>6.0f} {self.gd_measured[i]:>12.4f} {self.gd_theory[i]:>10.4f} "
                f"{self.momentum_measured[i]:>12.4f} {self.momentum_theory[i]:>10.4f} "
                f"{self.iterations_ratio_theory[i]:>17.1f}×"
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
# The sign of the roots: creeping, alternating, oscillating
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RootCases:
    """One eigen-direction J = ½ λ x² under several (ελ, α): roots of T and the path x_k.

    labels : (C,) str;  step : (C,) ελ;  momenta : (C,) α
    roots : (C, 2) complex   eigenvalues of T (momentum_theory.roots)
    kinds : (C,) str         "complex", "real positive" or "real negative"
    steps : (R,);  theta : (R, C)   x_k from x_0 = 1, v_0 = 0
    sign_changes : (C,) int  sign changes of x_k over the run
    peak, peak_at : (C,)     max_k |x_k| and the k where it is reached (a double root gives
                             x_k ~ k ρ^k, which can first grow above |x_0| = 1)
    """

    labels: tuple
    step: np.ndarray
    momenta: np.ndarray
    roots: np.ndarray
    kinds: tuple
    steps: np.ndarray
    theta: np.ndarray
    sign_changes: np.ndarray
    peak: np.ndarray
    peak_at: np.ndarray

    def envelope_above_until(self, i: int, j: int) -> int:
        """The first k from which case i's envelope max_{k' ≥ k} |x_k'| is below case j's (-1: never)."""
        envelope = np.maximum.accumulate(np.abs(self.theta[::-1]), axis=0)[::-1]
        below = envelope[:, i] < envelope[:, j]
        # Below from k on for good: every later record is below too.
        later = np.logical_and.accumulate(below[::-1])[::-1]
        return int(self.steps[np.argmax(later)]) if later.any() else -1

    def table(self) -> str:
        """One row per case: ελ, α, the two roots, their kind, sign changes of x_k."""
        width = max(len(label) for label in self.labels)

        def show(z):
            # A double root computed in floating point may carry an imaginary part of ~1e-8.
            return f"{z.real:+.4f}" if abs(z.imag) < 1e-6 else f"{z.real:+.4f}{z.imag:+.4f}i"

        lines = [f"{'case':<{width}}  {'ελ':>6}  {'α':>6}  {'roots of T':<27}  {'kind':<13}  sign changes"]
        for i, label in enumerate(self.labels):
            pair = f"{show(self.roots[i, 0])}, {show(self.roots[i, 1])}"
            lines.append(f"{label:<{width}}  {self.step[i]:>6.4f}  {self.momenta[i]:>6.4f}  {pair:<27}  "
                         f"{self.kinds[i]:<13}  {int(self.sign_changes[i]):>3d} of {int(self.steps[-1])}")
        return "\n".join(lines)


def root_cases(condition_number: float = 100.0, canyon_condition: float | None = None, steps: int = 30) -> RootCases:
    """Real positive, real negative and complex roots of T(ε, α, λ) (module momentum_theory).

    The cases: Polyak's optimum for κ = ``condition_number`` in its flattest
    (ελ = ε*μ, double root +ρ*) and steepest direction (ε*L, double root −ρ*);
    gradient descent (α = 0) at its optimum ε = 2/(L + μ) for κ =
    ``canyon_condition`` (default: the same κ, so that the two optima are
    compared on one problem) in its steepest direction (root 1 − εL < 0); an over-damped α = 0.1 and an
    under-damped α = 0.9 at ελ = 0.1. Each runs Algorithm 8.2 on one
    direction from x_0 = 1 (one batched run: only the product ελ matters).
    """
    kappa = check_scalar("condition_number", condition_number, 1.0, low_open=True)
    canyon_kappa = kappa if canyon_condition is None else check_scalar("canyon_condition", canyon_condition, 1.0,
                                                                        low_open=True)
    steps = check_int("steps", steps, low=2, high=10_000)
    lr, alpha, _ = theory.optimal_parameters(1.0, kappa)
    gd_lr = theory.gd_optimal_parameters(1.0, canyon_kappa)[0]
    labels = (
        f"Polyak κ = {kappa:g}, flattest direction",
        f"Polyak κ = {kappa:g}, steepest direction",
        f"GD at its optimum κ = {canyon_kappa:g}, steepest",
        "over-damped, ελ = 0.1, α = 0.1",
        "under-damped, ελ = 0.1, α = 0.9",
    )
    step = np.array([lr, lr * kappa, gd_lr * canyon_kappa, 0.1, 0.1])
    momenta = np.array([alpha, alpha, 0.0, 0.1, 0.9])
    result = run(Quadratic([1.0]), momentum_optimizer(step, momenta), np.ones(1), steps, keep_path=True)
    theta = result.theta[..., 0]
    return RootCases(
        labels=labels,
        step=step,
        momenta=momenta,
        roots=theory.roots(step, momenta, 1.0),
        kinds=tuple(theory.root_kind(s, a, 1.0, atol=1e-9) for s, a in zip(step, momenta)),
        steps=result.steps,
        theta=theta,
        sign_changes=np.sum(np.sign(theta[1:]) != np.sign(theta[:-1]), axis=0),
        peak=np.max(np.abs(theta), axis=0),
        peak_at=result.steps[np.argmax(np.abs(theta), axis=0)],
    )
