"""Orthogonal initialization in deep linear networks (Saxe et al., 2013; book section 8.4).

A product of orthogonal layers keeps every singular value at gain^L, while
Gaussian layers of the same variance spread them out exponentially in the
depth L: :func:`linear_products` measures both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_int_tuple, check_scalar
from ...initializers import get_weight_initializer

__all__ = ["ConditionResult", "LinearProductResult", "gaussian_condition", "linear_products"]


@dataclass(frozen=True)
class LinearProductResult:
    """Singular values of P_L = W_1 W_2 ⋯ W_L for L in ``depths``.

    orthogonal_ratio, gaussian_ratio (D,): σ_max / σ_min of P_L;
    orthogonal_error (D,): max_i |σ_i / gain^L − 1|; gaussian_log_spread (D,):
    std of log10 σ_i; orthogonal_sv, gaussian_sv (D, width).
    """

    depths: np.ndarray
    width: int
    gain: float
    orthogonal_sv: np.ndarray
    gaussian_sv: np.ndarray
    orthogonal_ratio: np.ndarray
    gaussian_ratio: np.ndarray
    orthogonal_error: np.ndarray
    gaussian_log_spread: np.ndarray


def linear_products(
    depths=(1, 2, 3, 5, 8), *, width: int = 64, gain: float = 1.0, seed: int = 0
) -> LinearProductResult:
    """Deep linear networks: orthogonal (× gain) versus Gaussian N(0, gain²/m) layers.

    Saxe et al. (2013): a product of orthogonal matrices is orthogonal, so
    every singular value of P_L = Π_l (gain·Q_l) equals gain^L and every
    input direction is scaled alike. Gaussian layers of the same variance
    keep the norm on average only: the singular values of the product
    spread out exponentially in L. Keep σ_max/σ_min below ~10¹² (L ≤ 8 for
    m = 64): beyond, σ_min falls under the float64 resolution of the SVD.
    """
    depths = check_int_tuple("depths", depths, low=1)
    if not depths or list(depths) != sorted(set(depths)):
        raise ValueError(f"depths must be a non-empty increasing tuple of integers >= 1, got {depths}")
    width = check_int("width", width, low=2)
    gain = check_scalar("gain", gain, 0.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    n_max = depths[-1]
    ortho = get_weight_initializer("orthogonal")(rng, width, width, batch_shape=(n_max,), gain=gain)
    gauss = rng.standard_normal((n_max, width, width)) * (gain / np.sqrt(width))
    prod_o, prod_g = np.eye(width), np.eye(width)
    sv_o, sv_g = [], []
    for layer in range(1, n_max + 1):
        prod_o = prod_o @ ortho[layer - 1]
        prod_g = prod_g @ gauss[layer - 1]
        if layer in depths:
            sv_o.append(np.linalg.svd(prod_o, compute_uv=False))
            sv_g.append(np.linalg.svd(prod_g, compute_uv=False))
    sv_o, sv_g = np.array(sv_o), np.array(sv_g)
    d = np.array(depths)
    return LinearProductResult(
        depths=d,
        width=width,
        gain=gain,
        orthogonal_sv=sv_o,
        gaussian_sv=sv_g,
        orthogonal_ratio=sv_o.max(axis=1) / sv_o.min(axis=1),
        gaussian_ratio=sv_g.max(axis=1) / sv_g.min(axis=1),
        orthogonal_error=np.abs(sv_o / gain ** d[:, None] - 1.0).max(axis=1),
        gaussian_log_spread=np.log10(sv_g).std(axis=1),
    )


@dataclass(frozen=True)
class ConditionResult:
    """σ_max/σ_min of products of Gaussian N(0, 1/m) layers over many draws.

    depths (D,); ratio (D, draws), computed as σ_max(P) · σ_max(P⁻¹) with
    P⁻¹ = W_L⁻¹ ⋯ W_1⁻¹, so that the small singular values are never
    resolved below the float64 rounding of P itself.
    """

    depths: np.ndarray
    width: int
    ratio: np.ndarray

    def quantiles(self, q=(10, 50, 90)) -> np.ndarray:
        """Percentiles ``q`` of the ratio over draws, (D, len(q))."""
        return np.percentile(self.ratio, q, axis=1).T


def gaussian_condition(depths=(1, 8), *, width: int = 64, draws: int = 200, seed: int = 1) -> ConditionResult:
    """Condition number of Π_l W_l, W_l ~ N(0, 1/m), for ``draws`` independent draws per depth.

    The ratio is heavy-tailed (one draw says little), so the lecture prints
    its quantiles. σ_min(P) = 1/σ_max(P⁻¹): both factors are large singular
    values, computed to full relative precision even when the ratio passes 10¹⁶.
    """
    depths = check_int_tuple("depths", depths, low=1)
    width = check_int("width", width, low=2)
    draws = check_int("draws", draws, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    out = []
    for depth in depths:
        w = rng.standard_normal((depth, draws, width, width)) / np.sqrt(width)
        forward, backward = w[0], np.linalg.inv(w[0])
        for layer in range(1, depth):
            forward = forward @ w[layer]
            backward = np.linalg.inv(w[layer]) @ backward
        top = np.linalg.norm(forward, ord=2, axis=(-2, -1))
        out.append(top * np.linalg.norm(backward, ord=2, axis=(-2, -1)))
    return ConditionResult(depths=np.asarray(depths), width=width, ratio=np.array(out))
