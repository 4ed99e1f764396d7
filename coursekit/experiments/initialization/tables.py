"""The tables that the lecture on initialization prints, as fixed-precision text.

Each function takes the result of one experiment and returns the text the
notebook prints: a header, a rule, and one row per scheme or setting.
"""

from __future__ import annotations

import numpy as np

from .comparison import ComparisonResult
from .orthogonal import LinearProductResult
from .propagation import PropagationResult
from .sparse import SparseResult

__all__ = [
    "closing_table",
    "comparison_table",
    "linear_products_table",
    "propagation_table",
    "sparse_table",
]


def _mean_or_nan(values) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")


def comparison_table(result: ComparisonResult) -> str:
    """Claim C21 as fixed-precision text: one row per scheme, means over seeds.

    Columns: J(θ_0), first recorded k with J ≤ target ("never" if none),
    final J (over the seeds that did not diverge), train and test accuracy,
    and how many seeds diverged.
    """
    if not isinstance(result, ComparisonResult):
        raise TypeError(f"result must be a ComparisonResult, got {type(result).__name__}")
    n_seeds = result.diverged.shape[1]
    head = (f"{'scheme':<13}{'J(θ_0)':>10}{'k: J≤' + format(result.target, 'g'):>10}"
            f"{'final J':>10}{'train acc':>11}{'test acc':>10}{'diverged':>10}")
    lines = [head, "-" * len(head)]
    for i, label in enumerate(result.labels):
        reached = result.steps_to_target[i]
        k = "never" if (reached < 0).any() else f"{np.median(reached):.0f}"
        final = _mean_or_nan(result.final_loss[i])
        final_text = "—" if np.isnan(final) else f"{final:.3g}"
        lines.append(
            f"{label:<13}{np.median(result.initial_loss[i]):>10.3g}{k:>10}{final_text:>10}"
            f"{result.train_accuracy[i].mean():>11.3f}{result.test_accuracy[i].mean():>10.3f}"
            f"{f'{int(result.diverged[i].sum())}/{n_seeds}':>10}"
        )
    return "\n".join(lines)


def closing_table(comparison: ComparisonResult, propagation: PropagationResult) -> str:
    """Every scheme: formula, reference, and what the lecture measured.

    std(h_L) in the deep tanh and ReLU stacks of :func:`signal_propagation`
    ("—" for schemes not in it), mean final training cost and mean test
    accuracy of :func:`compare_initializers` (same optimizer and budget).
    """
    if not isinstance(comparison, ComparisonResult):
        raise TypeError(f"comparison must be a ComparisonResult, got {type(comparison).__name__}")
    if not isinstance(propagation, PropagationResult):
        raise TypeError(f"propagation must be a PropagationResult, got {type(propagation).__name__}")
    depth = int(propagation.layers[-1])
    std_cols = [f"std h_{depth} {a}" for a in propagation.activations]
    head = (f"{'scheme':<13}{'formula':<26}{'reference':<32}"
            + "".join(f"{c:>16}" for c in std_cols) + f"{'final J':>10}{'test acc':>10}")
    lines = [head, "-" * len(head)]
    for i, scheme in enumerate(comparison.schemes):
        stds = []
        for a in range(len(propagation.activations)):
            if scheme.label in propagation.labels:
                value = propagation.activation_std[a, propagation.labels.index(scheme.label)][-1]
                stds.append(f"{value:>16.3g}")
            elif scheme.init == "constant" and dict(scheme.params).get("value") == 0.0:
                stds.append(f"{'0 (exactly)':>16}")
            else:
                stds.append(f"{'—':>16}")
        final = _mean_or_nan(comparison.final_loss[i])
        final_text = "diverged" if np.isnan(final) else f"{final:.3g}"
        lines.append(f"{scheme.label:<13}{scheme.formula:<26}{scheme.reference:<32}" + "".join(stds)
                     + f"{final_text:>10}{comparison.test_accuracy[i].mean():>10.3f}")
    return "\n".join(lines)


def propagation_table(result: PropagationResult) -> str:
    """var(h_L)/var(h_1) and gradient growth var(g_1)/var(g_L) per scheme and activation."""
    if not isinstance(result, PropagationResult):
        raise TypeError(f"result must be a PropagationResult, got {type(result).__name__}")
    cols = [f"{kind} {a}" for a in result.activations for kind in ("fwd", "bwd")]
    head = f"{'scheme':<13}" + "".join(f"{c:>12}" for c in cols)
    lines = [head, "-" * len(head)]
    for s, label in enumerate(result.labels):
        cells = []
        for a in range(len(result.activations)):
            cells += [result.activation_ratio[a, s], result.gradient_ratio[a, s]]
        lines.append(f"{label:<13}" + "".join(f"{c:>12.3g}" for c in cells))
    return "\n".join(lines)


def linear_products_table(result: LinearProductResult) -> str:
    """σ_max/σ_min of the products, and the largest |σ_i/gain^L − 1| of the orthogonal ones."""
    if not isinstance(result, LinearProductResult):
        raise TypeError(f"result must be a LinearProductResult, got {type(result).__name__}")
    head = f"{'depth L':>8}{'orthogonal σmax/σmin':>22}{'max|σ/gain^L − 1|':>20}{'Gaussian σmax/σmin':>20}"
    lines = [head, "-" * len(head)]
    for i, depth in enumerate(result.depths):
        # the orthogonal error is a few ulps: print whether it is below 1e-12, not its noise
        err = "< 1e-12" if result.orthogonal_error[i] < 1e-12 else f"{result.orthogonal_error[i]:.1e}"
        lines.append(f"{depth:>8d}{result.orthogonal_ratio[i]:>22.6f}{err:>20}"
                     f"{result.gaussian_ratio[i]:>20.3g}")
    return "\n".join(lines)


def sparse_table(result: SparseResult) -> str:
    """Per fan-in m: non-zero counts, pre-activation std and spread of unit weight norms."""
    if not isinstance(result, SparseResult):
        raise TypeError(f"result must be a SparseResult, got {type(result).__name__}")
    head = (f"{'fan-in m':>9}{'non-zeros/unit':>16}{'std z sparse':>14}{'std z dense':>13}"
            f"{'std z matched':>15}{'spread sparse':>15}{'spread matched':>16}")
    lines = [head, "-" * len(head)]
    for i, m in enumerate(result.fan_ins):
        count = (f"{result.min_count[i]}" if result.min_count[i] == result.max_count[i]
                 else f"{result.min_count[i]}-{result.max_count[i]}")
        lines.append(f"{m:>9d}{count:>16}{result.sparse_std[i]:>14.2f}{result.dense_std[i]:>13.2f}"
                     f"{result.matched_std[i]:>15.2f}{result.sparse_spread[i]:>15.3f}"
                     f"{result.matched_spread[i]:>16.3f}")
    return "\n".join(lines)
