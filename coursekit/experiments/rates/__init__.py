"""Experiments for lecture 03: how fast SGD converges, and what that costs (section 8.3.1).

Each function runs on the batched runner (:func:`coursekit.runner.run`)
from an explicit ``seed`` and returns a frozen result with the arrays to plot
and the measured numbers that the lecture prints and ``tests/test_claims_rates.py``
asserts. One module per idea, all names importable from here:

- :mod:`.exact`: :func:`expected_excess` (:class:`ExpectedExcess`), the exact
  E[J(θ_k)] − J* of SGD on a diagonal noisy quadratic, bias and noise term
  apart: a closed form, not a simulation.
- :mod:`.convex`: :func:`convex_rate` (claim C8), SGD with ε_k = ε_0/√k on a
  convex quadratic whose curvatures span six decades, with the excess error
  split exactly into its bias term (the run without noise) and its noise term
  (the run from θ*): the bias falls like 1/√k; the noise term falls more
  slowly under isotropic noise and faster under noise shaped like the
  curvature (as least squares gives).
- :mod:`.strongly_convex`: :func:`strongly_convex_rate` (C8), SGD with
  ε_k = 1/(μ(k + k_0)) on a μ-strongly convex noisy quadratic:
  J(θ_k) − J* = O(1/k), from the noise term; controls with a step constant
  too small and with ε_0/√k.
- :mod:`.work`: :func:`work_per_update` (C6), examples touched per update
  against the training-set size n: m for SGD, n for batch gradient descent;
  and :func:`seconds_per_update`, the same in wall-clock seconds.
- :mod:`.single_pass`: :func:`one_pass` (C7), one pass of minibatch SGD over
  10^6 examples; the test loss reaches a tolerance of its final value long
  before the pass ends, while the excess error ½‖θ − θ_true‖² keeps falling.
- :mod:`.floor`: :func:`statistical_floor` (C9), one-pass SGD, with and
  without replacement, next to the rate σ²d/(2k), and batch gradient descent
  at equal examples seen, both tuned on a grid.
- :mod:`.growing`: :func:`growing_batch` (C10), a geometrically growing
  minibatch (:func:`geometric_batch_growth`), exact once m_k ≥ n, against a
  small fixed minibatch, the same growth sampled with replacement, and the
  full batch, at equal examples seen.

Loss convention: J(θ) = (1/2n) Σ (x_iᵀθ − y_i)², so the excess test error
of the least-squares estimator from k examples is σ²d/(2(k − d − 1)) ≈ σ²d/(2k).

>>> result = work_per_update(sizes=(100, 1000, 10_000))
>>> result.sgd_examples_per_update.tolist(), result.gd_examples_per_update.tolist()
([10, 10, 10], [100, 1000, 10000])
"""

from __future__ import annotations

from .convex import ConvexRateResult, convex_rate
from .exact import ExpectedExcess, expected_excess
from .floor import StatisticalFloorResult, statistical_floor
from .growing import GrowingBatchResult, geometric_batch_growth, growing_batch
from .single_pass import OnePassResult, one_pass
from .strongly_convex import StronglyConvexRateResult, strongly_convex_rate
from .work import WorkResult, seconds_per_update, work_per_update

__all__ = [
    "ConvexRateResult",
    "ExpectedExcess",
    "GrowingBatchResult",
    "OnePassResult",
    "StatisticalFloorResult",
    "StronglyConvexRateResult",
    "WorkResult",
    "convex_rate",
    "expected_excess",
    "geometric_batch_growth",
    "growing_batch",
    "one_pass",
    "seconds_per_update",
    "statistical_floor",
    "strongly_convex_rate",
    "work_per_update",
]
