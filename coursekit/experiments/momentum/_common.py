"""The noisy quadratic shared by the schedule and noisy-gradient experiments, and its closed-form floor."""

from __future__ import annotations

import numpy as np

from ... import momentum_theory as theory
from ..._validation import check_int, check_scalar
from ...problems import quadratic_with_spectrum

__all__ = [
    "_closed_form_floor",
    "_noisy_problem",
]


# --------------------------------------------------------------------------
# Shared: the noisy quadratic of sections 5 and 6
# --------------------------------------------------------------------------


def _noisy_problem(dim, condition_number, noise, seed):
    """The quadratic with spectrum geomspace(1/κ, 1, d), a random rotation and gradient noise σ."""
    dim = check_int("dim", dim, low=1)
    kappa = check_scalar("condition_number", condition_number, 1.0)
    noise = check_scalar("noise", noise, 0.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    problem = quadratic_with_spectrum(np.geomspace(1.0 / kappa, 1.0, dim), rng=rng, noise=noise)
    return problem, rng


def _closed_form_floor(problem, lr, momentum, batch_size):
    """Σ_i E[½ λ_i x_i²] at stationarity (momentum_theory.stationary_excess), per setting."""
    lr, momentum = np.broadcast_arrays(np.asarray(lr, float), np.asarray(momentum, float))
    floors = theory.stationary_excess(lr[..., None], momentum[..., None], problem.eigenvalues[None, :],
                                      problem.noise**2 / batch_size)
    return np.sum(floors, axis=-1)
