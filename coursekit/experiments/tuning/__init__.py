"""Choosing the initial learning rate ε_0 (book section 8.3.1, claims C4 and C5).

Experiments on the real digits data (softmax regression, eq. 6.29, on
:func:`coursekit.data.digits_split`), all run on the batched runner. One
module per idea, all names importable from here:

- :mod:`.problems`: the digits costs and their J*, and
  :func:`largest_curvature`, L, the largest eigenvalue of the Hessian, so that
  rates on different costs can be compared at the same ε·L.
- :mod:`.curves`: :func:`learning_rate_curves` (C4), learning curves of SGD
  (Algorithm 8.1) for a too small, a good and a too large constant ε. It
  measures how far each run got, whether the cost *rose* (split into the data
  term and the weight-decay penalty), how often it went up, and the curvature
  L at θ_0 that puts rates on different costs on the same scale ε·L.
- :mod:`.too_small`: :func:`too_small_run` (C4), the linear schedule of
  eq. 8.14 with a too small ε_0 run long past τ, against the same schedule
  with a good ε_0 and the same small ε_0 kept constant: what "stuck with a
  high cost" means on this convex cost; with its controls
  :func:`noise_floor` (SGD started at θ*: the minibatch noise alone) and
  :func:`decayed_final_ratio` (one run of eq. 8.14 with the full gradient:
  the optimization the budget did not finish).
- :mod:`.sweep`: :func:`sweep_initial_rate` (C5), a grid of ε_0 × several
  seeds in ONE runner call (ε_0 is an array that broadcasts over θ's batch),
  with the linear schedule of eq. 8.14. It compares the ε_0 that looks best
  after 100 iterations with the ε_0 that is best after the whole budget, and
  with the ε_0 that reaches a target cost first, and applies the practical
  rule (take a rate above the best-looking one, but below instability). Gains
  are compared as the excess J − J* above the cost's floor J*
  (``SweepResult.excess_ratio``); ``best_at`` and ``standard_error`` read the
  same runs at other early steps and over the seeds. :func:`sweep_mlp` (C5)
  runs the same sweep on the digits MLP of the lecture on initialization
  (:func:`coursekit.experiments.initialization.schemes.digits_mlp`).
- :mod:`.explorer`: :func:`short_run`, the run behind the lecture's explorer:
  the learning curve of SGD with the schedule of eq. 8.14 for any number of
  ε_0 at once.

>>> result = learning_rate_curves(lrs=(0.01, 0.3), steps=20, record_every=10)
>>> result.status
('finished 20 steps', 'finished 20 steps')
"""

from __future__ import annotations

from .curves import CurvesResult, learning_rate_curves
from .explorer import short_run
from .problems import largest_curvature
from .sweep import SweepResult, sweep_initial_rate, sweep_mlp
from .too_small import StuckResult, decayed_final_ratio, noise_floor, too_small_run

__all__ = [
    "CurvesResult",
    "StuckResult",
    "SweepResult",
    "decayed_final_ratio",
    "largest_curvature",
    "learning_rate_curves",
    "noise_floor",
    "short_run",
    "sweep_initial_rate",
    "sweep_mlp",
    "too_small_run",
]
