"""The momentum updates as the libraries write them, and the exact map to the book.

The book (Algorithms 8.2 and 8.3, eqs. 8.15, 8.16, 8.21, 8.22) keeps a
velocity v that *is* the step: v ← α v − ε g, θ ← θ + v. The libraries keep
a different state and scale it differently. Written from their documented
update rules (no library code is used; b is the "momentum buffer", μ the
library's momentum, lr its learning rate):

=====================  ===============================================  ======================
form                   update                                           gradient taken at
=====================  ===============================================  ======================
PyTorch / optax        b ← μ b + g,  p ← p − lr·b                       p
PyTorch Nesterov       b ← μ b + g,  p ← p − lr·(g + μ b)               p
damped                 v ← β v + (1 − β) g,  p ← p − lr·v, v_0 = 0        p
PyTorch dampening=β    b_1 = g_1, then b ← β b + (1 − β) g,  p ← p − lr·b  p
=====================  ===============================================  ======================

With a *constant* learning rate each is the book's algorithm after an exact
change of variables:

- momentum: α = μ, ε = lr, θ = p, v_book = −lr·b;
- Nesterov: α = μ, ε = lr, v_book = −lr·b, and the library's iterate p is
  the book's interim point θ̃ = θ + α v (so θ = p − α v_book). Proof: with
  b' = μ b + g and v_book = −lr b, −lr b' = α v_book − ε g = v_book'; and
  p' = p − lr g − μ lr b' = θ + α v − ε g + α v' = θ' + α v'.
- damped: α = β, ε = lr·(1 − β), θ = p, v_book = −lr·v. Averaging the
  gradients only rescales the learning rate by (1 − β). With v_0 = 0 this
  is fastai's ``average_grad(dampening=True)`` and Adam's first moment
  before its bias correction. PyTorch's ``SGD(momentum=β, dampening=β)``
  is not quite this form: its buffer starts at the raw first gradient,
  b_1 = g_1, undamped, and only later gradients are multiplied by 1 − β.
  fastai's ``SGD`` does not damp by default (``dampening=False``), so it is
  the PyTorch / optax form.

Why the map breaks when lr changes between steps. The library stores b,
which does not contain lr, and multiplies it by the *current* lr_k. In the
book's variables v_k = −lr_k b_k this gives

    v_k = μ (lr_k / lr_{k−1}) v_{k−1} − lr_k g_k,

which is Algorithm 8.2 with ε_k = lr_k and α_k = μ·lr_k/lr_{k−1}
(:func:`corrected_momentum`): the velocity is rescaled at once when the
rate changes, whereas the book's v carries the old ε until it decays. For
Nesterov the interim point is still p = θ + μ v while the velocity recursion
uses μ·lr_k/lr_{k−1}: two different coefficients where Algorithm 8.3 has one
α_k. On a quadratic with at least two distinct curvatures no choice of
(ε_k, α_k) reproduces it exactly (lecture 06 gives the algebra); with a
single curvature a state-dependent α_k can match each step.

Counter convention: these step functions take the learning rate of each
update as an argument, so the caller decides. The course uses the book's
k = 1, 2, ... (``schedule(k)`` for update k); PyTorch and optax start their
schedules at 0.

>>> p, b = library_trajectory("momentum", lambda p: 2 * p, [1.0], [0.1], momentum=0.9)
>>> p[-1].tolist(), b[-1].tolist()
([0.8], [2.0])
>>> momentum_to_book(p[-1], b[-1], lr=0.1)[1].tolist()   # the book's v = −lr·b
[-0.2]
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import check_finite, check_interval, check_scalar

__all__ = [
    "corrected_momentum",
    "damped_hyperparameters",
    "damped_to_book",
    "library_nesterov_step",
    "library_trajectory",
    "momentum_to_book",
    "nesterov_from_book",
    "nesterov_to_book",
]


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _arrays(names: tuple, values: tuple) -> list:
    """Finite float arrays of one common shape, at least 1-D."""
    arrays = [check_finite(name, value) for name, value in zip(names, values)]
    shape = arrays[0].shape
    if arrays[0].ndim == 0:
        raise ValueError(f"{names[0]} must have shape (..., d), got a scalar")
    for name, arr in zip(names[1:], arrays[1:]):
        if arr.shape != shape:
            raise ValueError(f"{name} must have the shape of {names[0]} {shape}, got {arr.shape}")
    return arrays


def _lr(lr) -> float:
    return check_scalar("lr", lr, 0.0, low_open=True)


def _momentum(momentum, name: str = "momentum") -> float:
    return check_scalar(name, momentum, 0.0, 1.0, high_open=True)


# --------------------------------------------------------------------------
# The library updates
# --------------------------------------------------------------------------


def _momentum_step(params, buffer, grad, lr, momentum):
    """PyTorch's ``SGD(momentum=μ)`` and optax: b ← μ b + g,  p ← p − lr·b, g taken at p.

    Start from b = 0 (PyTorch's first buffer, b = g, is the same thing).
    With a constant lr this is Algorithm 8.2 with α = μ, ε = lr, v = −lr·b.
    """
    params, buffer, grad = _arrays(("params", "buffer", "grad"), (params, buffer, grad))
    lr, momentum = _lr(lr), _momentum(momentum)
    new_buffer = momentum * buffer + grad
    return params - lr * new_buffer, new_buffer


def library_nesterov_step(params, buffer, grad, lr, momentum):
    """One update of PyTorch's ``SGD(momentum=μ, nesterov=True)`` (optax's ``nesterov=True``).

    b ← μ b + g,  p ← p − lr·(g + μ b), with g taken at p and the *new* b.
    With a constant lr, p is the book's interim point θ̃ = θ + α v of
    Algorithm 8.3 (eqs. 8.21, 8.22), α = μ, ε = lr, v = −lr·b.

    >>> p, b = library_nesterov_step([1.0], [0.5], [1.0], lr=0.1, momentum=0.5)
    >>> p.tolist(), b.tolist()
    ([0.8375], [1.25])
    """
    params, buffer, grad = _arrays(("params", "buffer", "grad"), (params, buffer, grad))
    lr, momentum = _lr(lr), _momentum(momentum)
    new_buffer = momentum * buffer + grad
    return params - lr * (grad + momentum * new_buffer), new_buffer


def _damped_step(params, velocity, grad, lr, beta):
    """Damped momentum, an average of the gradients: v ← β v + (1 − β) g,  p ← p − lr·v.

    This is Algorithm 8.2 with α = β and ε = lr·(1 − β) (see
    :func:`damped_hyperparameters`), v_book = −lr·v.
    """
    params, velocity, grad = _arrays(("params", "velocity", "grad"), (params, velocity, grad))
    lr, beta = _lr(lr), _momentum(beta, "beta")
    new_velocity = beta * velocity + (1.0 - beta) * grad
    return params - lr * new_velocity, new_velocity


def _pytorch_damped_step(params, buffer, grad, lr, beta, first=False):
    """PyTorch's ``SGD(momentum=β, dampening=β)``: b_1 = g_1 (undamped), then
    b ← β b + (1 − β) g,  p ← p − lr·b. Not the damped form above: the first
    gradient enters with weight 1 instead of 1 − β.
    """
    params, buffer, grad = _arrays(("params", "buffer", "grad"), (params, buffer, grad))
    lr, beta = _lr(lr), _momentum(beta, "beta")
    new_buffer = grad.copy() if first else beta * buffer + (1.0 - beta) * grad
    return params - lr * new_buffer, new_buffer


_STEPS = {
    "momentum": _momentum_step,
    "nesterov": library_nesterov_step,
    "damped": _damped_step,
    "pytorch_damped": _pytorch_damped_step,
}


def library_trajectory(kind: str, grad_fn: Callable, params0, lrs, momentum):
    """Run len(lrs) library updates from p_0 with b_0 = 0; update k uses lrs[k−1].

    ``kind`` is ``"momentum"``, ``"nesterov"`` (both with ``momentum`` = μ),
    ``"damped"`` or ``"pytorch_damped"`` (``momentum`` = β). ``grad_fn`` maps p (shape (..., d))
    to ∇J(p); every form takes its gradient at the current p.

    Returns
    -------
    (params, buffers) : arrays of shape (K + 1, ..., d), p_0..p_K and b_0..b_K.

    >>> p, b = library_trajectory("momentum", lambda p: 2 * p, [1.0], [0.1, 0.1], 0.5)
    >>> [round(float(x), 12) for x in p[:, 0]]
    [1.0, 0.8, 0.54]
    """
    if kind not in _STEPS:
        raise ValueError(f"kind must be one of {sorted(_STEPS)}, got {kind!r}")
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be a function of params, got {type(grad_fn).__name__}")
    (params,) = _arrays(("params0",), (params0,))
    lrs = check_interval("lrs", lrs, 0.0, low_open=True)
    if lrs.ndim != 1:
        raise ValueError(f"lrs must be a 1-D array of learning rates, got shape {lrs.shape}")
    step = _STEPS[kind]
    buffer = np.zeros_like(params)
    params_out = [params]
    buffers_out = [buffer]
    for i, lr in enumerate(lrs):
        first = {"first": i == 0} if kind == "pytorch_damped" else {}
        params, buffer = step(params, buffer, grad_fn(params), float(lr), momentum, **first)
        params_out.append(params)
        buffers_out.append(buffer)
    return np.stack(params_out), np.stack(buffers_out)


# --------------------------------------------------------------------------
# The change of variables
# --------------------------------------------------------------------------


def _to_book(state_name: str, params, state, lr):
    """(θ, v) = (p, −lr·state): the change of variables shared by momentum and damped."""
    params, state = _arrays(("params", state_name), (params, state))
    return params.copy(), -_lr(lr) * state


def momentum_to_book(params, buffer, lr):
    """Library momentum state (p, b) → book state (θ, v) of Algorithm 8.2.

    θ = p, v = −lr·b, with lr the rate of the update that produced b.

    >>> momentum_to_book([1.0], [2.0], lr=0.1)[1].tolist()
    [-0.2]
    """
    return _to_book("buffer", params, buffer, lr)


def nesterov_to_book(params, buffer, lr, momentum):
    """Library Nesterov state (p, b) → book state (θ, v) of Algorithm 8.3.

    v = −lr·b and θ = p − α v with α = μ: the library's iterate p is the
    book's interim point θ̃ = θ + α v (eq. 8.21).

    >>> theta, v = nesterov_to_book([1.0], [2.0], lr=0.1, momentum=0.5)
    >>> theta.tolist(), v.tolist()
    ([1.1], [-0.2])
    """
    params, buffer = _arrays(("params", "buffer"), (params, buffer))
    velocity = -_lr(lr) * buffer
    return params - _momentum(momentum) * velocity, velocity


def nesterov_from_book(theta, velocity, lr, momentum):
    """Book state (θ, v) of Algorithm 8.3 → library Nesterov state (p, b) = (θ + α v, −v/lr).

    >>> p, b = nesterov_from_book([1.1], [-0.2], lr=0.1, momentum=0.5)
    >>> round(float(p[0]), 12), b.tolist()
    (1.0, [2.0])
    """
    theta, velocity = _arrays(("theta", "velocity"), (theta, velocity))
    lr, momentum = _lr(lr), _momentum(momentum)
    return theta + momentum * velocity, -velocity / lr


def damped_hyperparameters(lr, beta):
    """(ε, α) of Algorithm 8.2 equal to damped momentum with (lr, β): (lr·(1 − β), β).

    >>> damped_hyperparameters(0.5, 0.75)
    (0.125, 0.75)
    """
    lr, beta = _lr(lr), _momentum(beta, "beta")
    return lr * (1.0 - beta), beta


def damped_to_book(params, velocity, lr):
    """Damped state (p, v_damped) → book state (θ, v) = (p, −lr·v_damped).

    >>> damped_to_book([1.0], [0.5], lr=0.1)[1].tolist()
    [-0.05]
    """
    return _to_book("velocity", params, velocity, lr)


def corrected_momentum(lrs, momentum):
    """α_k = μ·lr_k/lr_{k−1} for k ≥ 2 (α_1 = μ): the book's momentum that matches
    PyTorch/optax momentum when the learning rate changes between steps.

    With v_k = −lr_k b_k, the library's b_k = μ b_{k−1} + g_k becomes
    v_k = α_k v_{k−1} − lr_k g_k, i.e. Algorithm 8.2 with ε_k = lr_k and this
    α_k. (α_1 multiplies v_0 = 0, so its value does not matter.) A rate that
    grows faster than 1/μ per step gives α_k ≥ 1, outside the book's range.

    >>> corrected_momentum([0.1, 0.1, 0.05], 0.9).tolist()
    [0.9, 0.9, 0.45]
    """
    lrs = check_interval("lrs", lrs, 0.0, low_open=True)
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D array of learning rates, got shape {lrs.shape}")
    momentum = _momentum(momentum)
    alphas = np.full(lrs.shape, momentum)
    alphas[1:] = momentum * lrs[1:] / lrs[:-1]
    return alphas
