"""Logistic and softmax regression: a smooth convex classification cost.

J(θ) = (1/n) Σ_i −log p(y_i | x_i; θ) + (l2/2) ||w||²,

the mean cross-entropy of a linear model (book section 5.7.1 for two
classes, p(y = 1 | x) = σ(θᵀx); section 6.2.2.3, eq. 6.29, for the softmax
over C > 2 classes) with weight decay on the weights w only (section 7.1.1):
the intercept is not penalized, so the penalty does not pull the predicted
class frequencies towards uniform.

Parameter layout. Two classes: θ = (w_1, ..., w_p, b), length d = p + 1
(just p without an intercept). C > 2 classes: θ is the row-major
flattening of a (p + 1) × C matrix W whose column c scores class c and
whose last row holds the C intercepts, d = (p + 1)·C;
``W = theta.reshape(..., p + 1, C)``.
"""

from __future__ import annotations

import functools

import numpy as np

from .._validation import check_bool, check_finite, check_int, check_labels, check_scalar
from .base import FiniteSumProblem, check_classes, check_design, check_l2, check_split, readonly_copy

__all__ = ["LogisticRegression", "digits_softmax"]


class LogisticRegression(FiniteSumProblem):
    """Mean cross-entropy of a linear classifier, with optional weight decay.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Features, finite.
    y : array_like, shape (n,)
        Integer class labels in {0, ..., C − 1}.
    n_classes : int, optional
        C ≥ 2. Default: 1 + the largest label of ``y``, which must then
        hold at least 2 classes (labels all 0 raise: pass ``n_classes``).
        C = 2 gives the sigmoid model, C > 2 the multinomial softmax model
        (see the module docstring for θ).
    l2 : float
        Weight-decay coefficient ≥ 0 on the weights (not the intercepts).
    fit_intercept : bool
        Append a constant feature 1 whose weight is the intercept.
    X_test, y_test : array_like, optional
        A held-out split; give both or neither. Its labels must lie in
        [0, C) (:func:`~coursekit.problems.base.check_split`).
    name : str, optional
        Legend label.
    compute_minimum : bool
        If True (requires l2 > 0), set ``minimizer`` and ``min_loss`` with
        :meth:`solve`. Otherwise both stay ``None``: J* has no closed form.

    Examples
    --------
    >>> p = LogisticRegression([[-1.0], [1.0]], [0, 1])
    >>> p.dim, round(float(p.loss([0.0, 0.0])), 6)   # log 2 at θ = 0
    (2, 0.693147)
    """

    def __init__(
        self,
        X,
        y,
        n_classes: int | None = None,
        l2: float = 0.0,
        fit_intercept: bool = True,
        X_test=None,
        y_test=None,
        name: str | None = None,
        compute_minimum: bool = False,
    ):
        self.X = check_design("X", X)
        n, p = self.X.shape
        check_bool("fit_intercept", fit_intercept)
        check_bool("compute_minimum", compute_minimum)
        self.fit_intercept = bool(fit_intercept)
        n_classes = check_classes(check_labels("y", y, n=n), n_classes)
        self.y = readonly_copy(check_labels("y", y, n_classes, n=n))
        self.n_classes = n_classes
        self.binary = n_classes == 2
        self.n_features = p
        self.l2 = check_l2(l2)
        self.n_train = n

        rows = p + self.fit_intercept
        self.dim = rows if self.binary else rows * n_classes
        mask = np.ones((rows, 1 if self.binary else n_classes))
        if self.fit_intercept:
            mask[-1] = 0.0
        self._penalty_mask = readonly_copy(mask.ravel())

        self._design = self._augment(self.X)
        self._target = self._encode(self.y)

        self.X_test, self.y_test = check_split(X_test, y_test, n_features=p, n_classes=n_classes)
        self.has_test = self.X_test is not None
        if self.has_test:
            self._design_test = self._augment(self.X_test)
            self._target_test = self._encode(self.y_test)

        kind = "logistic" if self.binary else f"softmax C={n_classes}"
        self.name = name if name is not None else f"{kind} n={n} p={p}"
        self.minimizer = None
        self.min_loss = None
        if compute_minimum:
            if not self.l2 > 0:
                raise ValueError(
                    "compute_minimum=True requires l2 > 0 (a unique minimizer), got l2=0.0"
                )
            self.minimum()

    # -- data encoding ----------------------------------------------------------
    def _augment(self, X: np.ndarray) -> np.ndarray:
        """X with a column of ones appended when fitting an intercept (read-only)."""
        if self.fit_intercept:
            X = np.hstack([X, np.ones((X.shape[0], 1))])
        return readonly_copy(X)

    def _encode(self, y: np.ndarray) -> np.ndarray:
        """Binary: s = 1 − 2y ∈ {+1, −1}. Softmax: one-hot rows, shape (n, C)."""
        if self.binary:
            return readonly_copy(1.0 - 2.0 * y)
        return readonly_copy(y[:, None] == np.arange(self.n_classes))

    # -- unchecked hot path -------------------------------------------------
    def _scores(self, theta: np.ndarray, design: np.ndarray) -> np.ndarray:
        """z = x̃ᵀθ, shape (..., n) (binary), or Z = X̃W, shape (..., n, C)."""
        if design.ndim == 2:
            return self._shared_scores(theta, design)
        if self.binary:
            return (design @ theta[..., None])[..., 0]
        return design @ theta.reshape(theta.shape[:-1] + (-1, self.n_classes))

    def _shared_scores(self, theta: np.ndarray, design: np.ndarray) -> np.ndarray:
        """Scores of every trajectory on one shared design, as a single matrix product.

        A stacked matmul that broadcasts the shared (n, p) design against
        (..., p, C) weights does not reach BLAS in numpy and is about ten
        times slower; one (n, p) @ (p, B·C) product does.
        """
        batch, n = theta.shape[:-1], design.shape[0]
        flat = theta.reshape(-1, theta.shape[-1])  # (B, d)
        if self.binary:
            return (flat @ design.T).reshape(batch + (n,))
        rows, classes = design.shape[1], self.n_classes
        weights = flat.reshape(-1, rows, classes).transpose(1, 0, 2).reshape(rows, -1)
        z = (design @ weights).reshape(n, -1, classes).transpose(1, 0, 2)
        return z.reshape(batch + (n, classes))

    @staticmethod
    def _softmax(z: np.ndarray) -> np.ndarray:
        """softmax over the last axis, with the maximum subtracted (no overflow)."""
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def _data_loss(self, theta: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Mean cross-entropy over the rows of ``design``, shape (...)."""
        z = self._scores(theta, design)
        if self.binary:
            # −log σ(z) for y = 1 and −log(1 − σ(z)) for y = 0 are both
            # log(1 + exp(s z)) with s = 1 − 2y: no cancellation, no overflow.
            return np.mean(np.logaddexp(0.0, target * z), axis=-1)
        # log Σ_c exp(Z_c) − Z_y with the maximum subtracted (log-sum-exp).
        top = z.max(axis=-1, keepdims=True)
        log_norm = np.log(np.sum(np.exp(z - top), axis=-1))
        true_score = np.sum(z * target, axis=-1)
        return np.mean(top[..., 0] - true_score + log_norm, axis=-1)

    def _data_grad(self, theta: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
        """(1/m) X̃ᵀ (∂L/∂z) over the rows of ``design`` (m, ·) or (..., m, ·)."""
        z = self._scores(theta, design)
        m = design.shape[-2]
        if self.binary:
            # ∂L/∂z = σ(z) − y = s σ(s z), with σ(u) = exp(−log(1 + exp(−u))).
            dz = target * np.exp(-np.logaddexp(0.0, -target * z))
            return (dz[..., None, :] @ design)[..., 0, :] / m
        g = np.swapaxes(design, -1, -2) @ (self._softmax(z) - target) / m  # (..., p+1, C)
        return g.reshape(g.shape[:-2] + (-1,))

    def _loss(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) = mean cross-entropy + (l2/2)||w||², shape (...)."""
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            loss = self._data_loss(theta, self._design, self._target)
            if self.l2:
                loss = loss + 0.5 * self.l2 * np.sum(self._penalty_mask * theta * theta, axis=-1)
            return loss

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ), shape (..., d)."""
        return self._grad_on(theta, self._design, self._target)

    def _grad_on(self, theta: np.ndarray, design: np.ndarray, target: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            g = self._data_grad(theta, design, target)
            return g + self.l2 * self._penalty_mask * theta if self.l2 else g

    def _minibatch_grad(self, theta: np.ndarray, batch) -> np.ndarray:
        """g = (1/m) Σ_{i∈B} ∇L_i(θ) + l2·w (Algorithm 8.1), indices of shape (..., m)."""
        return self._grad_on(theta, self._design[batch], self._target[batch])

    def _test_loss(self, theta: np.ndarray) -> np.ndarray:
        """Mean cross-entropy on the test split, without the weight-decay term."""
        if not self.has_test:
            return super()._test_loss(theta)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            return self._data_loss(theta, self._design_test, self._target_test)

    # -- public extras ------------------------------------------------------
    def accuracy(self, theta, split: str = "train") -> np.ndarray:
        """Fraction of examples whose most probable class is the label, shape (...).

        Two classes predict 1 when z > 0 (ties go to class 0); C classes
        predict argmax_c Z_c (ties go to the smaller index).
        """
        theta = self.check_theta(theta)
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        if split == "test" and not self.has_test:
            raise ValueError(f"problem {self.name!r} has no test split")
        if split == "train":
            design, labels = self._design, self.y
        else:
            design, labels = self._design_test, self.y_test
        with np.errstate(over="ignore", invalid="ignore"):
            z = self._scores(theta, design)
        predicted = (z > 0).astype(int) if self.binary else np.argmax(z, axis=-1)
        return np.mean(predicted == labels, axis=-1)

    def _hessian_at(self, theta: np.ndarray) -> np.ndarray:
        """∇²J(θ) for one θ of shape (d,): X̃ᵀ diag(σ(1−σ)) X̃ / n (binary), or
        (1/n) Σ_i x̃_i x̃_iᵀ ⊗ (diag(p_i) − p_i p_iᵀ) (softmax), plus l2·diag(mask)."""
        design, n = self._design, self.n_train
        z = self._scores(theta, design)
        if self.binary:
            weight = np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))  # σ(z) σ(−z)
            h = (design.T * weight) @ design / n
        else:
            prob = self._softmax(z)
            rows, classes = design.shape[1], self.n_classes
            # Two matrix products instead of a four-index einsum (seconds on the
            # digits): −Σ_i (x̃_i ⊗ p_i)(x̃_i ⊗ p_i)ᵀ, then the diag(p_i) blocks.
            outer = (design[:, :, None] * prob[:, None, :]).reshape(n, rows * classes)
            h = -(outer.T @ outer)
            blocks = h.reshape(rows, classes, rows, classes)
            for c in range(classes):
                blocks[:, c, :, c] += (design.T * prob[:, c]) @ design
            h /= n
        return h + np.diag(self.l2 * self._penalty_mask)

    def _flat_direction(self) -> np.ndarray:
        """Unit u along which J is constant (the same shift of every unpenalized
        softmax intercept), or the zero vector when there is none."""
        u = np.zeros(self.dim)
        if not self.binary and self.fit_intercept:
            u.reshape(-1, self.n_classes)[-1] = 1.0 / np.sqrt(self.n_classes)
        return u

    def minimum(self) -> tuple[np.ndarray, float]:
        """(θ*, J*): :meth:`solve` on the first call, then kept in ``minimizer`` and ``min_loss``.

        A shared problem such as :func:`digits_softmax` thus finds its minimum
        once for all its callers. Requires l2 > 0, like :meth:`solve`.
        """
        if self.minimizer is None:
            self.minimizer = readonly_copy(self.solve())
            self.min_loss = float(self._loss(self.minimizer))
        return self.minimizer, self.min_loss

    def solve(self, steps: int = 100, tol: float = 1e-12) -> np.ndarray:
        """θ* by Newton's method with a backtracking line search (requires l2 > 0).

        Each step solves H Δ = ∇J (eq. 8.27, Algorithm 8.8 of section 8.6.1)
        and moves to θ − tΔ, halving t from 1 until the Armijo condition
        J(θ − tΔ) ≤ J(θ) − 10⁻⁴ t ∇Jᵀ Δ holds (Boyd & Vandenberghe, 2004,
        Algorithms 9.2 and 9.5). It stops after the step at which the Newton
        decrement ∇JᵀΔ/2 (an estimate of J − J*) is ≤ ``tol``.

        With an unpenalized intercept the softmax cost is flat along
        "add the same constant to every intercept"; Δ is then the
        minimum-norm solution, which never moves along that direction, so
        the returned θ* (started from 0) has intercepts summing to zero.

        Raises ValueError when l2 = 0 (the minimizer may not exist, e.g. on
        separable data) and RuntimeError if ``steps`` steps do not suffice.
        """
        steps = check_int("steps", steps, low=1)
        tol = float(check_finite("tol", tol))
        if not tol >= 0:
            raise ValueError(f"tol must be in [0, inf), got {tol!r}")
        if not self.l2 > 0:
            raise ValueError(
                "solve requires l2 > 0 (a strongly convex cost with a unique minimizer), "
                f"got l2={self.l2!r}"
            )
        theta = np.zeros(self.dim)
        loss = float(self._loss(theta))
        flat = self._flat_direction()
        for _ in range(steps):
            grad = self._grad(theta)
            # ∇J ⊥ u and H u = 0, so (H + u uᵀ) Δ = ∇J gives the minimum-norm Newton step.
            delta = np.linalg.solve(self._hessian_at(theta) + np.outer(flat, flat), grad)
            decrement = float(grad @ delta)
            if decrement / 2 <= max(tol, 1e3 * np.finfo(float).eps * abs(loss)):
                # Inside the region of quadratic convergence, where J can no
                # longer resolve progress: take the full step and stop.
                return theta - delta
            step = 1.0
            while True:
                candidate = theta - step * delta
                new_loss = float(self._loss(candidate))
                if new_loss <= loss - 1e-4 * step * decrement or step < 1e-10:
                    break
                step *= 0.5
            theta, loss = candidate, new_loss
        raise RuntimeError(f"Newton's method did not converge in {steps} steps (tol={tol:g})")


def digits_softmax(l2: float = 1e-3, seed: int = 0) -> LogisticRegression:
    """Softmax regression on the course's digits: the training split of
    :func:`coursekit.data.digits_split` (1,348 images of 64 pixels, 10 classes).

    J(θ) = (1/n) Σ_i −log softmax(x̃_iᵀW)_{y_i} + (l2/2)‖w‖² (eq. 6.29 with the
    weight decay of section 7.1.1), θ of length d = 65·10 = 650. With
    ``l2 > 0`` the cost has a unique minimum (:meth:`LogisticRegression.solve`);
    with ``l2 = 0`` it has none on these linearly separable data: J keeps
    falling as ‖θ‖ grows. The problem is built once per (l2, seed) and shared;
    it is read-only.

    >>> problem = digits_softmax()
    >>> problem.dim, problem.n_train, round(float(problem.loss(np.zeros(650))), 4)
    (650, 1348, 2.3026)
    """
    return _digits_softmax(check_scalar("l2", l2, 0.0), check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=8)
def _digits_softmax(l2: float, seed: int) -> LogisticRegression:
    from ..data import digits_split  # data does not depend on problems; keep it that way

    data = digits_split(seed=seed)
    return LogisticRegression(data.X, data.y, n_classes=10, l2=l2,
                              name=f"softmax regression on digits, l2={l2:g}")
