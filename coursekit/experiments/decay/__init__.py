"""Experiments of lecture 01: SGD and learning-rate decay (section 8.3.1).

Goodfellow, Bengio & Courville, *Deep Learning* (2016), §8.3.1,
Algorithm 8.1 and eqs. 8.12-8.14. One function per claim of the course,
one module per idea, all names importable from here:

- :mod:`.problems`: the problems the experiments run on,
  :func:`noisy_quadratic` (the lecture's model problem) and
  :func:`digits_problem` (softmax regression on the digits, with its J*);
- :mod:`.floor`: :func:`noise_floor` (claim C2), constant-ε SGD stalls at a
  noise floor that grows like ε for small ε (and blows up as ε → 2/λ_max),
  while batch gradient descent with the same ε converges; and
  :func:`interpolation_control` (the limit of claim C2), a least-squares
  problem whose labels have no noise has zero gradient noise at θ*, so
  constant-ε SGD converges there, for a small enough ε (ε max_i ‖x_i‖² < 2
  guarantees it; larger rates can diverge where batch GD still converges);
- :mod:`.averaging`: :func:`constant_lr_averaging` (the limit of "ε_k → 0
  is needed"), with a constant ε the *average* of the iterates still
  converges;
- :mod:`.robbins_monro`: :func:`robbins_monro_sums` and
  :func:`schedules_on_run` (claim C1), the Robbins–Monro conditions
  Σε_k = ∞ (eq. 8.12) and Σε_k² < ∞ (eq. 8.13), and what four schedules
  actually do on a run, each measurement beside its exact expectation
  (:func:`coursekit.experiments.rates.expected_excess`);
- :mod:`.linear`: :func:`linear_schedule_digits` (claim C3), the linear
  schedule of eq. 8.14 with the book's rules of thumb, on the real digits
  data;
- :mod:`.linear_condition`: :func:`linear_schedule_condition`, when
  decaying pays (eq. 8.14 keeps only about 0.4 of the travel, so the
  constant-ε0 run must reach its floor well inside the budget), with a late
  decay as control, every schedule tuned on the same ε0 grid, and a budget
  control (the same ε0, only τ and K scaled).

Every function is pure, takes an explicit ``seed`` and runs all its settings
and seeds as one batched call of :func:`coursekit.runner.run`.

>>> result = noise_floor(lrs=(0.05, 0.1, 0.2), steps=400, repeats=4)
>>> result.floor.shape, bool(result.gd_final.max() < 1e-10)
((3,), True)
"""

from __future__ import annotations

from .averaging import AveragingResult, constant_lr_averaging
from .floor import InterpolationResult, NoiseFloorResult, interpolation_control, noise_floor
from .linear import LinearScheduleResult, linear_schedule_digits
from .linear_condition import LinearConditionResult, linear_schedule_condition
from .problems import digits_problem, noisy_quadratic
from .robbins_monro import RobbinsMonroSums, ScheduleRunResult, robbins_monro_sums, schedules_on_run

__all__ = [
    "AveragingResult",
    "InterpolationResult",
    "LinearConditionResult",
    "LinearScheduleResult",
    "NoiseFloorResult",
    "RobbinsMonroSums",
    "ScheduleRunResult",
    "constant_lr_averaging",
    "digits_problem",
    "interpolation_control",
    "linear_schedule_condition",
    "linear_schedule_digits",
    "noise_floor",
    "noisy_quadratic",
    "robbins_monro_sums",
    "schedules_on_run",
]
