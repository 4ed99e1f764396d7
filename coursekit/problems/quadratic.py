"""Convex quadratics with synthetic gradient noise: the course's model problem.

J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) + J*,  H = Q diag(λ) Qᵀ,

the second-order model of any cost near a minimum (book section 4.3,
eq. 4.8). Its condition number κ = L/μ = max λ / min λ (section 4.2) sets how
badly gradient descent zig-zags, which is the situation of Figure 8.5.

There are no training examples, so a minibatch is modelled by its effect:
the minibatch gradient is the exact gradient plus isotropic Gaussian noise
of standard deviation σ/√m per coordinate, as if each example's gradient
had noise of standard deviation σ (the "noisy quadratic model" of Zhang et
al., 2019, "Which algorithmic choices matter at which batch sizes?").
"""

from __future__ import annotations

import numpy as np

from ..initializers import orthogonal
from .._validation import check_finite, check_int, check_interval, check_rng
from .base import Problem, readonly_copy

__all__ = ["Quadratic", "canyon", "haar_orthogonal", "quadratic_with_spectrum"]


class Quadratic(Problem):
    """J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) + J* with H = Q diag(λ) Qᵀ.

    Parameters
    ----------
    hessian_eigenvalues : array_like, shape (d,)
        λ_1..λ_d, finite and ≥ 0. A zero eigenvalue gives a convex cost that
        is not strongly convex.
    rotation : array_like, shape (d, d), optional
        Orthogonal Q whose columns are the eigenvectors of H. Default: the
        identity (axis-aligned).
    minimizer : array_like, shape (d,), optional
        θ*. Default: the origin.
    min_loss : float
        J* = J(θ*).
    noise : float
        σ ≥ 0, the standard deviation per coordinate of one example's
        gradient noise. A minibatch of size m has noise σ/√m.
    name : str, optional
        Legend label.

    Attributes
    ----------
    eigenvalues, hessian, mu, L, condition_number, minimizer, min_loss, noise
        λ (read-only copy), H (d × d), μ = min λ, L = max λ, κ = L/μ
        (``inf`` when μ = 0), θ*, J*, σ.

    Examples
    --------
    >>> q = Quadratic([1.0, 10.0])
    >>> float(q.loss([1.0, 1.0]))
    5.5
    >>> q.grad([1.0, 1.0]).tolist()
    [1.0, 10.0]
    """

    def __init__(
        self,
        hessian_eigenvalues,
        rotation=None,
        minimizer=None,
        min_loss: float = 0.0,
        noise: float = 0.0,
        name: str | None = None,
    ):
        lam = readonly_copy(check_finite("hessian_eigenvalues", hessian_eigenvalues))
        if lam.ndim != 1 or lam.size == 0:
            raise ValueError(
                f"hessian_eigenvalues must have shape (d,) with d >= 1, got shape {lam.shape}"
            )
        check_interval("hessian_eigenvalues", lam, 0.0)
        d = lam.size

        if rotation is None:
            q = np.eye(d)
        else:
            q = check_finite("rotation", rotation)
            if q.shape != (d, d):
                raise ValueError(f"rotation must have shape ({d}, {d}), got shape {q.shape}")
            err = float(np.max(np.abs(q.T @ q - np.eye(d))))
            if err > 1e-8:
                raise ValueError(
                    f"rotation must be orthogonal (Q^T Q = I within 1e-8), "
                    f"got max |Q^T Q - I| = {err:.3g}"
                )
        self._axis_aligned = bool(np.array_equal(q, np.eye(d)))

        if minimizer is None:
            theta_star = np.zeros(d)
        else:
            theta_star = check_finite("minimizer", minimizer)
            if theta_star.shape != (d,):
                raise ValueError(
                    f"minimizer must have shape ({d},), got shape {theta_star.shape}"
                )

        self.dim = d
        self.eigenvalues = lam
        self.rotation = readonly_copy(q)
        # Symmetrize so that H (θ − θ*) is exactly the gradient of a symmetric form.
        h = (q * lam) @ q.T
        self.hessian = readonly_copy(0.5 * (h + h.T))
        self.minimizer = readonly_copy(theta_star)
        self.min_loss = float(check_finite("min_loss", min_loss))
        self.noise = float(check_interval("noise", check_finite("noise", noise), 0.0))
        self.mu = float(lam.min())
        self.L = float(lam.max())
        self.condition_number = self.L / self.mu if self.mu > 0 else np.inf
        self.n_train = None
        self.name = name if name is not None else f"quadratic d={d}"

    # -- unchecked hot path -------------------------------------------------
    def _eigen_coords(self, theta: np.ndarray) -> np.ndarray:
        """z = Qᵀ(θ − θ*), shape (..., d)."""
        diff = theta - self.minimizer
        if self._axis_aligned:
            return diff
        # One matrix product per trajectory (stacked matmul), so a row computed
        # inside a batch is bitwise equal to the same row computed alone.
        return (diff[..., None, :] @ self.rotation)[..., 0, :]

    def _loss(self, theta: np.ndarray) -> np.ndarray:
        """½ Σ_i λ_i z_i² + J* in eigen-coordinates: never below J*, even in rounding."""
        # A diverging run may overflow to inf/nan; the runner detects that, silently.
        with np.errstate(over="ignore", invalid="ignore"):
            z = self._eigen_coords(theta)
            return 0.5 * np.sum(self.eigenvalues * z * z, axis=-1) + self.min_loss

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) = H (θ − θ*)."""
        with np.errstate(over="ignore", invalid="ignore"):
            diff = theta - self.minimizer
            if self._axis_aligned:
                return self.eigenvalues * diff
            return (diff[..., None, :] @ self.hessian)[..., 0, :]

    def _sample_batch(self, rng: np.random.Generator, batch_shape: tuple, batch_size: int):
        """Noise ξ of shape batch_shape + (d,), each entry N(0, σ²/m)."""
        shape = tuple(batch_shape) + (self.dim,)
        if self.noise == 0.0:
            return np.zeros(shape)
        return rng.standard_normal(shape) * (self.noise / np.sqrt(batch_size))

    def _minibatch_grad(self, theta: np.ndarray, batch) -> np.ndarray:
        """g = ∇J(θ) + ξ (a shared ξ of shape (d,) broadcasts over all θ)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._grad(theta) + batch

    def minibatch_grad(self, theta, batch) -> np.ndarray:
        """g at θ for a noise array ``batch`` from :meth:`sample_batch`."""
        theta = self.check_theta(theta)
        batch = check_finite("batch", batch)
        if batch.ndim == 0 or batch.shape[-1] != self.dim:
            raise ValueError(
                f"batch must be a noise array of shape (..., {self.dim}), got shape {batch.shape}"
            )
        return self._minibatch_grad(theta, batch)

    # -- closed forms ---------------------------------------------------------
    def stationary_excess_loss(self, lr, batch_size: int):
        """E[J(θ) − J*] of SGD with constant ε and minibatch size m, at stationarity.

        Along eigen-direction i, with x = (Qᵀ(θ − θ*))_i, one SGD step
        (Algorithm 8.1) is x ← (1 − ελ_i) x − ε ξ with ξ ~ N(0, σ²/m). For
        0 < ελ_i < 2 the recursion is a stable AR(1) process whose stationary
        variance is

            v_i = ε² σ²/m / (1 − (1 − ελ_i)²) = ε σ² / (m λ_i (2 − ελ_i)).

        The excess loss is ½ Σ_i λ_i v_i, so

            E[J − J*] = Σ_{i: λ_i > 0} ε σ² / (2 m (2 − ε λ_i)).

        Directions with λ_i = 0 wander freely but do not change J. The floor
        is proportional to ε for small ε and to 1/m: claim C2 of the course.

        Parameters
        ----------
        lr : float or array_like
            ε, with 0 < ε λ_i < 2 for every λ_i > 0 (i.e. ε < 2/L).
        batch_size : int
            m ≥ 1.

        Returns
        -------
        float or ndarray shaped like ``lr``.

        Examples
        --------
        >>> Quadratic([1.0], noise=1.0).stationary_excess_loss(0.5, 1)
        0.16666666666666666
        """
        batch_size = check_int("batch_size", batch_size, low=1)
        eps = check_interval("lr", lr, 0.0, low_open=True)
        if self.L > 0 and np.any(eps * self.L >= 2.0):
            # Beyond 2/L the largest-curvature direction diverges: no stationary law.
            raise ValueError(
                f"lr must be in (0, 2/L) = (0, {2.0 / self.L:.6g}) for SGD to be stable "
                f"on this quadratic (L = {self.L:.6g}), got {lr!r}"
            )
        lam = self.eigenvalues[self.eigenvalues > 0]
        var = self.noise**2 / batch_size
        out = np.sum(
            eps[..., None] * var / (2.0 * (2.0 - eps[..., None] * lam)), axis=-1
        )
        return float(out) if out.ndim == 0 else out


def canyon(condition_number: float = 50.0, scale: float = 1.0, noise: float = 0.0) -> Quadratic:
    """The 2-D ill-conditioned quadratic of the book's Figure 8.5 (section 8.3.2).

    J(θ) = ½ (λ_1 θ_1² + λ_2 θ_2²) with λ = (scale, scale·κ): axis-aligned,
    minimum at the origin. The level sets are a long narrow valley along
    θ_1; gradient descent with a step small enough for the steep θ_2
    direction zig-zags across the valley and crawls along it, which is what
    momentum fixes (claim C13).

    Examples
    --------
    >>> c = canyon(50.0)
    >>> c.eigenvalues.tolist(), c.condition_number
    ([1.0, 50.0], 50.0)
    """
    kappa = float(check_interval("condition_number", condition_number, 1.0))
    scale = float(check_interval("scale", scale, 0.0, low_open=True))
    return Quadratic(
        [scale, scale * kappa], noise=noise, name=f"canyon kappa={kappa:g}"
    )


def quadratic_with_spectrum(eigenvalues, rng=None, noise: float = 0.0) -> Quadratic:
    """A d-dimensional quadratic with Hessian spectrum ``eigenvalues``.

    With ``rng`` the eigenvectors are a Haar-random rotation Q: the QR
    factorization of a standard Gaussian matrix, with each column of Q
    multiplied by the sign of the matching diagonal entry of R so that the
    distribution is uniform over the orthogonal group (Mezzadri, 2007,
    "How to generate random matrices from the classical compact groups").
    Without ``rng``, Q is the identity.

    Examples
    --------
    >>> q = quadratic_with_spectrum([1.0, 4.0, 9.0], rng=np.random.default_rng(0))
    >>> bool(np.allclose(np.linalg.eigvalsh(q.hessian), [1.0, 4.0, 9.0]))
    True
    """
    lam = check_finite("eigenvalues", eigenvalues)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"eigenvalues must have shape (d,) with d >= 1, got shape {lam.shape}")
    rotation = None
    if rng is not None:
        rng = check_rng(rng)
        rotation = haar_orthogonal(lam.size, rng)
    return Quadratic(lam, rotation=rotation, noise=noise)


def haar_orthogonal(d: int, rng: np.random.Generator, k: int | None = None) -> np.ndarray:
    """A Haar-random d × d orthogonal matrix, or its first k columns (shape (d, k)).

    Sign-corrected QR of a d × k standard Gaussian matrix: multiplying each
    column of Q by the sign of the matching diagonal entry of R makes the
    factorization unique, which makes Q uniformly distributed (Mezzadri, 2007).

    Examples
    --------
    >>> q = haar_orthogonal(3, np.random.default_rng(0))
    >>> bool(np.allclose(q.T @ q, np.eye(3)))
    True
    """
    d = check_int("d", d, low=1)
    k = d if k is None else check_int("k", k, low=1, high=d)
    # The same draw as the section 8.4 orthogonal initializer (one implementation).
    return orthogonal(rng, d, k)
