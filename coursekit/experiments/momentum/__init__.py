"""Experiments of the momentum lecture (section 8.3.2, Algorithm 8.2, Figure 8.5).

One module per idea (:mod:`.update`, :mod:`.canyon`, :mod:`.rates`,
:mod:`.schedules`, :mod:`.noise`); every name is importable from here.

- :func:`first_steps`: a few momentum updates written out (claim C11).
- :func:`terminal_velocity`: ‖v_k‖ under a constant gradient (eq. 8.17, claim C12).
- :func:`canyon_race`: gradient descent against momentum on the canyon of
  Figure 8.5 (claim C13).
- :func:`rate_map`: the theoretical rate over a grid of (ε, α) for one κ.
- :func:`measured_rates`: measured against theoretical rates for several κ.
- :func:`damping_modes`: one direction under-, critically and over-damped.
- :func:`root_cases`: real positive, real negative and complex roots of the
  2 × 2 iteration, with the paths they produce.
- :func:`momentum_schedules`: α ramps against constant α at the same final
  α, and both against shrinking ε, on a noisy problem (claim C14).
- :func:`schedule_robustness`: the same comparison over problem seeds and
  budgets, with the noise-free residual as the control.
- :func:`noisy_gradients`: momentum against SGD with noisy gradients, at the
  same ε and at the same effective step ε/(1 − α).
- :func:`tuned_noisy_gradients`: the best SGD against the best momentum on a
  shared grid, per noise level and budget; :func:`tuned_gain_over_seeds`
  repeats it over problem seeds.
- :func:`alpha_decay`: lowering α at constant ε against shrinking ε.

Every function runs on :func:`coursekit.runner.run` (batched over the
settings) and returns a frozen dataclass with the arrays to plot and the
measured numbers. The keyword defaults are the settings the lecture runs.
"""

from .canyon import CanyonRace, canyon_race
from .noise import (
    NoisyGradients,
    TunedGainOverSeeds,
    TunedNoisyGradients,
    noisy_gradients,
    tuned_gain_over_seeds,
    tuned_noisy_gradients,
)
from .rates import (
    DampingModes,
    MeasuredRates,
    RateMap,
    RootCases,
    damping_modes,
    measured_rates,
    rate_map,
    root_cases,
)
from .schedules import (
    AlphaDecay,
    MomentumSchedules,
    ScheduleRobustness,
    alpha_decay,
    momentum_schedules,
    schedule_robustness,
)
from .update import FirstSteps, TerminalVelocity, first_steps, terminal_velocity

__all__ = [
    "AlphaDecay",
    "CanyonRace",
    "DampingModes",
    "FirstSteps",
    "MeasuredRates",
    "MomentumSchedules",
    "NoisyGradients",
    "RateMap",
    "RootCases",
    "ScheduleRobustness",
    "TerminalVelocity",
    "TunedGainOverSeeds",
    "TunedNoisyGradients",
    "alpha_decay",
    "canyon_race",
    "damping_modes",
    "first_steps",
    "measured_rates",
    "momentum_schedules",
    "noisy_gradients",
    "rate_map",
    "root_cases",
    "schedule_robustness",
    "terminal_velocity",
    "tuned_gain_over_seeds",
    "tuned_noisy_gradients",
]
