"""Experiments of the lecture on parameter initialization (book section 8.4).

Each function runs one experiment from an explicit ``seed`` and returns a
frozen dataclass with the arrays to plot and the numbers the lecture prints.
One module per idea, all names importable from here:

- :mod:`.schemes`: the initializers compared (:class:`Scheme`,
  :data:`DEEP_SCHEMES`, :data:`MLP_SCHEMES`);
- :mod:`.comparison`: :func:`compare_initializers`, claim C21 on the digits
  MLP, every scheme × several seeds trained as ONE batch of θ with the same
  optimizer;
- :mod:`.symmetry_breaking`: :func:`symmetry`, equal initial weights keep
  the hidden units identical (:func:`unit_spread`);
- :mod:`.propagation`: :func:`signal_propagation`, per-layer std of
  activations and of back-propagated gradients through a deep stack of
  square layers (:func:`propagate`, :func:`deep_weights`);
- :mod:`.orthogonal`: :func:`linear_products`, singular values of products
  of orthogonal versus Gaussian matrices (Saxe et al., 2013);
- :mod:`.generalization`: :func:`long_training`, claim C21 run to 2,000
  updates, with the train–test gap and a comparison at matched training cost;
- :mod:`.instability`: :func:`unstable_start`, the huge start followed past
  the runner's stop;
- :mod:`.glorot`: :func:`variance_gains` and :func:`glorot_gains`, the
  forward (m σ²) and backward (n σ²) variance gains behind eq. 8.23;
- :mod:`.sparse`: :func:`sparse_stats`, exactly k non-zero incoming weights
  per unit (Martens, 2010), the size of the weights and the directions of
  the units; :func:`sparse_drawback`, large sparse weights train slowly;
- :mod:`.biases`: :func:`relu_bias`, dead ReLU units and the cost with
  bias 0 versus 0.1 (:func:`dead_units`), and :func:`output_bias`, the marginal output bias
  makes the initial cost equal the label entropy (:func:`label_entropy`);
- :mod:`.tables`: the tables the lecture prints.

Weights follow the layout of :mod:`coursekit.initializers`: W has shape
(fan_in, fan_out) = (m, n) and a layer computes h = act(x @ W + b).
"""

from __future__ import annotations

from .biases import BiasResult, OutputBiasResult, dead_units, label_entropy, output_bias, relu_bias
from .comparison import ComparisonResult, compare_initializers
from .generalization import (
    LONG_SCHEMES,
    GeneralizationResult,
    SeedsResult,
    StepResult,
    converged_seeds,
    long_training,
    step_size_control,
)
from .glorot import VARIANCE_RULES, GainResult, glorot_gains, variance_gains
from .instability import InstabilityResult, unstable_start
from .orthogonal import ConditionResult, LinearProductResult, gaussian_condition, linear_products
from .propagation import PropagationResult, deep_weights, propagate, signal_propagation
from .schemes import DEEP_SCHEMES, MLP_SCHEMES, Scheme
from .sparse import DrawbackResult, SparseResult, dense_matched, sparse_drawback, sparse_stats
from .symmetry_breaking import SymmetryResult, symmetry, unit_spread
from .tables import (
    closing_table,
    comparison_table,
    drawback_table,
    gains_table,
    generalization_table,
    linear_products_table,
    matched_cost_table,
    propagation_table,
    sparse_table,
)

__all__ = [
    "DEEP_SCHEMES",
    "LONG_SCHEMES",
    "VARIANCE_RULES",
    "DrawbackResult",
    "GainResult",
    "GeneralizationResult",
    "InstabilityResult",
    "MLP_SCHEMES",
    "BiasResult",
    "ComparisonResult",
    "ConditionResult",
    "LinearProductResult",
    "OutputBiasResult",
    "PropagationResult",
    "Scheme",
    "SeedsResult",
    "SparseResult",
    "StepResult",
    "SymmetryResult",
    "closing_table",
    "compare_initializers",
    "converged_seeds",
    "comparison_table",
    "dead_units",
    "deep_weights",
    "dense_matched",
    "drawback_table",
    "gains_table",
    "gaussian_condition",
    "generalization_table",
    "glorot_gains",
    "label_entropy",
    "linear_products",
    "linear_products_table",
    "long_training",
    "matched_cost_table",
    "output_bias",
    "propagate",
    "propagation_table",
    "relu_bias",
    "signal_propagation",
    "sparse_drawback",
    "sparse_stats",
    "sparse_table",
    "step_size_control",
    "symmetry",
    "unit_spread",
    "unstable_start",
    "variance_gains",
]
