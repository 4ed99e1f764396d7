"""Checks for the graded exercises: ``checks.momentum_step(momentum_step)``.

Each check runs a battery of cases against a function the student wrote:
typical values, edge cases, arrays, unchanged inputs, types and shapes. It
stops at the first wrong answer with a :class:`CheckFailed` that shows the
call, the expected and the returned value and a hint, and names the mistake
when it recognises a common one. When all cases pass it prints one line.

One module per lecture (``decay`` for lecture 01, ... ``initialization``
for lecture 07); every check is also reachable from here.
"""

from __future__ import annotations

from ._core import CheckFailed
from .decay import linear_schedule, robbins_monro_power
from .initialization import glorot_uniform, orthogonal, sparse
from .momentum import momentum_step, optimal_heavy_ball, terminal_velocity_steps
from .nesterov import nesterov_schedule, nesterov_step, nesterov_to_library
from .physics import dry_friction_rest_point, euler_step, particle_from_momentum
from .rates import loglog_slope, updates_within_budget
from .tuning import best_learning_rate, practical_rule

__all__ = [
    "CheckFailed",
    "linear_schedule",
    "robbins_monro_power",
    "best_learning_rate",
    "practical_rule",
    "loglog_slope",
    "updates_within_budget",
    "momentum_step",
    "optimal_heavy_ball",
    "terminal_velocity_steps",
    "dry_friction_rest_point",
    "euler_step",
    "particle_from_momentum",
    "nesterov_schedule",
    "nesterov_step",
    "nesterov_to_library",
    "glorot_uniform",
    "orthogonal",
    "sparse",
]
