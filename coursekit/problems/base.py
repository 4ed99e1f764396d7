"""The interface every optimization problem in the course implements.

A problem is a cost J(θ) with its exact gradient ∇J(θ) and a minibatch
estimate g of that gradient (book section 8.3.1). Every method accepts a
*batch* of parameter vectors θ of shape ``(..., d)`` so that many
trajectories (several learning rates, momenta or seeds) run as one numpy
computation.

Stochastic gradients are drawn in two steps so that a runner can choose
between independent noise per trajectory and common random numbers shared
by all trajectories:

1. ``batch = problem.sample_batch(rng, batch_shape, batch_size)`` draws the
   randomness: example indices of shape ``batch_shape + (m,)`` for a
   finite-sum problem, or a noise array for a synthetic one.
2. ``problem.minibatch_grad(theta, batch)`` evaluates g at θ. A batch drawn
   with ``batch_shape=()`` is shared by every trajectory in θ.

The finite-sum problems check their data with the same functions, so that
they speak one vocabulary: :func:`check_design` for X, :func:`check_targets`
or :func:`check_classes` for y, and :func:`check_split` for the optional
held-out split (X_test, y_test).
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    check_finite,
    check_int,
    check_labels,
    check_params_vector,
    check_rng,
    check_scalar,
)

__all__ = [
    "FiniteSumProblem",
    "Problem",
    "check_classes",
    "check_design",
    "check_indices",
    "check_l2",
    "check_split",
    "check_targets",
    "readonly_copy",
]


class Problem:
    """Base class. Subclasses set the attributes and implement the ``_`` methods.

    The public methods validate θ and then call the unchecked ``_`` methods,
    which the runner uses directly so that a diverging trajectory can be
    detected instead of raising.

    Attributes
    ----------
    name : str
        Short human-readable name, used in plot legends.
    dim : int
        d, the length of one parameter vector θ.
    n_train : int or None
        Number of training examples for a finite-sum cost
        J(θ) = (1/n) Σ_i L(x_i, y_i; θ); ``None`` when the gradient noise is
        synthetic (the quadratics).
    minimizer : ndarray or None
        θ*, where known in closed form.
    min_loss : float or None
        J* = J(θ*), where known.
    has_test : bool
        Whether :meth:`test_loss` is available.
    """

    name: str = "problem"
    dim: int
    n_train: int | None = None
    minimizer: np.ndarray | None = None
    min_loss: float | None = None
    has_test: bool = False

    # -- to implement (unchecked: the runner calls these on every step) --
    def _loss(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) for θ of shape (..., d); returns shape (...)."""
        raise NotImplementedError

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        """The exact (full-batch) gradient ∇J(θ), shape (..., d)."""
        raise NotImplementedError

    def _sample_batch(self, rng: np.random.Generator, batch_shape: tuple, batch_size: int):
        """Draw the randomness of one minibatch of size m for each trajectory."""
        raise NotImplementedError

    def _minibatch_grad(self, theta: np.ndarray, batch) -> np.ndarray:
        """The minibatch gradient estimate g at θ for a drawn ``batch``."""
        raise NotImplementedError

    def _test_loss(self, theta: np.ndarray) -> np.ndarray:
        raise ValueError(f"problem {self.name!r} has no test split")

    # -- public, validated ------------------------------------------------
    def loss(self, theta) -> np.ndarray:
        """J(θ) for θ of shape (..., d); returns shape (...)."""
        return self._loss(self.check_theta(theta))

    def grad(self, theta) -> np.ndarray:
        """The exact (full-batch) gradient ∇J(θ), shape (..., d)."""
        return self._grad(self.check_theta(theta))

    def sample_batch(self, rng, batch_shape=(), batch_size: int = 1):
        """Draw one minibatch of size m per trajectory (``batch_shape=()``: shared)."""
        rng = check_rng(rng)
        batch_size = check_int("batch_size", batch_size, low=1)
        return self._sample_batch(rng, tuple(batch_shape), batch_size)

    def minibatch_grad(self, theta, batch) -> np.ndarray:
        """g at θ for a batch from :meth:`sample_batch`."""
        return self._minibatch_grad(self.check_theta(theta), batch)

    def test_loss(self, theta) -> np.ndarray:
        """Cost on the held-out split, shape (...). Only if ``has_test``."""
        return self._test_loss(self.check_theta(theta))

    def check_theta(self, theta) -> np.ndarray:
        """θ as a finite float array of shape (..., d)."""
        return check_params_vector("theta", theta, self.dim)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}, d={self.dim}>"


class FiniteSumProblem(Problem):
    """A cost J(θ) = (1/n) Σ_i L(x_i, y_i; θ) over n training examples.

    A minibatch is a set of example indices drawn uniformly with
    replacement, so its gradient is an unbiased estimate of ∇J (section
    8.3.1). Subclasses implement ``_minibatch_grad(theta, indices)``.
    """

    def _sample_batch(self, rng: np.random.Generator, batch_shape: tuple, batch_size: int):
        """Example indices of shape batch_shape + (m,), uniform with replacement."""
        return rng.integers(0, self.n_train, size=tuple(batch_shape) + (batch_size,))

    def minibatch_grad(self, theta, batch) -> np.ndarray:
        """g at θ for example indices ``batch`` of shape (..., m) from :meth:`sample_batch`."""
        theta = self.check_theta(theta)
        return self._minibatch_grad(theta, check_indices("batch", batch, self.n_train))


def check_indices(name: str, batch, n: int) -> np.ndarray:
    """Integer example indices of shape (..., m), m ≥ 1, each in [0, n)."""
    arr = np.asarray(batch)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an integer index array, got dtype {arr.dtype}")
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (..., m) with m >= 1, got shape {arr.shape}")
    if arr.min() < 0 or arr.max() >= n:
        raise ValueError(
            f"{name} indices must be in [0, {n - 1}], got min {arr.min()}, max {arr.max()}"
        )
    return arr


def readonly_copy(arr) -> np.ndarray:
    """A private read-only copy, so neither the caller nor a user can alter a problem.

    Integer arrays (labels, indices) keep their dtype; the rest become float64.
    """
    arr = np.asarray(arr)
    out = np.array(arr, dtype=arr.dtype if arr.dtype.kind in "iu" else float, copy=True)
    out.setflags(write=False)
    return out


def check_design(name: str, X, n_cols: int | None = None) -> np.ndarray:
    """A finite (n, p) design matrix with n, p ≥ 1, as a private read-only copy."""
    arr = check_finite(name, X)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} must be a matrix of shape (n, p) with n, p >= 1, got shape {arr.shape}"
        )
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} must have {n_cols} columns like X, got shape {arr.shape}")
    return readonly_copy(arr)


def check_l2(l2) -> float:
    """The weight-decay coefficient λ of (λ/2)‖w‖²: one finite number ≥ 0."""
    return check_scalar("l2", l2, 0.0)


def check_targets(name: str, y, n: int, x_name: str = "X") -> np.ndarray:
    """Finite real targets of shape (n,), one per row of the design, as a private read-only copy."""
    arr = check_finite(name, y)
    if arr.shape != (n,):
        raise ValueError(
            f"{name} must have shape ({n},) to match the {n} rows of {x_name}, "
            f"got shape {arr.shape}"
        )
    return readonly_copy(arr)


def check_classes(y, n_classes=None) -> int:
    """C, the number of classes of a classifier trained on the labels ``y``.

    ``n_classes`` if given (an integer ≥ 2). Otherwise C = 1 + the largest
    training label, which must make at least 2 classes: labels that are
    all 0 raise rather than guess a second class. Test labels do not count:
    a class absent from training is an error of the split, reported by
    :func:`check_split`.

    >>> check_classes([0, 2, 1]), check_classes([0, 0], n_classes=2)
    (3, 2)
    """
    if n_classes is not None:
        return check_int("n_classes", n_classes, low=2)
    largest = int(check_labels("y", y).max())
    if largest < 1:
        raise ValueError(
            "n_classes is not given and y holds only class 0, so it cannot be inferred: "
            "pass n_classes (at least 2)"
        )
    return largest + 1


def check_split(X_test, y_test, n_features: int, n_classes: int | None = None) -> tuple:
    """The optional held-out split of a finite-sum problem: ``(X_test, y_test)`` or ``(None, None)``.

    Both are given or neither. X_test is a finite (n_test, p) matrix with
    the p = ``n_features`` columns of X; y_test holds one target per row of
    X_test: class labels in [0, C) for a classifier (``n_classes`` = C),
    finite real numbers otherwise. Both come back as private read-only
    copies; every problem raises the same messages.

    >>> X_test, y_test = check_split([[1.0, 2.0]], [1], n_features=2, n_classes=3)
    >>> X_test.shape, y_test.tolist(), check_split(None, None, n_features=2)
    ((1, 2), [1], (None, None))
    """
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together (or both left as None)")
    if X_test is None:
        return None, None
    X_test = check_design("X_test", X_test, n_cols=n_features)
    n_test = X_test.shape[0]
    if n_classes is None:
        return X_test, check_targets("y_test", y_test, n_test, "X_test")
    labels = check_labels("y_test", y_test, n_classes, n=n_test, x_name="X_test")
    return X_test, readonly_copy(labels)
