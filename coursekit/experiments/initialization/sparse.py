"""Sparse initialization (Martens, 2010; book section 8.4).

Exactly k non-zero incoming weights per unit. :func:`sparse_stats` measures
what that does to the size of the weights, to the scale of a unit's input
and to how different the units are; :func:`sparse_drawback` trains the
digits MLP from large sparse weights, the drawback the book names, with a
control for each of the two things that change (sparsity and size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_int_tuple, check_scalar
from ...initializers import get_weight_initializer, sparse
from ...optimizers import momentum
from ...runner import run
from .schemes import digits_mlp

__all__ = ["DrawbackResult", "SparseResult", "dense_matched", "sparse_drawback", "sparse_stats"]


def _mean_abs_cosine(w: np.ndarray) -> float:
    """Mean |cos| between the incoming weight vectors (columns) of distinct units."""
    unit = w / np.sqrt((w * w).sum(axis=0))
    cos = unit.T @ unit
    off = ~np.eye(cos.shape[0], dtype=bool)
    return float(np.abs(cos[off]).mean())


@dataclass(frozen=True)
class SparseResult:
    """Sparse (k non-zeros ~ N(0, σ²)) versus dense layers, per fan-in m.

    min_count, max_count (M,): fewest / most non-zero incoming weights of a
    unit; sparse_rms, matched_rms (M,): root mean square of the non-zero
    weights of the sparse layer and of a dense N(0, kσ²/m) layer (same
    variance of a unit's input); sparse_std, dense_std, matched_std (M,): std
    of the pre-activation z = x W for x ~ N(0, 1), with the sparse layer, a
    dense N(0, σ²) layer and the matched dense layer; sparse_cosine,
    matched_cosine (M,): mean |cos| between the incoming weight vectors of
    two distinct units (0: orthogonal, 1: the same direction);
    sparse_disjoint (M,): fraction of unit pairs with no input in common.
    """

    fan_ins: np.ndarray
    fan_out: int
    nonzero: int
    std: float
    min_count: np.ndarray
    max_count: np.ndarray
    sparse_rms: np.ndarray
    matched_rms: np.ndarray
    sparse_std: np.ndarray
    dense_std: np.ndarray
    matched_std: np.ndarray
    sparse_cosine: np.ndarray
    matched_cosine: np.ndarray
    sparse_disjoint: np.ndarray


def sparse_stats(
    fan_ins=(64, 256, 1024, 4096),
    *,
    fan_out: int = 256,
    nonzero: int = 16,
    std: float | None = None,
    n_samples: int = 256,
    seed: int = 0,
) -> SparseResult:
    """Sparse initialization (Martens, 2010) for several fan-ins m.

    Each unit has exactly k = ``nonzero`` non-zero incoming weights of std σ
    (default σ = 1/√k, the lecture's scheme), so its pre-activation has
    variance k σ² whatever m. A dense layer gives its unit the same input
    variance only with weights of std σ√(k/m), which shrink like 1/√m: the
    sparse weights are √(m/k) times larger. Both kinds of units point in
    nearly orthogonal directions: two dense random units have
    E|cos| ≈ √(2/(π m)), and most pairs of sparse units share no input.
    """
    fan_ins = check_int_tuple("fan_ins", fan_ins, low=1)
    if not fan_ins:
        raise ValueError("fan_ins must hold at least one fan-in, got none")
    fan_out = check_int("fan_out", fan_out, low=2)
    nonzero = check_int("nonzero", nonzero, low=1, high=min(fan_ins))
    std = 1.0 / np.sqrt(nonzero) if std is None else check_scalar("std", std, 0.0, low_open=True)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    sparse_init = get_weight_initializer("sparse")
    keys = ("minc", "maxc", "sr", "mr", "s", "d", "m", "sc", "mc", "dj")
    out = {key: [] for key in keys}
    for m in fan_ins:
        x = rng.standard_normal((n_samples, m))
        w_sparse = sparse_init(rng, m, fan_out, nonzero=nonzero, std=std)
        w_dense = rng.standard_normal((m, fan_out)) * std
        w_matched = w_dense * np.sqrt(nonzero / m)
        support = (w_sparse != 0.0).astype(float)
        counts = support.sum(axis=0)
        shared = support.T @ support
        off = ~np.eye(fan_out, dtype=bool)
        out["minc"].append(int(counts.min()))
        out["maxc"].append(int(counts.max()))
        out["sr"].append(np.sqrt((w_sparse[w_sparse != 0.0] ** 2).mean()))
        out["mr"].append(np.sqrt((w_matched ** 2).mean()))
        out["s"].append((x @ w_sparse).std())
        out["d"].append((x @ w_dense).std())
        out["m"].append((x @ w_matched).std())
        out["sc"].append(_mean_abs_cosine(w_sparse))
        out["mc"].append(_mean_abs_cosine(w_matched))
        out["dj"].append(float((shared[off] == 0.0).mean()))
    arr = {key: np.array(value) for key, value in out.items()}
    return SparseResult(
        fan_ins=np.array(fan_ins), fan_out=fan_out, nonzero=nonzero, std=float(std),
        min_count=arr["minc"], max_count=arr["maxc"], sparse_rms=arr["sr"],
        matched_rms=arr["mr"], sparse_std=arr["s"], dense_std=arr["d"],
        matched_std=arr["m"], sparse_cosine=arr["sc"], matched_cosine=arr["mc"],
        sparse_disjoint=arr["dj"],
    )


def dense_matched(rng, fan_in, fan_out, *, batch_shape=(), nonzero, std=1.0) -> np.ndarray:
    """Dense W ~ N(0, k·std²/m): a unit's input has the variance of :func:`~coursekit.initializers.sparse`'s."""
    m = check_int("fan_in", fan_in, low=1)
    k = check_int("nonzero", nonzero, low=1, high=m)
    return rng.standard_normal(tuple(batch_shape) + (m, fan_out)) * (std * np.sqrt(k / m))


@dataclass(frozen=True)
class DrawbackResult:
    """The digits MLP from sparse or dense weights, large or small, per seed.

    labels (V,); nonzero k; stds (V,) std of a non-zero sparse weight (dense
    variants: the std that gives a unit the same input variance);
    initial_loss, final_loss, test_accuracy (V, seeds) at k = 0 and ``steps``;
    fan_ins, the fan-in m of each layer (a sparse layer is k/m dense).
    """

    labels: tuple
    nonzero: int
    fan_ins: tuple
    stds: np.ndarray
    steps: int
    initial_loss: np.ndarray
    final_loss: np.ndarray
    test_accuracy: np.ndarray


def sparse_drawback(
    *,
    nonzero: int = 16,
    hidden=(32, 32),
    steps: int = 500,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    seed: int = 0,
) -> DrawbackResult:
    """Large sparse weights against three controls on the digits MLP (ReLU).

    Variants: sparse with N(0, 1) non-zeros (Martens' values: large), dense
    with the same input variance per unit (N(0, k/m): many small weights),
    and both again with non-zeros N(0, 1/k) (the lecture's sparse scheme and
    N(0, 1/m)). Large against small isolates the size of the weights;
    sparse against dense at equal variance isolates the sparsity. All
    variants × seeds are trained as one batch with the same optimizer
    (Algorithm 8.2) and the same minibatches.
    """
    nonzero = check_int("nonzero", nonzero, low=1)
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, "relu", test_split=True)
    if nonzero > min(net.layer_sizes[:-1]):
        raise ValueError(f"nonzero must be at most the smallest fan-in, got {nonzero}")
    rng = np.random.default_rng(seed)
    small = 1.0 / np.sqrt(nonzero)
    variants = (("sparse, N(0, 1)", sparse, 1.0), ("dense, N(0, k/m)", dense_matched, 1.0),
                (f"sparse, N(0, 1/{nonzero})", sparse, small),
                ("dense, N(0, 1/m)", dense_matched, small))
    theta0 = np.stack([net.init_theta(rng, init, batch_shape=(seeds,), nonzero=nonzero, std=s)
                       for _, init, s in variants])
    result = run(net, momentum(lr, momentum_value), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common", record_every=steps)
    return DrawbackResult(
        labels=tuple(label for label, _, _ in variants), nonzero=nonzero,
        fan_ins=tuple(int(m) for m in net.layer_sizes[:-1]),
        stds=np.array([s for _, _, s in variants]), steps=steps,
        initial_loss=result.loss[0], final_loss=result.loss[-1],
        test_accuracy=net.accuracy(result.final_theta, "test"),
    )
