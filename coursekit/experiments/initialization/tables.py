"""The tables that the lecture on initialization prints, as fixed-precision text.

Each function takes the result of one experiment and returns the text the
notebook prints: a header, a rule, and one row per scheme or setting.
"""

from __future__ import annotations

import numpy as np

from .comparison import ComparisonResult
from .generalization import GeneralizationResult
from .glorot import GainResult
from .orthogonal import LinearProductResult
from .propagation import PropagationResult
from .sparse import DrawbackResult, SparseResult

__all__ = [
    "closing_table",
    "comparison_table",
    "drawback_table",
    "gains_table",
    "generalization_table",
    "linear_products_table",
    "matched_cost_table",
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
    their gap (train − test), and how many seeds diverged.
    """
    if not isinstance(result, ComparisonResult):
        raise TypeError(f"result must be a ComparisonResult, got {type(result).__name__}")
    n_seeds = result.diverged.shape[1]
    head = (f"{'scheme':<13}{'J(θ_0)':>10}{'k: J≤' + format(result.target, 'g'):>10}"
            f"{'final J':>10}{'train acc':>11}{'test acc':>10}{'gap':>8}{'diverged':>10}")
    lines = [head, "-" * len(head)]
    for i, label in enumerate(result.labels):
        reached = result.steps_to_target[i]
        k = "never" if (reached < 0).any() else f"{np.median(reached):.0f}"
        final = _mean_or_nan(result.final_loss[i])
        final_text = "—" if np.isnan(final) else f"{final:.3g}"
        lines.append(
            f"{label:<13}{np.median(result.initial_loss[i]):>10.3g}{k:>10}{final_text:>10}"
            f"{result.train_accuracy[i].mean():>11.3f}{result.test_accuracy[i].mean():>10.3f}"
            f"{(result.train_accuracy[i] - result.test_accuracy[i]).mean():>8.3f}"
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
    head = f"{'depth L':>8}{'orthogonal σmax/σmin':>22}{'max|σ/gain^L − 1|':>20}{'Gaussian, one draw':>20}"
    lines = [head, "-" * len(head)]
    for i, depth in enumerate(result.depths):
        # the orthogonal error is a few ulps: print whether it is below 1e-12, not its noise
        err = "< 1e-12" if result.orthogonal_error[i] < 1e-12 else f"{result.orthogonal_error[i]:.1e}"
        lines.append(f"{depth:>8d}{result.orthogonal_ratio[i]:>22.6f}{err:>20}"
                     f"{result.gaussian_ratio[i]:>20.3g}")
    return "\n".join(lines)


def sparse_table(result: SparseResult) -> str:
    """Per fan-in m: non-zero counts, weight size, pre-activation std and unit directions."""
    if not isinstance(result, SparseResult):
        raise TypeError(f"result must be a SparseResult, got {type(result).__name__}")
    head = (f"{'fan-in m':>9}{'k/unit':>8}{'rms w sparse':>14}{'rms w matched':>15}"
            f"{'std z sparse':>14}{'std z matched':>15}{'|cos| sparse':>14}{'|cos| matched':>15}"
            f"{'√(2/(πm))':>11}{'no shared input':>17}")
    lines = [head, "-" * len(head)]
    for i, m in enumerate(result.fan_ins):
        count = (f"{result.min_count[i]}" if result.min_count[i] == result.max_count[i]
                 else f"{result.min_count[i]}-{result.max_count[i]}")
        lines.append(f"{m:>9d}{count:>8}{result.sparse_rms[i]:>14.3f}{result.matched_rms[i]:>15.3f}"
                     f"{result.sparse_std[i]:>14.2f}{result.matched_std[i]:>15.2f}"
                     f"{result.sparse_cosine[i]:>14.4f}{result.matched_cosine[i]:>15.4f}"
                     f"{np.sqrt(2.0 / (np.pi * m)):>11.4f}{result.sparse_disjoint[i]:>17.2f}")
    return "\n".join(lines)


def drawback_table(result: DrawbackResult) -> str:
    """Per variant: J(θ_0), J after the run per seed, and the mean test accuracy."""
    if not isinstance(result, DrawbackResult):
        raise TypeError(f"result must be a DrawbackResult, got {type(result).__name__}")
    n_seeds = result.final_loss.shape[1]
    head = (f"{'start':<22}{'J(θ_0)':>8}" + f"{f'J after {result.steps} updates, per seed':>{12 * n_seeds}}"
            + f"{'test acc':>10}")
    lines = [head, "-" * len(head)]
    for v, label in enumerate(result.labels):
        lines.append(f"{label:<22}{np.median(result.initial_loss[v]):>8.1f}"
                     + "".join(f"{x:>12.4f}" for x in result.final_loss[v])
                     + f"{result.test_accuracy[v].mean():>10.3f}")
    return "\n".join(lines)


def gains_table(result: GainResult) -> str:
    """Predicted (measured) forward and backward variance gain per rule and layer."""
    if not isinstance(result, GainResult):
        raise TypeError(f"result must be a GainResult, got {type(result).__name__}")
    layers = [f"{m}→{n}" for m, n in zip(result.widths[:-1], result.widths[1:])]
    head = f"{'Var(W)':<16}{'direction':<10}" + "".join(f"{c:>16}" for c in layers) + f"{'worst':>8}"
    lines = [head, "-" * len(head)]
    for r, rule in enumerate(result.rules):
        for name, pred, meas in (("forward", result.predicted_forward[r], result.measured_forward[r]),
                                 ("backward", result.predicted_backward[r], result.measured_backward[r])):
            cells = "".join(f"{f'{p:.3f} ({q:.2f})':>16}" for p, q in zip(pred, meas))
            worst = float(np.max(np.maximum(pred, 1.0 / pred)))
            lines.append(f"{rule if name == 'forward' else '':<16}{name:<10}{cells}{worst:>8.2f}")
    return "\n".join(lines)


def generalization_table(result: GeneralizationResult) -> str:
    """After the long run, per scheme (means over seeds): J, test J, accuracies and their gap."""
    if not isinstance(result, GeneralizationResult):
        raise TypeError(f"result must be a GeneralizationResult, got {type(result).__name__}")
    k = int(result.steps[-1])
    head = (f"{'scheme':<13}{f'J at k={k}':>12}{'test J':>9}{'train acc':>11}{'test acc':>10}"
            f"{'gap':>8}")
    lines = [head, "-" * len(head)]
    for i, label in enumerate(result.labels):
        lines.append(f"{label:<13}{result.final_loss[i].mean():>12.2g}{result.final_test_loss[i].mean():>9.3f}"
                     f"{result.train_accuracy[i].mean():>11.3f}{result.test_accuracy[i].mean():>10.3f}"
                     f"{result.gap[i].mean():>8.3f}")
    return "\n".join(lines)


def matched_cost_table(result: GeneralizationResult) -> str:
    """Per seed: the slow scheme at its last step against the reference at the same training cost."""
    if not isinstance(result, GeneralizationResult):
        raise TypeError(f"result must be a GeneralizationResult, got {type(result).__name__}")
    slow = result.labels.index(result.matched_to)
    k = int(result.steps[-1])
    head = (f"{'seed':>4}  {'start':<12}{'k':>6}{'J':>8}{'test J':>9}{'test − train J':>16}"
            f"{'train acc':>11}{'test acc':>10}{'gap':>8}")
    lines = [head, "-" * len(head)]
    for s in range(result.match_step.size):
        rows = ((result.matched_to, k, result.final_loss[slow, s], result.final_test_loss[slow, s],
                 result.train_accuracy[slow, s], result.test_accuracy[slow, s]),
                (result.reference, int(result.match_step[s]), result.match_loss[s],
                 result.match_test_loss[s], result.match_train_accuracy[s],
                 result.match_test_accuracy[s]))
        for label, step, j, tj, tra, tea in rows:
            lines.append(f"{s:>4}  {label:<12}{step:>6d}{j:>8.3f}{tj:>9.3f}{tj - j:>16.3f}"
                         f"{tra:>11.3f}{tea:>10.3f}{tra - tea:>8.3f}")
    return "\n".join(lines)
