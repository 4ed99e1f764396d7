"""The scale of signals in a deep network at initialization (book section 8.4).

:func:`propagate` runs a stack of square layers forwards and backwards;
:func:`signal_propagation` measures, layer by layer, the std of the
activations and of the back-propagated gradients for each scheme: too small
weights make both vanish, too large ones make them explode or saturate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_finite, check_int
from .schemes import DEEP_SCHEMES, Scheme, check_activation, check_schemes

__all__ = ["PropagationResult", "deep_weights", "propagate", "signal_propagation"]


def deep_weights(scheme: Scheme, depth: int, width: int, *, seed: int = 0) -> np.ndarray:
    """``depth`` square weight matrices of one scheme, shape (depth, width, width)."""
    if not isinstance(scheme, Scheme):
        raise TypeError(f"scheme must be a Scheme, got {type(scheme).__name__}")
    depth = check_int("depth", depth, low=1)
    width = check_int("width", width, low=1)
    seed = check_int("seed", seed, low=0)
    return scheme.weights(np.random.default_rng(seed), width, width, batch_shape=(depth,))


def propagate(weights, x, activation: str, upstream=None) -> tuple:
    """Forward and backward pass through a stack of layers without biases.

    Forward: z_l = h_{l−1} W_l, h_l = act(z_l), h_0 = x. Backward, for the
    scalar J = Σ (upstream ⊙ h_L) (default upstream = 1):
    ∂J/∂h_L = upstream, ∂J/∂z_l = ∂J/∂h_l ⊙ act'(z_l), ∂J/∂h_{l−1} = ∂J/∂z_l W_lᵀ
    (book section 6.5).

    weights (..., L, m, m), x (N, m). Returns ``(h, g)`` with the
    activations h (..., L, N, m) and the back-propagated gradients
    g = ∂J/∂z_l (..., L, N, m), layer l = 1..L along axis −3.

    >>> h, g = propagate(np.eye(2)[None] * 2.0, np.ones((1, 2)), "relu")
    >>> h.tolist(), g.tolist()
    ([[[2.0, 2.0]]], [[[1.0, 1.0]]])
    """
    check_activation(activation)
    w = check_finite("weights", weights)
    x = check_finite("x", x)
    if w.ndim < 3 or w.shape[-1] != w.shape[-2] or x.ndim != 2 or x.shape[1] != w.shape[-1]:
        raise ValueError(
            f"weights must have shape (..., L, m, m) and x shape (N, m), got {w.shape} and {x.shape}"
        )
    depth = w.shape[-3]
    batch = w.shape[:-3]
    hs, ds = [], []
    h = x
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            z = h @ w[..., layer, :, :]
            h = np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)
            hs.append(h)
            ds.append(1.0 - h * h if activation == "tanh" else (z > 0.0).astype(float))
        g = np.ones_like(hs[-1]) if upstream is None else np.broadcast_to(
            check_finite("upstream", upstream), hs[-1].shape)
        grads = [None] * depth
        for layer in reversed(range(depth)):
            g = g * ds[layer]
            grads[layer] = g
            g = g @ np.swapaxes(w[..., layer, :, :], -1, -2)
    h_all = np.stack([np.broadcast_to(a, batch + a.shape[-2:]) for a in hs], axis=-3)
    return h_all, np.stack(grads, axis=-3)


@dataclass(frozen=True)
class PropagationResult:
    """Per-layer std of activations h_l and of gradients ∂J/∂z_l.

    activation_std, gradient_std (A, S, L) for activations × schemes ×
    layers 1..L; activation_ratio, gradient_ratio (A, S): var at layer L /
    var at layer 1 (forward) and var at layer 1 / var at layer L (backward:
    how much the gradient grew on its way down).
    """

    activations: tuple
    labels: tuple
    schemes: tuple
    layers: np.ndarray
    width: int
    activation_std: np.ndarray
    gradient_std: np.ndarray
    activation_ratio: np.ndarray
    gradient_ratio: np.ndarray


def signal_propagation(
    schemes=DEEP_SCHEMES,
    *,
    activations=("tanh", "relu"),
    depth: int = 10,
    width: int = 128,
    n_samples: int = 128,
    seed: int = 0,
) -> PropagationResult:
    """Std of activations and back-propagated gradients, layer by layer.

    Inputs x ~ N(0, 1) of shape (n_samples, width); ``depth`` square layers
    (no biases) from each scheme; upstream gradient ∂J/∂h_L ~ N(0, 1). The
    same weights (per scheme) are used for every activation. The std is
    pooled over examples and units of a layer.
    """
    schemes = check_schemes(schemes)
    activations = tuple(check_activation(a) for a in activations)
    depth = check_int("depth", depth, low=2)
    width = check_int("width", width, low=1)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    upstream = rng.standard_normal((n_samples, width))
    weights = np.stack([s.weights(rng, width, width, batch_shape=(depth,)) for s in schemes])
    act_std, grad_std = [], []
    for activation in activations:
        h, g = propagate(weights, x, activation, upstream)
        act_std.append(h.std(axis=(-2, -1)))
        grad_std.append(g.std(axis=(-2, -1)))
    act_std, grad_std = np.array(act_std), np.array(grad_std)
    with np.errstate(divide="ignore", invalid="ignore"):
        act_ratio = (act_std[..., -1] / act_std[..., 0]) ** 2
        grad_ratio = (grad_std[..., 0] / grad_std[..., -1]) ** 2
    return PropagationResult(
        activations=activations,
        labels=tuple(s.label for s in schemes),
        schemes=schemes,
        layers=np.arange(1, depth + 1),
        width=width,
        activation_std=act_std,
        gradient_std=grad_std,
        activation_ratio=act_ratio,
        gradient_ratio=grad_ratio,
    )
