"""Linear least squares: the simplest finite-sum cost.

J(θ) = (1/(2n)) ||Xθ − y||² + (l2/2) ||θ||²,

the mean squared error of linear regression (book section 5.1.4) with an
optional weight-decay term (section 7.1.1). Its Hessian H = XᵀX/n + l2·I is
constant, so μ, L and the minimizer are known exactly; a design X of rank
r < d with l2 = 0 gives a convex cost that is not strongly convex, the
setting of the O(1/k) versus O(1/k²) comparison of section 8.3.3.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite, check_int, check_interval, check_rng
from .base import FiniteSumProblem, check_design, check_l2, check_split, check_targets, readonly_copy
from .quadratic import haar_orthogonal

__all__ = ["LeastSquares", "make_least_squares"]


class LeastSquares(FiniteSumProblem):
    """J(θ) = (1/(2n)) Σ_i (x_iᵀθ − y_i)² + (l2/2) ||θ||².

    Parameters
    ----------
    X : array_like, shape (n, d)
        Design matrix, finite.
    y : array_like, shape (n,)
        Targets, finite.
    X_test, y_test : array_like, optional
        A held-out split, shapes (n_test, d) and (n_test,); give both or neither.
    l2 : float
        Weight-decay coefficient ≥ 0.
    name : str, optional
        Legend label.

    Attributes
    ----------
    hessian : ndarray, shape (d, d)
        H = XᵀX/n + l2·I.
    L, mu : float
        Largest and smallest eigenvalue of H; ``mu`` is exactly 0.0 when it is
        below 1e-12·L (a singular Hessian up to rounding).
    condition_number : float
        L/μ, ``inf`` when μ = 0.
    strongly_convex : bool
        ``mu > 0``.
    minimizer, min_loss
        θ* and J*. With l2 = 0, θ* is the minimum-norm least-squares solution
        (``np.linalg.lstsq``), which is the point gradient descent started at
        the origin converges to; with l2 > 0 it solves (XᵀX/n + l2 I) θ = Xᵀy/n
        (the normal equations, section 5.1.4).

    Examples
    --------
    >>> p = LeastSquares([[1.0, 0.0], [0.0, 2.0]], [1.0, 2.0])
    >>> p.minimizer.tolist(), p.min_loss
    ([1.0, 1.0], 0.0)
    >>> float(p.loss([0.0, 0.0]))
    1.25
    """

    def __init__(self, X, y, X_test=None, y_test=None, l2: float = 0.0, name: str | None = None):
        self.X = check_design("X", X)
        n, d = self.X.shape
        self.y = check_targets("y", y, n)
        self.l2 = check_l2(l2)
        self.dim = d
        self.n_train = n
        self.X_test, self.y_test = check_split(X_test, y_test, n_features=d)
        self.has_test = self.X_test is not None

        hessian = self.X.T @ self.X / n + self.l2 * np.eye(d)
        self.hessian = readonly_copy(0.5 * (hessian + hessian.T))
        eig = np.linalg.eigvalsh(self.hessian)
        self.L = float(eig[-1])
        self.mu = float(eig[0]) if eig[0] > 1e-12 * self.L else 0.0
        self.strongly_convex = self.mu > 0.0
        self.condition_number = self.L / self.mu if self.strongly_convex else np.inf

        if self.l2 > 0 or self.condition_number < 1e6:
            # The d×d normal equations: far cheaper than lstsq on the n×d design
            # (0.03 s against 0.6 s at n = 10⁶, d = 20), and accurate while H is
            # well conditioned (relative error about κ·10⁻¹⁶ in θ*, its square in J*).
            theta_star = np.linalg.solve(self.hessian, self.X.T @ self.y / n)
        else:
            theta_star = np.linalg.lstsq(self.X, self.y, rcond=None)[0]
        self.minimizer = readonly_copy(theta_star)
        self.min_loss = float(self._loss(self.minimizer))
        self.name = name if name is not None else f"least squares n={n} d={d}"

    # -- unchecked hot path -------------------------------------------------
    # Each product is a stacked matmul, one BLAS call per trajectory, so a row
    # computed in a batch is bitwise equal to the same row computed alone, and
    # the full gradient is bitwise equal to a minibatch of all n indices.
    @staticmethod
    def _residual(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """r = Xθ − y, shape (..., n); X may itself be batched (..., n, d)."""
        return (X @ theta[..., None])[..., 0] - y

    def _penalty(self, theta: np.ndarray) -> np.ndarray:
        return 0.5 * self.l2 * np.sum(theta * theta, axis=-1)

    def _loss(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) = ½ mean(r²) + (l2/2)||θ||², shape (...)."""
        # A diverging run may overflow to inf/nan; the runner detects that, silently.
        with np.errstate(over="ignore", invalid="ignore"):
            r = self._residual(theta, self.X, self.y)
            loss = 0.5 * np.mean(r * r, axis=-1)
            return loss + self._penalty(theta) if self.l2 else loss

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) = Xᵀ(Xθ − y)/n + l2 θ, shape (..., d)."""
        return self._gradient_on(theta, self.X, self.y)

    def _gradient_on(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """(1/m) X_Bᵀ(X_B θ − y_B) + l2 θ for rows X_B (m, d) or batched (..., m, d)."""
        with np.errstate(over="ignore", invalid="ignore"):
            r = self._residual(theta, X, y)
            g = (r[..., None, :] @ X)[..., 0, :] / X.shape[-2]
            return g + self.l2 * theta if self.l2 else g

    def _minibatch_grad(self, theta: np.ndarray, batch) -> np.ndarray:
        """g = (1/m) Σ_{i∈B} ∇L_i(θ) (Algorithm 8.1), for indices B of shape (..., m)."""
        return self._gradient_on(theta, self.X[batch], self.y[batch])

    def _test_loss(self, theta: np.ndarray) -> np.ndarray:
        """½ mean((X_test θ − y_test)²), without the weight-decay term."""
        if not self.has_test:
            return super()._test_loss(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            r = self._residual(theta, self.X_test, self.y_test)
            return 0.5 * np.mean(r * r, axis=-1)


def make_least_squares(
    n: int,
    d: int,
    rng,
    noise: float = 0.1,
    rank: int | None = None,
    condition_number: float | None = None,
    n_test: int = 0,
) -> LeastSquares:
    """A random least-squares problem with a design of chosen rank and conditioning.

    The features live in an r-dimensional subspace spanned by the columns of
    a Haar-random V (d × r), r = ``rank`` (default min(n, d)); r < d makes
    XᵀX/n singular, so the cost is convex but not strongly convex.

    - ``condition_number=None``: rows x = V z with z ~ N(0, I_r) (for r = d
      an isotropic Gaussian design).
    - ``condition_number=κ``: X = √n U diag(s) Vᵀ with U (n × r) Haar and
      s² geometrically spaced from 1 down to 1/κ, so the nonzero eigenvalues
      of XᵀX/n are exactly s²: L = 1, μ = 1/κ on the row space. Test rows
      are V diag(s) z with z ~ N(0, I_r), the same second moment.

    Targets are y = Xθ_true + noise·N(0, 1) with θ_true ~ N(0, I_d), for
    both splits.

    Examples
    --------
    >>> p = make_least_squares(100, 5, np.random.default_rng(0), rank=3, condition_number=10.0)
    >>> p.strongly_convex, round(p.L, 12)
    (False, 1.0)
    """
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=1)
    rng = check_rng(rng)
    noise = float(check_interval("noise", check_finite("noise", noise), 0.0))
    rank = min(n, d) if rank is None else check_int("rank", rank, low=1, high=min(n, d))
    n_test = check_int("n_test", n_test, low=0)

    basis = haar_orthogonal(d, rng, rank)  # V, d × r
    if condition_number is None:
        scales = np.ones(rank)
        X = rng.standard_normal((n, rank)) @ basis.T
    else:
        kappa = float(check_interval("condition_number", condition_number, 1.0, 1e10))
        if rank == 1 and kappa != 1.0:
            raise ValueError(f"condition_number must be 1 when rank == 1, got {kappa:g}")
        scales = np.sqrt(np.geomspace(1.0, 1.0 / kappa, rank))
        left = haar_orthogonal(n, rng, rank)  # U, n × r
        X = np.sqrt(n) * (left * scales) @ basis.T
    theta_true = rng.standard_normal(d)
    y = X @ theta_true + noise * rng.standard_normal(n)

    X_test = y_test = None
    if n_test > 0:
        X_test = (rng.standard_normal((n_test, rank)) * scales) @ basis.T
        y_test = X_test @ theta_true + noise * rng.standard_normal(n_test)

    name = f"least squares n={n} d={d}" + (f" rank={rank}" if rank < d else "")
    return LeastSquares(X, y, X_test=X_test, y_test=y_test, name=name)

