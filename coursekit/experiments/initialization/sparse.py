"""Sparse initialization (Martens, 2010; book section 8.4).

Exactly k non-zero incoming weights per unit: :func:`sparse_stats` measures
what that does to the scale of a unit's input and to how much units differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_int_tuple, check_scalar
from ...initializers import get_weight_initializer

__all__ = ["SparseResult", "sparse_stats"]


@dataclass(frozen=True)
class SparseResult:
    """Sparse (k non-zeros ~ N(0, σ²)) versus dense layers, per fan-in m.

    min_count, max_count (M,): fewest / most non-zero incoming weights of a
    unit; sparse_std, dense_std, matched_std (M,): std of the pre-activation
    z = x W for x ~ N(0, 1) with sparse W, dense N(0, σ²) W and dense
    N(0, kσ²/m) W (same total variance as sparse); sparse_spread,
    matched_spread (M,): relative spread (std/mean) across units of the
    incoming weight norms ‖W_:j‖.
    """

    fan_ins: np.ndarray
    fan_out: int
    nonzero: int
    std: float
    min_count: np.ndarray
    max_count: np.ndarray
    sparse_std: np.ndarray
    dense_std: np.ndarray
    matched_std: np.ndarray
    sparse_spread: np.ndarray
    matched_spread: np.ndarray


def sparse_stats(
    fan_ins=(64, 256, 1024, 4096),
    *,
    fan_out: int = 256,
    nonzero: int = 16,
    std: float = 1.0,
    n_samples: int = 256,
    seed: int = 0,
) -> SparseResult:
    """Sparse initialization (Martens, 2010) for several fan-ins m.

    Each unit has exactly k = ``nonzero`` non-zero incoming weights, so its
    pre-activation has variance k σ² whatever m: the non-zero weights can
    stay large (σ = 1) without the unit's total input growing like √m, as it
    would for a dense N(0, σ²) layer. Compared with a dense layer of the
    same total variance (N(0, kσ²/m)), the units differ more from one
    another: their weight norms spread like 1/√(2k) instead of 1/√(2m).
    """
    fan_ins = check_int_tuple("fan_ins", fan_ins, low=1)
    if not fan_ins:
        raise ValueError("fan_ins must hold at least one fan-in, got none")
    fan_out = check_int("fan_out", fan_out, low=2)
    nonzero = check_int("nonzero", nonzero, low=1, high=min(fan_ins))
    std = check_scalar("std", std, 0.0, low_open=True)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    sparse_init = get_weight_initializer("sparse")
    out = {key: [] for key in ("minc", "maxc", "s", "d", "m", "ss", "ms")}
    for m in fan_ins:
        x = rng.standard_normal((n_samples, m))
        w_sparse = sparse_init(rng, m, fan_out, nonzero=nonzero, std=std)
        w_dense = rng.standard_normal((m, fan_out)) * std
        w_matched = w_dense * np.sqrt(nonzero / m)
        counts = (w_sparse != 0.0).sum(axis=0)
        out["minc"].append(counts.min())
        out["maxc"].append(counts.max())
        out["s"].append((x @ w_sparse).std())
        out["d"].append((x @ w_dense).std())
        out["m"].append((x @ w_matched).std())
        for key, w in (("ss", w_sparse), ("ms", w_matched)):
            norms = np.sqrt((w * w).sum(axis=0))
            out[key].append(norms.std() / norms.mean())
    arr = {key: np.array(value) for key, value in out.items()}
    return SparseResult(
        fan_ins=np.array(fan_ins), fan_out=fan_out, nonzero=nonzero, std=std,
        min_count=arr["minc"], max_count=arr["maxc"], sparse_std=arr["s"],
        dense_std=arr["d"], matched_std=arr["m"], sparse_spread=arr["ss"],
        matched_spread=arr["ms"],
    )
