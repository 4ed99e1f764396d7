"""Glorot's normalized initialization, eq. (8.23), derived from two conditions.

A linear layer z = x W with m inputs, n units and i.i.d. weights of
variance σ² multiplies the variance of the signal by m σ² on the way
forward (each unit sums m terms) and the variance of the gradient by n σ²
on the way back (each input receives n terms) (Glorot & Bengio, 2010).
Forward steadiness asks for σ² = 1/m, backward steadiness for σ² = 1/n;
both hold only when m = n. Eq. (8.23) takes the compromise
σ² = 2/(m + n), the variance of U(−√(6/(m+n)), √(6/(m+n))).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_int_tuple

__all__ = ["VARIANCE_RULES", "GainResult", "glorot_gains", "variance_gains"]

#: Var(W) as a function of (m, n): keep the forward signal, the backward signal, or eq. 8.23.
VARIANCE_RULES = {
    "1/m": lambda m, n: 1.0 / m,
    "1/n": lambda m, n: 1.0 / n,
    "Glorot 2/(m+n)": lambda m, n: 2.0 / (m + n),
}


def variance_gains(widths, rule: str) -> tuple:
    """Predicted per-layer variance gains (forward m σ², backward n σ²) of a linear stack.

    ``widths`` = (n_0, n_1, ..., n_L): layer l has m = n_{l−1} inputs and
    n = n_l units. Returns two arrays of length L.

    >>> f, b = variance_gains((100, 300), "Glorot 2/(m+n)")
    >>> round(float(f[0]), 3), round(float(b[0]), 3)
    (0.5, 1.5)
    """
    widths = check_int_tuple("widths", widths, low=1)
    if len(widths) < 2:
        raise ValueError(f"widths must hold at least two sizes, got {widths}")
    if rule not in VARIANCE_RULES:
        raise ValueError(f"rule must be one of {tuple(VARIANCE_RULES)}, got {rule!r}")
    m, n = np.array(widths[:-1], dtype=float), np.array(widths[1:], dtype=float)
    var = VARIANCE_RULES[rule](m, n)
    return m * var, n * var


@dataclass(frozen=True)
class GainResult:
    """Predicted and measured variance gains per rule × layer of a linear stack.

    predicted_forward, predicted_backward, measured_forward,
    measured_backward (R, L): var(z_l)/var(z_{l−1}) forward and
    var(∂J/∂z_{l−1})/var(∂J/∂z_l) backward (z_0 = x).
    """

    widths: tuple
    rules: tuple
    predicted_forward: np.ndarray
    predicted_backward: np.ndarray
    measured_forward: np.ndarray
    measured_backward: np.ndarray


def glorot_gains(widths=(64, 256, 32, 128, 16), *, n_samples: int = 2048, seed: int = 0) -> GainResult:
    """Forward and backward variance gain of every layer of a linear stack, per rule.

    Gaussian weights N(0, σ²) with σ² from each rule of :data:`VARIANCE_RULES`,
    inputs x ~ N(0, 1), an upstream gradient ∂J/∂z_L ~ N(0, 1); the stack is
    linear, the setting in which eq. (8.23) is derived. The layers are not
    square, so that the three rules differ.
    """
    widths = check_int_tuple("widths", widths, low=1)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rules = tuple(VARIANCE_RULES)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, widths[0]))
    upstream = rng.standard_normal((n_samples, widths[-1]))
    pred_f, pred_b, meas_f, meas_b = [], [], [], []
    for rule in rules:
        f, b = variance_gains(widths, rule)
        weights = [rng.standard_normal((m, n)) * np.sqrt(VARIANCE_RULES[rule](m, n))
                   for m, n in zip(widths[:-1], widths[1:])]
        zs = [x]
        for w in weights:
            zs.append(zs[-1] @ w)
        gs = [upstream]
        for w in reversed(weights):  # ∂J/∂z_{l−1} = ∂J/∂z_l W_lᵀ (linear units)
            gs.append(gs[-1] @ w.T)
        gs = gs[::-1]
        pred_f.append(f)
        pred_b.append(b)
        meas_f.append([zs[i + 1].var() / zs[i].var() for i in range(len(weights))])
        meas_b.append([gs[i].var() / gs[i + 1].var() for i in range(len(weights))])
    return GainResult(widths=widths, rules=rules, predicted_forward=np.array(pred_f),
                      predicted_backward=np.array(pred_b), measured_forward=np.array(meas_f),
                      measured_backward=np.array(meas_b))
