"""Figure 8.5: gradient descent against momentum on the canyon, with the same ε (claim C13)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import momentum_theory as theory
from ..._validation import check_int, check_params_vector, check_scalar
from ...analysis import geometric_rate, steps_to_tolerance
from ...optimizers import momentum as momentum_optimizer
from ...problems import Quadratic, canyon
from ...runner import run

__all__ = [
    "CanyonRace",
    "canyon_race",
]


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
    window : int                        the first steps read below
    gd_sign_changes, momentum_sign_changes : int   sign changes of θ₂ (across) in the window
    gd_across_shrink, momentum_across_shrink : float
        per-step factor fitted to the envelope max_{j ≥ k} |θ₂_j| over the window
    momentum_along_monotone : bool      θ₁ (along) never moves backwards
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
    window: int
    gd_sign_changes: int
    momentum_sign_changes: int
    gd_across_shrink: float
    momentum_across_shrink: float
    momentum_along_monotone: bool


def _sign_changes(values: np.ndarray) -> int:
    return int(np.sum(np.sign(values[1:]) != np.sign(values[:-1])))


def _envelope_rate(values: np.ndarray, steps: np.ndarray) -> float:
    """Per-step factor of max_{j ≥ k} |values_j|: an oscillating sequence's amplitude."""
    if not np.all(np.isfinite(values)):
        return float("nan")  # a diverged path has no shrink factor
    envelope = np.maximum.accumulate(np.abs(values)[::-1])[::-1]
    keep = envelope > 0.0  # the envelope is non-increasing: zeros only at the end
    if keep.sum() < 2:
        return 0.0  # exactly 0 after one step (e.g. gradient descent with ελ = 1)
    return float(geometric_rate(envelope[keep], int(steps[keep][0]), int(steps[keep][-1]), steps=steps[keep]))


def canyon_race(condition_number: float = 50.0, lr: float | None = None, momentum: float | None = None,
                theta0=(-10.0, 1.0), steps: int = 300, tol: float = 1e-6, window: int | None = None) -> CanyonRace:
    """Gradient descent and momentum from θ_0 on J(θ) = ½(θ₁² + κ θ₂²), with the same ε.

    The only difference between the two runs is α, as in Figure 8.5. By
    default ε = 2/(L + μ), gradient descent's best constant step, which
    makes it zig-zag across the canyon (1 − εL ≈ −1), and α = (1 − √(εμ))²
    critically damps the flat direction along the canyon, the best α for
    that ε (:func:`coursekit.momentum_theory.critical_momentum`). Both run
    in one batched call (gradient descent is Algorithm 8.2 with α = 0).
    The sign changes and the shrink factor of θ₂ (across) are read over the
    first ``window`` steps (default: 60, or the whole run if shorter).

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
    # The first 60 steps (or all of a shorter run) are where the swings are visible.
    window = min(60, steps) if window is None else check_int("window", window, low=1, high=steps)
    rows = slice(0, window + 1)
    gd_path, m_path = result.theta[:, 0], result.theta[:, 1]
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
        window=window,
        gd_sign_changes=_sign_changes(gd_path[rows, 1]),
        momentum_sign_changes=_sign_changes(m_path[rows, 1]),
        gd_across_shrink=_envelope_rate(gd_path[rows, 1], result.steps[rows]),
        momentum_across_shrink=_envelope_rate(m_path[rows, 1], result.steps[rows]),
        momentum_along_monotone=bool(np.all(np.sign(np.diff(m_path[:, 0])) * np.sign(-theta0[0]) >= 0)),
    )
