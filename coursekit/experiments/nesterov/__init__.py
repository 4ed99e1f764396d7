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
- :func:`strongly_convex`, :func:`heavy_ball_cycle_basin`: on a smooth
  strongly convex cost that is not quadratic (Lessard, Recht & Packard,
  2016), heavy ball at Polyak's setting cycles while Nesterov with a constant
  α converges at about 1 − 1/√κ; the quadratic with the same L, μ is the control.
- :func:`nesterov_1983_momentum`: Nesterov's t_k sequence against (k−1)/(k+2).
- :func:`bias_and_noise`, :func:`schedule_with_noise`: with noisy gradients,
  acceleration shrinks the bias term only (Lan, 2012); σ = 0 is the control;
  the increasing α_k keeps a constant effective step.
- :func:`convention_equivalence`, :func:`changing_lr`, :func:`alpha_fit`: the
  library forms of :mod:`coursekit.conventions` against the book's, step by
  step, and the best α per step under a changing rate.
"""

from __future__ import annotations

from .canyon import InterimPoints, canyon_runs, interim_points
from .convex import BatchRates, batch_rates, nesterov_1983_momentum, spectrum_control, spectrum_control_bounds
from .library import AlphaFit, ChangingLR, ConventionCheck, alpha_fit, changing_lr, convention_equivalence
from .stochastic import (
    BiasAndNoise,
    ScheduleWithNoise,
    StochasticRates,
    bias_and_noise,
    schedule_with_noise,
    stochastic_rates,
)
from .strongly_convex import StronglyConvex, heavy_ball_cycle_basin, strongly_convex

__all__ = [
    "AlphaFit",
    "BatchRates",
    "BiasAndNoise",
    "ChangingLR",
    "ConventionCheck",
    "InterimPoints",
    "ScheduleWithNoise",
    "StochasticRates",
    "StronglyConvex",
    "alpha_fit",
    "batch_rates",
    "bias_and_noise",
    "spectrum_control",
    "spectrum_control_bounds",
    "canyon_runs",
    "changing_lr",
    "convention_equivalence",
    "heavy_ball_cycle_basin",
    "interim_points",
    "nesterov_1983_momentum",
    "schedule_with_noise",
    "stochastic_rates",
    "strongly_convex",
]
