"""Batch gradients on a convex problem: O(1/k) against O(1/k²) (claim C20), and where
(k − 1)/(k + 2) comes from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import analysis, optimizers, schedules
from ..._validation import check_int, check_scalar
from ...problems import make_least_squares
from ...runner import run
from ._common import METHODS_BATCH

__all__ = ["BatchRates", "batch_rates", "nesterov_1983_momentum", "spectrum_control", "spectrum_control_bounds"]


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
    α_k = (k−1)/(k+2) gives O(1/k²) (the closed form of Tseng, 2008, of the
    sequence of Nesterov, 1983; see :func:`nesterov_1983_momentum`).
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


def nesterov_1983_momentum(steps: int) -> np.ndarray:
    """α_k = (t_k − 1)/t_{k+1}, k = 1..steps, with t_1 = 1, t_{k+1} = (1 + √(1 + 4 t_k²))/2.

    Nesterov's (1983) sequence; t_k ≈ (k + 1)/2, so α_k is only
    asymptotically the closed form (k − 1)/(k + 2) of
    :func:`coursekit.schedules.nesterov_momentum` (the form that follows from
    θ_k = 2/(k + 2) in Tseng, 2008, and that Su, Boyd & Candès, 2016, analyse).

    >>> nesterov_1983_momentum(3).round(4).tolist()
    [0.0, 0.2818, 0.434]
    """
    steps = check_int("steps", steps, low=1)
    t = np.empty(steps + 1)
    t[0] = 1.0
    for k in range(steps):  # a scalar recurrence: no closed form to vectorize
        t[k + 1] = (1.0 + np.sqrt(1.0 + 4.0 * t[k] ** 2)) / 2.0
    return (t[:-1] - 1.0) / t[1:]


def spectrum_control(dim: int = 300, condition_number: float = 1e10, error_power: float = -0.25,
                     steps: int = 3000, k_min: float = 1e2, k_max: float = 3e3) -> np.ndarray:
    """Log-log slopes of J(θ_k) − J* for GD, constant α = 0.9 and α_k = (k−1)/(k+2) on another spectrum.

    The control for :func:`batch_rates`: a diagonal quadratic ½ Σ λ_i θ_i² (J* = 0) with ``dim``
    eigenvalues spaced geometrically from 1 to 1/κ, but an error |θ_0,i| = λ_i^``error_power``
    instead of 1 along every direction. The O(1/k) and O(1/k²) of the book are upper bounds;
    the measured slopes depend on how the error spreads over the spectrum (here about −0.5,
    −0.5 and −1). Same ε = 1/L and methods (Algorithm 8.3 with α = 0 is gradient descent).
    """
    from ...problems import Quadratic

    dim = check_int("dim", dim, low=2)
    steps = check_int("steps", steps, low=10)
    eigenvalues = np.logspace(0.0, -np.log10(check_scalar("condition_number", condition_number, 1.0)), dim)
    theta0 = eigenvalues ** check_scalar("error_power", error_power, -1.0, 1.0)
    alphas = schedules.stack(schedules.constant(0.0), schedules.constant(0.9), schedules.nesterov_momentum())
    result = run(Quadratic(eigenvalues), optimizers.nesterov(1.0, alphas), theta0, steps, record_every=10)
    return analysis.loglog_slope(result.steps, result.loss, k_min, k_max)


def spectrum_control_bounds(dim: int = 300, condition_number: float = 1e10, error_power: float = -0.25,
                            steps: int = 3000) -> np.ndarray:
    """The values the bounds limit, on the control of :func:`spectrum_control`, at k = ``steps``.

    Returns [J_GD, L R²/(2k), J_Nesterov, 2 L R²/(k + 1)²] with R = ‖θ_0 − θ*‖ and L = 1:
    the standard bounds for ε = 1/L are J(θ_k) − J* ≤ L R²/(2k) for gradient descent and
    ≤ 2 L R²/(k + 1)² for Nesterov's method (Beck & Teboulle, 2009, SIAM J. Imaging Sci.,
    Thms 3.1 and 4.4, with f convex and L-smooth). They bound the value, not the slope.
    """
    from ...problems import Quadratic

    dim = check_int("dim", dim, low=2)
    steps = check_int("steps", steps, low=1)
    eigenvalues = np.logspace(0.0, -np.log10(check_scalar("condition_number", condition_number, 1.0)), dim)
    theta0 = eigenvalues ** check_scalar("error_power", error_power, -1.0, 1.0)
    alphas = schedules.stack(schedules.constant(0.0), schedules.nesterov_momentum())
    result = run(Quadratic(eigenvalues), optimizers.nesterov(1.0, alphas), theta0, steps, record_every=steps)
    final = np.asarray(result.loss)[-1]
    r2 = float(np.sum(theta0 ** 2))
    return np.array([final[0], r2 / (2 * steps), final[1], 2 * r2 / (steps + 1) ** 2])
