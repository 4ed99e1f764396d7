"""The problems of lecture 01.

:func:`noisy_quadratic`, the model problem of claims C1 and C2, and
:func:`digits_problem`, softmax regression on the digits with its J*, the
problem of claim C3.
"""

from __future__ import annotations

import numpy as np

from ..._validation import check_int, check_scalar
from ...problems import LogisticRegression, Quadratic, digits_softmax

__all__ = [
    "digits_problem",
    "noisy_quadratic",
]


def noisy_quadratic(dim: int = 10, noise: float = 1.0) -> Quadratic:
    """The lecture's model problem: J(θ) = ½ Σ_i λ_i θ_i², λ evenly spaced in [1, 2].

    Minibatch gradients carry Gaussian noise of standard deviation σ/√m per
    coordinate (the noisy quadratic model of
    :mod:`coursekit.problems.quadratic`). μ = 1 and L = 2, so SGD with a
    constant ε is stable for ε < 2/L = 1.

    >>> q = noisy_quadratic()
    >>> q.dim, q.mu, q.L
    (10, 1.0, 2.0)
    """
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0)
    eigenvalues = np.linspace(1.0, 2.0, dim) if dim > 1 else np.ones(1)
    return Quadratic(eigenvalues, noise=noise, name="noisy quadratic")


def digits_problem(l2: float = 1e-3, seed: int = 0) -> tuple[LogisticRegression, float]:
    """:func:`coursekit.problems.digits_softmax` and its J*, as ``(problem, J*)``.

    J* comes from Newton's method (``LogisticRegression.minimum``), once per
    (l2, seed): the problem is shared and keeps its minimum.
    """
    l2 = check_scalar("l2", l2, 0.0, low_open=True)
    problem = digits_softmax(l2, check_int("seed", seed, low=0))
    return problem, problem.minimum()[1]

