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
- :mod:`.sparse`: :func:`sparse_stats`, exactly k non-zero incoming weights
  per unit (Martens, 2010) and what that does to the scale and diversity
  of units;
- :mod:`.biases`: :func:`relu_bias`, dead ReLU units with bias 0 versus 0.1
  (:func:`dead_units`), and :func:`output_bias`, the marginal output bias
  makes the initial cost equal the label entropy (:func:`label_entropy`);
- :mod:`.tables`: the tables the lecture prints.

Weights follow the layout of :mod:`coursekit.initializers`: W has shape
(fan_in, fan_out) = (m, n) and a layer computes h = act(x @ W + b).
"""

from __future__ import annotations

from .biases import BiasResult, OutputBiasResult, dead_units, label_entropy, output_bias, relu_bias
from .comparison import ComparisonResult, compare_initializers
from .orthogonal import LinearProductResult, linear_products
from .propagation import PropagationResult, deep_weights, propagate, signal_propagation
from .schemes import DEEP_SCHEMES, MLP_SCHEMES, Scheme
from .sparse import SparseResult, sparse_stats
from .symmetry_breaking import SymmetryResult, symmetry, unit_spread
from .tables import (
    closing_table,
    comparison_table,
    linear_products_table,
    propagation_table,
    sparse_table,
)

__all__ = [
    "DEEP_SCHEMES",
    "MLP_SCHEMES",
    "BiasResult",
    "ComparisonResult",
    "LinearProductResult",
    "OutputBiasResult",
    "PropagationResult",
    "Scheme",
    "SparseResult",
    "SymmetryResult",
    "closing_table",
    "compare_initializers",
    "comparison_table",
    "dead_units",
    "deep_weights",
    "label_entropy",
    "linear_products",
    "linear_products_table",
    "output_bias",
    "propagate",
    "propagation_table",
    "relu_bias",
    "signal_propagation",
    "sparse_stats",
    "sparse_table",
    "symmetry",
    "unit_spread",
]
