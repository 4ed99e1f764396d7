"""The library forms of :mod:`coursekit.conventions` against the book's Algorithms 8.2 and 8.3,
at a constant rate, under a changing rate, and the best α per step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import conventions, optimizers, schedules
from ..._validation import check_int, check_scalar
from ...problems import canyon, quadratic_with_spectrum
from ...runner import run
from ._common import _theta0

__all__ = ["AlphaFit", "ChangingLR", "ConventionCheck", "alpha_fit", "changing_lr",
           "convention_equivalence"]


def _book_trajectory(kind: str, problem, theta0, lrs, alphas):
    """Algorithm 8.2 or 8.3 with ε_k = lrs[k−1] and α_k = alphas[k−1]: θ_k and v_k, k = 0..K."""
    factory = optimizers.nesterov if kind == "nesterov" else optimizers.momentum
    optimizer = factory(schedules.table(lrs), schedules.table(alphas))
    result = run(problem, optimizer, theta0, len(lrs), keep_path=True)
    return result.theta, result.velocity


def _library_in_book_variables(kind, problem, theta0, lrs, momentum):
    """Run a library form and convert every state to (θ_k, v_k) with the rate of update k."""
    params, buffers = conventions.library_trajectory(kind, problem.grad, theta0, lrs, momentum)
    rates = np.concatenate([[lrs[0]], lrs])  # b_0 = 0: any rate converts it
    thetas, velocities = [], []
    for p, b, lr in zip(params, buffers, rates):
        if kind == "nesterov":
            theta, v = conventions.nesterov_to_book(p, b, lr, momentum)
        elif kind in ("damped", "pytorch_damped"):
            theta, v = conventions.damped_to_book(p, b, lr)
        else:
            theta, v = conventions.momentum_to_book(p, b, lr)
        thetas.append(theta)
        velocities.append(v)
    return np.array(thetas), np.array(velocities)


def _difference(a, b) -> np.ndarray:
    """max |θ − θ'| and |v − v'| over coordinates, per step: shape (K+1,)."""
    return np.maximum(np.abs(a[0] - b[0]).max(axis=-1), np.abs(a[1] - b[1]).max(axis=-1))


@dataclass(frozen=True)
class ConventionCheck:
    """Library forms vs the book's, constant rate; (K+1,) max |difference| per step.

    momentum: PyTorch/optax momentum vs Algorithm 8.2 (α = μ, ε = lr);
    nesterov: PyTorch Nesterov vs Algorithm 8.3 (p = θ + αv);
    damped: damped momentum (lr, β) from v_0 = 0 vs Algorithm 8.2 with
    ε = lr(1 − β), α = β; pytorch_damped: PyTorch's ``dampening=β``, whose
    first gradient is not damped, vs the same (the control: not equal).
    """

    steps: np.ndarray
    momentum: np.ndarray
    nesterov: np.ndarray
    damped: np.ndarray
    pytorch_damped: np.ndarray
    max_momentum: float
    max_nesterov: float
    max_damped: float
    max_pytorch_damped: float
    lr: float
    mu: float
    beta: float


def convention_equivalence(steps: int = 100, lr: float = 0.02, momentum: float = 0.9,
                           beta: float = 0.9, condition_number: float = 50.0,
                           theta0=(-1.0, 0.5)) -> ConventionCheck:
    """Run each library form and the book's algorithm for ``steps`` updates on the canyon.

    The library states are converted to the book's (θ, v) with the maps of
    :mod:`coursekit.conventions`; the result is the largest difference.
    Exact arithmetic would give 0; float64 gives rounding only.
    """
    steps = check_int("steps", steps, low=1, high=100_000)
    lr = check_scalar("lr", lr, 0.0, low_open=True)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    beta = check_scalar("beta", beta, 0.0, 1.0, high_open=True)
    problem = canyon(condition_number)
    start = _theta0(theta0)
    lrs = np.full(steps, lr)
    diffs = {}
    for kind in ("momentum", "nesterov"):
        book = _book_trajectory(kind, problem, start, lrs, np.full(steps, momentum))
        diffs[kind] = _difference(book, _library_in_book_variables(kind, problem, start, lrs, momentum))
    eps, alpha = conventions.damped_hyperparameters(lr, beta)
    book = _book_trajectory("momentum", problem, start, np.full(steps, eps), np.full(steps, alpha))
    for kind in ("damped", "pytorch_damped"):
        diffs[kind] = _difference(book, _library_in_book_variables(kind, problem, start, lrs, beta))
    return ConventionCheck(
        steps=np.arange(steps + 1), momentum=diffs["momentum"], nesterov=diffs["nesterov"],
        damped=diffs["damped"], pytorch_damped=diffs["pytorch_damped"],
        max_momentum=float(diffs["momentum"].max()), max_nesterov=float(diffs["nesterov"].max()),
        max_damped=float(diffs["damped"].max()), max_pytorch_damped=float(diffs["pytorch_damped"].max()),
        lr=lr, mu=momentum, beta=beta,
    )


@dataclass(frozen=True)
class ChangingLR:
    """Library forms vs the book's when lr_k changes; (K+1,) max |difference| per step.

    ``*_naive``: the book with α = μ, ε_k = lr_k; ``*_corrected``: the book
    with α_k = μ·lr_k/lr_{k−1} (:func:`coursekit.conventions.corrected_momentum`).
    """

    steps: np.ndarray
    lrs: np.ndarray
    alphas: np.ndarray
    momentum_naive: np.ndarray
    momentum_corrected: np.ndarray
    nesterov_naive: np.ndarray
    nesterov_corrected: np.ndarray
    max_momentum_naive: float
    max_momentum_corrected: float
    max_nesterov_naive: float
    max_nesterov_corrected: float


def changing_lr(steps: int = 100, lr0: float = 0.02, rate: float = 0.5, every: int = 25,
                momentum: float = 0.9, condition_number: float = 50.0,
                theta0=(-1.0, 0.5)) -> ChangingLR:
    """The change of variables under a step-decay rate lr_k = lr_0·r^⌊(k−1)/s⌋.

    PyTorch/optax multiply the stored buffer by the current lr_k, so the
    book's v = −lr·b is rescaled whenever the rate changes. Momentum is
    recovered exactly with α_k = μ·lr_k/lr_{k−1}; Nesterov is not (its
    interim point keeps μ while its velocity uses α_k), with either α.
    """
    steps = check_int("steps", steps, low=1, high=100_000)
    every = check_int("every", every, low=1)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    lrs = schedules.step_decay(lr0, rate, every)(np.arange(1, steps + 1))
    problem = canyon(condition_number)
    start = _theta0(theta0)
    alphas = conventions.corrected_momentum(lrs, momentum)
    constant_alpha = np.full(steps, momentum)
    out = {}
    for kind in ("momentum", "nesterov"):
        library = _library_in_book_variables(kind, problem, start, lrs, momentum)
        out[f"{kind}_naive"] = _difference(_book_trajectory(kind, problem, start, lrs, constant_alpha), library)
        out[f"{kind}_corrected"] = _difference(_book_trajectory(kind, problem, start, lrs, alphas), library)
    return ChangingLR(
        steps=np.arange(steps + 1), lrs=lrs, alphas=alphas, **out,
        **{f"max_{name}": float(values.max()) for name, values in out.items()},
    )


@dataclass(frozen=True)
class AlphaFit:
    """The best α per step, fitted to PyTorch's Nesterov iterates under a changing lr.

    For each update k ≥ 2, Algorithm 8.3 with ε_k = lr_k whose gradient points
    were PyTorch's p_{k−2}, p_{k−1} is at θ_k = p_{k−1} − lr_k ∇J(p_{k−1}) with
    v_k = θ_k − θ_{k−1}; its next gradient point is θ_k + α v_k. ``alpha``
    (K−1,): the α that brings it closest to PyTorch's p_k (least squares);
    ``residual`` (K−1,): the remaining ‖θ_k + α v_k − p_k‖ / ‖p_k − p_{k−1}‖;
    ``changes`` (K−1,) bool: lr_k ≠ lr_{k−1}, a step where the rate has just changed.
    ``residual_1d``: the same on a 1-D quadratic (one eigenvalue), the control.
    """

    alpha: np.ndarray
    residual: np.ndarray
    changes: np.ndarray
    residual_1d: np.ndarray
    lrs: np.ndarray


def _alpha_fit(problem, start, lrs, momentum):
    params, _ = conventions.library_trajectory("nesterov", problem.grad, start, lrs, momentum)
    params = np.asarray(params)
    # θ_k = p_{k−1} − ε_k ∇J(p_{k−1}) for k = 1..K (Algorithm 8.3: θ_k = θ̃_k − ε_k g_k).
    theta = params[:-1] - lrs[:, None] * problem.grad(params[:-1])
    v = np.diff(theta, axis=0)                       # v_k = θ_k − θ_{k−1}, k = 2..K
    target = params[2:] - theta[1:]                  # p_k − θ_k, the look-ahead needed
    alpha = np.sum(v * target, axis=1) / np.sum(v * v, axis=1)
    residual = np.linalg.norm(alpha[:, None] * v - target, axis=1)
    return alpha, residual / np.linalg.norm(np.diff(params, axis=0)[1:], axis=1)


def alpha_fit(steps: int = 10, lr0: float = 0.015, rate: float = 0.5, drop: int = 3,
              momentum: float = 0.9, condition_number: float = 50.0, theta0=(-1.0, 0.5)) -> AlphaFit:
    """Fit one α per step so that Algorithm 8.3 follows PyTorch's Nesterov; the rate drops once.

    lr_k = lr_0 for k < ``drop`` and lr_0·rate from update ``drop`` on. On a
    quadratic with two eigenvalues (the canyon) no single α fits the step
    where lr changes; with one eigenvalue one α fits every step (the
    control). The drop comes early, while both eigen-directions of the
    error are still large: once one has decayed the problem is 1-D in effect.
    """
    steps = check_int("steps", steps, low=3, high=100_000)
    drop = check_int("drop", drop, low=2, high=steps)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    lr0 = check_scalar("lr0", lr0, 0.0, low_open=True)
    rate = check_scalar("rate", rate, 0.0, low_open=True)
    k = np.arange(1, steps + 1)
    lrs = np.where(k < drop, lr0, lr0 * rate)
    start = _theta0(theta0)
    alpha, residual = _alpha_fit(canyon(condition_number), start, lrs, momentum)
    _, residual_1d = _alpha_fit(quadratic_with_spectrum([1.0]), start[:1], lrs, momentum)
    return AlphaFit(alpha=alpha, residual=residual, changes=lrs[1:] != lrs[:-1],
                    residual_1d=residual_1d, lrs=lrs)
