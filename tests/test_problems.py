"""Tests for the convex problems (quadratics, least squares, logistic/softmax regression)
and the checks every finite-sum problem shares (its optional test split).

Oracles: central finite differences, per-example gradients written out by
hand, closed-form minimizers computed here with an independent method (SVD,
normal equations, pseudo-inverse), a Monte-Carlo simulation of
SGD, and Python loops over the rows of a batch of θ.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from coursekit.problems import (
    MLP,
    LeastSquares,
    LinearCost,
    LogisticRegression,
    Quadratic,
    canyon,
    digits_softmax,
    make_least_squares,
    quadratic_with_spectrum,
)
from coursekit.problems.base import check_classes, check_split
from coursekit.problems.quadratic import haar_orthogonal

from .oracles import central_differences

from .strategies import seeds


# -- the problems under test -------------------------------------------------
def _classification_data(seed, n, p, n_classes, n_test=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n + n_test, p))
    scores = X @ rng.standard_normal((p, n_classes)) + 0.8 * rng.standard_normal((n + n_test, n_classes))
    y = np.argmax(scores, axis=1)
    return X[:n], y[:n], X[n:], y[n:]


def _build_problems():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((50, 4)), rng.standard_normal(50)
    Xt, yt = rng.standard_normal((15, 4)), rng.standard_normal(15)
    Xb, yb, Xbt, ybt = _classification_data(5, 80, 3, 2, n_test=30)
    Xs, ys, Xst, yst = _classification_data(6, 90, 3, 3, n_test=30)
    return {
        "quadratic": Quadratic(
            [0.5, 2.0, 0.0, 5.0], minimizer=[1.0, -2.0, 0.5, 3.0], min_loss=1.5, noise=0.7
        ),
        "quadratic_rotated": quadratic_with_spectrum(
            [0.1, 1.0, 3.0, 10.0, 0.0], rng=np.random.default_rng(1), noise=0.3
        ),
        "canyon": canyon(50.0, noise=0.2),
        "least_squares": make_least_squares(60, 5, np.random.default_rng(2), n_test=20),
        "least_squares_l2": LeastSquares(X, y, X_test=Xt, y_test=yt, l2=0.3),
        "least_squares_rank_deficient": make_least_squares(
            40, 6, np.random.default_rng(4), rank=3, condition_number=10.0
        ),
        "logistic": LogisticRegression(Xb, yb, l2=0.05, X_test=Xbt, y_test=ybt),
        "logistic_no_intercept": LogisticRegression(Xb, yb, fit_intercept=False),
        "softmax": LogisticRegression(Xs, ys, l2=0.1, X_test=Xst, y_test=yst),
        "softmax_no_intercept": LogisticRegression(Xs, ys, l2=0.1, fit_intercept=False),
    }


PROBLEMS = _build_problems()
ALL = sorted(PROBLEMS)
FINITE_SUM = [k for k in ALL if PROBLEMS[k].n_train is not None]
WITH_TEST = [k for k in ALL if PROBLEMS[k].has_test]
QUADRATICS = ["quadratic", "quadratic_rotated", "canyon"]


def _theta(problem, seed, batch=(3, 4), scale=1.0):
    return scale * np.random.default_rng(seed).standard_normal(batch + (problem.dim,))


def _rows(arr):
    return np.ndindex(arr.shape[:-1])


def _per_example_grads(problem, theta):
    """∇L_i(θ) (including the weight-decay term) for one θ, written out by hand. Shape (n, d)."""
    X, n = problem.X, problem.n_train
    if isinstance(problem, LeastSquares):
        return np.array([X[i] * (X[i] @ theta - problem.y[i]) + problem.l2 * theta for i in range(n)])
    p, C = problem.n_features, problem.n_classes
    rows = p + problem.fit_intercept
    mask = np.ones((rows, 1 if problem.binary else C))
    if problem.fit_intercept:
        mask[-1] = 0.0
    out = []
    for i in range(n):
        x = np.append(X[i], 1.0) if problem.fit_intercept else X[i]
        if problem.binary:
            prob = 1.0 / (1.0 + np.exp(-(x @ theta)))
            g = x * (prob - problem.y[i])
        else:
            W = theta.reshape(rows, C)
            z = x @ W
            prob = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            g = np.outer(x, prob - np.eye(C)[problem.y[i]]).ravel()
        out.append(g + problem.l2 * mask.ravel() * theta)
    return np.array(out)


def _naive_cross_entropy(problem, theta, X, y):
    """Mean −log p(y|x) by an explicit loop, with the documented θ layout."""
    total = 0.0
    for x, label in zip(X, y):
        x = np.append(x, 1.0) if problem.fit_intercept else x
        if problem.binary:
            prob1 = 1.0 / (1.0 + np.exp(-(x @ theta)))
            total -= np.log(prob1 if label == 1 else 1.0 - prob1)
        else:
            z = x @ theta.reshape(len(x), problem.n_classes)
            total -= z[label] - np.log(np.sum(np.exp(z)))
    return total / len(y)


# -- gradients ---------------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_gradient_matches_central_finite_differences(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=10)
    numeric = central_differences(problem.loss, theta, h=1e-5)
    # Truncation error h²·J'''/6 plus rounding eps·J/h: both far below 1e-6 here.
    np.testing.assert_allclose(problem.grad(theta), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("key", FINITE_SUM)
def test_full_gradient_is_mean_of_hand_written_per_example_gradients(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=11, batch=())
    expected = _per_example_grads(problem, theta).mean(axis=0)
    np.testing.assert_allclose(problem.grad(theta), expected, rtol=1e-12, atol=1e-14)


def test_logistic_hessian_matches_finite_differences_of_gradient():
    for key in ["logistic", "softmax", "softmax_no_intercept"]:
        problem = PROBLEMS[key]
        theta = _theta(problem, seed=12, batch=())
        numeric = np.stack(
            [
                (problem.grad(theta + 1e-5 * e) - problem.grad(theta - 1e-5 * e)) / 2e-5
                for e in np.eye(problem.dim)
            ]
        )
        np.testing.assert_allclose(problem._hessian_at(theta), numeric, rtol=1e-6, atol=1e-8)


# -- minibatch gradients -------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_minibatch_gradient_is_unbiased(key):
    problem = PROBLEMS[key]
    rng = np.random.default_rng(20)
    theta = _theta(problem, seed=21, batch=())
    draws, m = 4000, 5
    batch = problem.sample_batch(rng, (draws,), m)
    mean = problem.minibatch_grad(theta, batch).mean(axis=0)
    if problem.n_train is None:
        per_coordinate_var = np.full(problem.dim, problem.noise**2)
    else:
        per_coordinate_var = _per_example_grads(problem, theta).var(axis=0)
    # The mean of `draws` minibatches of m i.i.d. examples has standard error
    # sqrt(Var/(m·draws)) per coordinate; 5 standard errors fail with prob. < 1e-5.
    tolerance = 5.0 * np.sqrt(per_coordinate_var / (m * draws)) + 1e-12
    assert np.all(np.abs(mean - problem.grad(theta)) <= tolerance)


@pytest.mark.parametrize("key", FINITE_SUM)
def test_sampled_indices_are_uniform_with_replacement(key):
    problem = PROBLEMS[key]
    idx = problem.sample_batch(np.random.default_rng(22), (200, 3), 10)
    assert idx.shape == (200, 3, 10) and np.issubdtype(idx.dtype, np.integer)
    counts = np.bincount(idx.ravel(), minlength=problem.n_train)
    expected = idx.size / problem.n_train
    # Each count is Binomial(size, 1/n): 6 standard deviations covers every index.
    assert len(counts) == problem.n_train
    assert np.all(np.abs(counts - expected) <= 6 * np.sqrt(expected))


@pytest.mark.parametrize("key", QUADRATICS)
def test_quadratic_noise_has_std_sigma_over_sqrt_m(key):
    problem = PROBLEMS[key]
    m, draws = 16, 20000
    noise = problem.sample_batch(np.random.default_rng(23), (draws,), m)
    assert noise.shape == (draws, problem.dim)
    # Sample std of N Gaussians has relative standard error ≈ 1/sqrt(2N) ≈ 0.005.
    np.testing.assert_allclose(noise.std(axis=0), problem.noise / np.sqrt(m), rtol=0.03)


@pytest.mark.parametrize("key", FINITE_SUM)
def test_minibatch_of_every_index_once_equals_full_gradient_exactly(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=24)
    everything = np.arange(problem.n_train)
    np.testing.assert_array_equal(problem.minibatch_grad(theta, everything), problem.grad(theta))
    per_trajectory = np.broadcast_to(everything, theta.shape[:-1] + everything.shape)
    # A shared design is one matrix product for all trajectories, a per-trajectory
    # design a stack of them: the sums agree to rounding, not always bit for bit.
    np.testing.assert_allclose(
        problem.minibatch_grad(theta, per_trajectory), problem.grad(theta), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("key", QUADRATICS)
def test_quadratic_minibatch_gradient_is_gradient_plus_noise(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=25)
    shared = problem.sample_batch(np.random.default_rng(26), (), 8)
    assert shared.shape == (problem.dim,)
    np.testing.assert_array_equal(problem.minibatch_grad(theta, shared), problem.grad(theta) + shared)
    zero = np.zeros(problem.dim)
    np.testing.assert_array_equal(problem.minibatch_grad(theta, zero), problem.grad(theta))
    silent = Quadratic(problem.eigenvalues, rotation=problem.rotation, noise=0.0)
    assert np.all(silent.sample_batch(np.random.default_rng(0), (3,), 4) == 0.0)


# -- batched θ equals a loop over its rows ------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_batched_theta_equals_loop_over_rows_exactly(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=30)
    batch = problem.sample_batch(np.random.default_rng(31), theta.shape[:-1], 7)
    shared = problem.sample_batch(np.random.default_rng(32), (), 7)
    loss, grad = problem.loss(theta), problem.grad(theta)
    g_own, g_shared = problem.minibatch_grad(theta, batch), problem.minibatch_grad(theta, shared)
    assert loss.shape == theta.shape[:-1] and grad.shape == theta.shape
    if isinstance(problem, LogisticRegression):
        # All trajectories' scores on a shared design are one matrix product (for
        # speed), whose blocking may round differently from a single row's.
        def same(a, b):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    else:
        same = np.testing.assert_array_equal
    for i in _rows(theta):
        same(loss[i], problem.loss(theta[i]))
        same(grad[i], problem.grad(theta[i]))
        np.testing.assert_array_equal(g_own[i], problem.minibatch_grad(theta[i], batch[i]))
        same(g_shared[i], problem.minibatch_grad(theta[i], shared))
    if problem.has_test:
        test_loss = problem.test_loss(theta)
        for i in _rows(theta):
            same(test_loss[i], problem.test_loss(theta[i]))
    if isinstance(problem, LogisticRegression):
        acc = problem.accuracy(theta)
        assert all(acc[i] == problem.accuracy(theta[i]) for i in _rows(theta))


# -- closed forms and minimizers ---------------------------------------------------
@pytest.mark.parametrize("key", QUADRATICS)
def test_quadratic_matches_its_definition_and_minimizer(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=40, batch=())
    Q, lam = problem.rotation, problem.eigenvalues
    H = Q @ np.diag(lam) @ Q.T
    diff = theta - problem.minimizer
    assert problem.loss(theta) == pytest.approx(0.5 * diff @ H @ diff + problem.min_loss, rel=1e-13)
    np.testing.assert_allclose(problem.hessian, H, atol=1e-13)
    assert np.all(problem.grad(problem.minimizer) == 0.0)
    assert problem.loss(problem.minimizer) == problem.min_loss
    assert problem.mu == lam.min() and problem.L == lam.max()
    assert problem.n_train is None


def test_quadratic_condition_number_and_zero_eigenvalue():
    assert PROBLEMS["quadratic"].mu == 0.0
    assert PROBLEMS["quadratic"].condition_number == np.inf
    q = Quadratic([2.0, 8.0])
    assert q.condition_number == 4.0 and q.mu == 2.0 and q.L == 8.0


def test_canyon_condition_number_and_axes():
    c = canyon(50.0)
    assert c.condition_number == 50.0 and c.dim == 2
    np.testing.assert_array_equal(c.eigenvalues, [1.0, 50.0])
    np.testing.assert_array_equal(c.hessian, np.diag([1.0, 50.0]))
    c2 = canyon(condition_number=10.0, scale=0.5)
    np.testing.assert_array_equal(c2.eigenvalues, [0.5, 5.0])
    assert c2.condition_number == 10.0
    np.testing.assert_array_equal(c.minimizer, [0.0, 0.0])


def test_canyon_gradient_descent_zigzags_across_and_crawls_along():
    c = canyon(50.0)
    lr = 1.9 / c.L  # just below the stability limit 2/L of the steep direction
    theta = np.array([1.0, 1.0])
    path = [theta]
    for _ in range(20):
        theta = theta - lr * c.grad(theta)
        path.append(theta)
    path = np.array(path)
    assert np.all(np.sign(path[1:, 1]) == -np.sign(path[:-1, 1]))  # steep axis: sign flips
    assert np.all(np.diff(path[:, 0]) < 0) and path[-1, 0] > 0.45  # shallow axis: slow
    np.testing.assert_allclose(path[-1, 0], (1 - lr) ** 20, rtol=1e-12)


def test_quadratic_with_spectrum_has_the_spectrum_and_a_haar_rotation():
    lam = [0.1, 1.0, 3.0, 10.0]
    q = quadratic_with_spectrum(lam, rng=np.random.default_rng(41))
    np.testing.assert_allclose(np.linalg.eigvalsh(q.hessian), lam, rtol=1e-12)
    np.testing.assert_allclose(q.rotation.T @ q.rotation, np.eye(4), atol=1e-14)
    assert q.condition_number == pytest.approx(100.0)
    assert np.array_equal(quadratic_with_spectrum(lam).rotation, np.eye(4))
    # Haar: every entry has mean 0 and variance 1/d. Without the sign fix
    # numpy's QR gives a first column biased towards one sign.
    rng, d, draws = np.random.default_rng(42), 4, 4000
    first = np.array([haar_orthogonal(d, rng)[0, 0] for _ in range(draws)])
    assert abs(first.mean()) <= 5 * np.sqrt(1 / d / draws)
    assert first.var() == pytest.approx(1 / d, rel=0.1)
    frame = haar_orthogonal(6, rng, 2)
    assert frame.shape == (6, 2)
    np.testing.assert_allclose(frame.T @ frame, np.eye(2), atol=1e-14)


def test_least_squares_minimizer_matches_normal_equations():
    problem = PROBLEMS["least_squares_l2"]
    X, y, n = problem.X, problem.y, problem.n_train
    expected = np.linalg.solve(X.T @ X + n * problem.l2 * np.eye(problem.dim), X.T @ y)
    np.testing.assert_allclose(problem.minimizer, expected, rtol=1e-12)
    assert np.max(np.abs(problem.grad(problem.minimizer))) < 1e-13
    np.testing.assert_allclose(problem.hessian, X.T @ X / n + problem.l2 * np.eye(4), rtol=1e-14)
    assert problem.strongly_convex and problem.mu == pytest.approx(np.linalg.eigvalsh(problem.hessian)[0])


def test_rank_deficient_least_squares():
    problem = PROBLEMS["least_squares_rank_deficient"]
    X, y, n = problem.X, problem.y, problem.n_train
    assert np.linalg.matrix_rank(X) == 3
    assert problem.mu == 0.0 and not problem.strongly_convex
    assert problem.condition_number == np.inf
    # J* = ||(I − U Uᵀ) y||² / 2n, the part of y outside the column space.
    U, s, _ = np.linalg.svd(X, full_matrices=False)
    U = U[:, s > 1e-10 * s[0]]
    outside = y - U @ (U.T @ y)
    assert problem.min_loss == pytest.approx(outside @ outside / (2 * n), rel=1e-10)
    assert np.max(np.abs(problem.grad(problem.minimizer))) < 1e-13
    # Minimum norm: θ* lies in the row space of X (pinv solution).
    np.testing.assert_allclose(problem.minimizer, np.linalg.pinv(X) @ y, rtol=1e-9, atol=1e-12)
    # The nonzero spectrum of XᵀX/n has the requested conditioning.
    eig = np.linalg.eigvalsh(X.T @ X / n)
    np.testing.assert_allclose(eig[-3:], [0.1, np.sqrt(0.1), 1.0], rtol=1e-10)
    assert problem.L == pytest.approx(1.0, rel=1e-12)


def test_make_least_squares_defaults_and_splits():
    rng = np.random.default_rng(43)
    problem = make_least_squares(30, 4, rng, noise=0.0, n_test=12)
    assert problem.dim == 4 and problem.n_train == 30 and problem.has_test
    assert problem.X_test.shape == (12, 4) and problem.strongly_convex
    assert problem.min_loss < 1e-25  # noise-free targets are fitted exactly
    assert problem.test_loss(problem.minimizer) < 1e-25  # ... and generalize exactly
    again = make_least_squares(30, 4, np.random.default_rng(43), noise=0.0, n_test=12)
    np.testing.assert_array_equal(again.X, problem.X)
    wide = make_least_squares(5, 8, np.random.default_rng(44))
    assert wide.mu == 0.0 and np.linalg.matrix_rank(wide.X) == 5
    assert not make_least_squares(10, 3, np.random.default_rng(45)).has_test


def test_least_squares_test_loss_has_no_weight_decay():
    problem = PROBLEMS["least_squares_l2"]
    theta = _theta(problem, seed=46, batch=())
    r = problem.X_test @ theta - problem.y_test
    assert problem.test_loss(theta) == pytest.approx(r @ r / (2 * len(r)), rel=1e-13)
    r = problem.X @ theta - problem.y
    expected = r @ r / (2 * len(r)) + 0.5 * problem.l2 * theta @ theta
    assert problem.loss(theta) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("key", ["logistic", "logistic_no_intercept", "softmax", "softmax_no_intercept"])
def test_logistic_loss_matches_naive_cross_entropy_and_layout(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=50, batch=())
    mask = np.ones((problem.n_features + problem.fit_intercept, 1 if problem.binary else problem.n_classes))
    if problem.fit_intercept:
        mask[-1] = 0.0  # the last row of W (or last entry of θ) is the unpenalized intercept
    expected = _naive_cross_entropy(problem, theta, problem.X, problem.y)
    expected += 0.5 * problem.l2 * np.sum(mask.ravel() * theta**2)
    assert problem.loss(theta) == pytest.approx(expected, rel=1e-12)
    if problem.has_test:
        naive = _naive_cross_entropy(problem, theta, problem.X_test, problem.y_test)
        assert problem.test_loss(theta) == pytest.approx(naive, rel=1e-12)
    rows = problem.n_features + problem.fit_intercept
    assert problem.dim == (rows if problem.binary else rows * problem.n_classes)


@pytest.mark.parametrize("key", ["logistic", "softmax"])
def test_accuracy_matches_a_loop(key):
    problem = PROBLEMS[key]
    theta = _theta(problem, seed=51, batch=(2,))
    for split, X, y in [("train", problem.X, problem.y), ("test", problem.X_test, problem.y_test)]:
        acc = problem.accuracy(theta, split=split)
        for r in range(2):
            hits = 0
            for x, label in zip(X, y):
                x = np.append(x, 1.0)
                if problem.binary:
                    hits += int(x @ theta[r] > 0) == label
                else:
                    hits += np.argmax(x @ theta[r].reshape(len(x), -1)) == label
            assert acc[r] == hits / len(y)


@pytest.mark.parametrize("key", ["logistic", "softmax", "softmax_no_intercept"])
def test_logistic_solve_finds_the_minimizer(key):
    problem = PROBLEMS[key]
    theta_star = problem.solve()
    assert np.max(np.abs(problem.grad(theta_star))) < 1e-12
    # Optimality checked without the gradient: random nearby points are worse.
    rng = np.random.default_rng(52)
    nearby = theta_star + 1e-3 * rng.standard_normal((200, problem.dim))
    assert np.all(problem.loss(nearby) > problem.loss(theta_star))
    solved = LogisticRegression(
        problem.X, problem.y, l2=problem.l2, fit_intercept=problem.fit_intercept, compute_minimum=True
    )
    np.testing.assert_array_equal(solved.minimizer, theta_star)
    assert solved.min_loss == problem.loss(theta_star)
    if not problem.binary and problem.fit_intercept:
        assert abs(theta_star.reshape(-1, problem.n_classes)[-1].sum()) < 1e-12
    assert problem.minimizer is None and problem.min_loss is None


def test_logistic_is_stable_for_huge_theta():
    for key in ["logistic", "softmax"]:
        problem = PROBLEMS[key]
        theta = 1e6 * np.sign(_theta(problem, seed=53, batch=(2,)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss, grad = problem.loss(theta), problem.grad(theta)
            problem.minibatch_grad(theta, problem.sample_batch(np.random.default_rng(0), (2,), 5))
            problem.test_loss(theta)
            problem.accuracy(theta)
        assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
        # For |z| ~ 1e6 the cross-entropy is the hinge-like max(0, −margin) exactly.
        design = np.hstack([problem.X, np.ones((problem.n_train, 1))])
        for r in range(2):
            if problem.binary:
                z = design @ theta[r]
                data = np.mean(np.maximum(0.0, np.where(problem.y == 1, -z, z)))
            else:
                Z = design @ theta[r].reshape(design.shape[1], -1)
                data = np.mean(Z.max(axis=1) - Z[np.arange(len(Z)), problem.y])
            mask = np.ones_like(theta[r])
            mask[-(1 if problem.binary else problem.n_classes):] = 0.0
            expected = data + 0.5 * problem.l2 * np.sum(mask * theta[r] ** 2)
            assert loss[r] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("key", ["quadratic_rotated", "least_squares"])
def test_diverged_theta_gives_inf_without_warnings(key):
    problem = PROBLEMS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = problem._loss(np.full((2, problem.dim), 1e200))
    assert np.all(np.isinf(loss))


def test_intercept_is_not_penalized():
    problem = PROBLEMS["logistic"]
    plain = LogisticRegression(problem.X, problem.y, l2=0.0)
    theta = _theta(problem, seed=54, batch=())
    w = theta[:-1]
    assert problem.loss(theta) - plain.loss(theta) == pytest.approx(0.5 * problem.l2 * w @ w, rel=1e-10)


# -- the SGD noise floor (claim C2) --------------------------------------------------
@pytest.mark.parametrize(
    "eigenvalues, lr, batch_size",
    [([0.5, 2.0, 8.0, 0.0], 0.1, 4), ([1.0, 19.0], 0.1, 1)],  # the second has ελ = 1.9
)
def test_stationary_excess_loss_matches_monte_carlo(eigenvalues, lr, batch_size):
    sigma = 1.5
    problem = quadratic_with_spectrum(eigenvalues, rng=np.random.default_rng(60), noise=sigma)
    Q, lam = problem.rotation, np.asarray(eigenvalues)
    H = Q @ np.diag(lam) @ Q.T
    rng = np.random.default_rng(61)
    trajectories, steps = 20000, 250
    # Start at θ*: the variance then grows as v_∞(1 − (1 − ελ)^(2k)), and
    # 0.95^500 < 1e-11 makes the remaining transient negligible.
    x = np.zeros((trajectories, len(lam)))
    for _ in range(steps):
        noise = sigma / np.sqrt(batch_size) * rng.standard_normal(x.shape)
        x = x - lr * (x @ H + noise)
    excess = 0.5 * np.einsum("ri,ij,rj->r", x, H, x)
    predicted = problem.stationary_excess_loss(lr, batch_size)
    # Independent trajectories: the mean has standard error std/sqrt(R)
    # (about 0.6% of the mean here); allow 5 standard errors.
    standard_error = excess.std() / np.sqrt(trajectories)
    assert abs(excess.mean() - predicted) <= 5 * standard_error
    assert standard_error < 0.01 * predicted


def test_stationary_excess_loss_closed_form():
    q = Quadratic([0.0, 1.0, 4.0], noise=2.0)
    expected = sum(0.1 * 4.0 / (2 * 5 * (2 - 0.1 * lam)) for lam in [1.0, 4.0])
    assert q.stationary_excess_loss(0.1, 5) == pytest.approx(expected, rel=1e-14)
    lrs = np.array([[0.01], [0.1], [0.4]])
    out = q.stationary_excess_loss(lrs, 5)
    assert out.shape == (3, 1)
    assert out[1, 0] == pytest.approx(expected, rel=1e-14)
    assert Quadratic([1.0]).stationary_excess_loss(1.0, 3) == 0.0  # no noise, no floor


@settings(max_examples=30, deadline=None)
@given(lr=st.floats(1e-4, 0.49), m=st.integers(1, 64))
def test_noise_floor_grows_with_lr_and_shrinks_as_one_over_m(lr, m):
    q = Quadratic([0.2, 1.0, 4.0], noise=0.5)
    floor = q.stationary_excess_loss(lr, m)
    assert floor * m == pytest.approx(q.stationary_excess_loss(lr, 1), rel=1e-12)
    assert q.stationary_excess_loss(lr * 1.01, m) > floor
    # For small ε the floor is ≈ ε σ² d⁺ / (4m) (d⁺ = number of λ > 0).
    assert floor >= lr * 0.25 * 3 / (4 * m)


# -- hypothesis properties -------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(seed=seeds, scale=st.floats(1e-6, 1e3))
def test_quadratic_loss_is_at_least_min_loss(seed, scale):
    for key in QUADRATICS:
        problem = PROBLEMS[key]
        theta = problem.minimizer + _theta(problem, seed, batch=(5,), scale=scale)
        assert np.all(problem.loss(theta) >= problem.min_loss)


@settings(max_examples=25, deadline=None)
@given(seed=seeds, t=st.floats(0.0, 1.0))
def test_every_problem_is_convex_along_segments(seed, t):
    for key in ALL:
        problem = PROBLEMS[key]
        a, b = _theta(problem, seed, batch=(2,), scale=2.0)
        mid = problem.loss(t * a + (1 - t) * b)
        chord = t * problem.loss(a) + (1 - t) * problem.loss(b)
        assert mid <= chord + 1e-12 * (1 + abs(chord))


@settings(max_examples=25, deadline=None)
@given(seed=seeds)
def test_quadratic_models_are_exact_second_order_expansions(seed):
    # J(θ + δ) = J(θ) + ∇J(θ)ᵀδ + ½ δᵀHδ holds exactly for a quadratic.
    for key in QUADRATICS + ["least_squares", "least_squares_l2", "least_squares_rank_deficient"]:
        problem = PROBLEMS[key]
        theta, delta = _theta(problem, seed, batch=(2,))
        expected = problem.loss(theta) + problem.grad(theta) @ delta + 0.5 * delta @ problem.hessian @ delta
        assert problem.loss(theta + delta) == pytest.approx(expected, rel=1e-10, abs=1e-10)


# -- inputs are never modified, and stored data are private ----------------------------
def test_inputs_unchanged():
    rng = np.random.default_rng(70)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    labels = rng.integers(0, 3, 20)
    lam, rotation, minimizer = np.array([1.0, 2.0, 3.0]), haar_orthogonal(3, rng), np.ones(3)
    originals = [a.copy() for a in (X, y, labels, lam, rotation, minimizer)]
    problems = [
        Quadratic(lam, rotation=rotation, minimizer=minimizer, noise=0.1),
        quadratic_with_spectrum(lam, rng=rng),
        LeastSquares(X, y, X_test=X, y_test=y, l2=0.1),
        LogisticRegression(X, labels, l2=0.1, X_test=X, y_test=labels, compute_minimum=True),
        LogisticRegression(X, (labels > 0).astype(int), l2=0.1),
    ]
    for problem in problems:
        theta = rng.standard_normal((2, problem.dim))
        theta_copy = theta.copy()
        batch = problem.sample_batch(rng, (2,), 4)
        batch_copy = batch.copy()
        problem.loss(theta), problem.grad(theta), problem.minibatch_grad(theta, batch)
        if problem.has_test:
            problem.test_loss(theta)
        np.testing.assert_array_equal(theta, theta_copy)
        np.testing.assert_array_equal(batch, batch_copy)
    for a, original in zip((X, y, labels, lam, rotation, minimizer), originals):
        np.testing.assert_array_equal(a, original)


def test_problem_does_not_alias_caller_arrays():
    rng = np.random.default_rng(71)
    X, y = rng.standard_normal((10, 2)), rng.standard_normal(10)
    problem = LeastSquares(X, y)
    before = problem.loss(np.ones(2))
    X[:] = 0.0
    assert problem.loss(np.ones(2)) == before
    with pytest.raises(ValueError, match="read-only"):
        problem.minimizer[0] = 1.0


# -- bad inputs ------------------------------------------------------------------
def test_bad_quadratic_inputs_raise():
    with pytest.raises(ValueError, match=r"hessian_eigenvalues must be in \[0, inf\), got"):
        Quadratic([1.0, -0.5])
    with pytest.raises(ValueError, match="hessian_eigenvalues must be finite"):
        Quadratic([1.0, np.inf])
    with pytest.raises(ValueError, match=r"hessian_eigenvalues must have shape \(d,\)"):
        Quadratic([[1.0]])
    with pytest.raises(ValueError, match="rotation must be orthogonal"):
        Quadratic([1.0, 2.0], rotation=[[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"rotation must have shape \(2, 2\)"):
        Quadratic([1.0, 2.0], rotation=np.eye(3))
    with pytest.raises(ValueError, match=r"minimizer must have shape \(2,\)"):
        Quadratic([1.0, 2.0], minimizer=[0.0])
    with pytest.raises(ValueError, match=r"noise must be in \[0, inf\), got -1"):
        Quadratic([1.0], noise=-1.0)
    with pytest.raises(ValueError, match=r"condition_number must be in \[1, inf\), got 0.5"):
        canyon(0.5)
    with pytest.raises(ValueError, match=r"scale must be in \(0, inf\)"):
        canyon(10.0, scale=0.0)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        quadratic_with_spectrum([1.0], rng=0)
    q = Quadratic([1.0, 10.0], noise=1.0)
    with pytest.raises(ValueError, match=r"lr must be in \(0, 2/L\) = \(0, 0.2\).*got 0.2"):
        q.stationary_excess_loss(0.2, 1)
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\), got 0"):
        q.stationary_excess_loss(0.0, 1)
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, inf\], got 0"):
        q.stationary_excess_loss(0.1, 0)
    with pytest.raises(ValueError, match=r"batch must be a noise array of shape \(\.\.\., 2\)"):
        q.minibatch_grad(np.zeros(2), np.zeros(3))


def test_bad_least_squares_inputs_raise():
    X, y = np.ones((5, 2)), np.ones(5)
    with pytest.raises(ValueError, match=r"y must have shape \(5,\) to match the 5 rows of X, got shape \(4,\)"):
        LeastSquares(X, np.ones(4))
    with pytest.raises(ValueError, match="X must be finite"):
        LeastSquares(np.array([[1.0, np.nan]] * 5), y)
    with pytest.raises(ValueError, match=r"X must be a matrix of shape \(n, p\)"):
        LeastSquares(np.ones(5), y)
    with pytest.raises(ValueError, match=r"l2 must be in \[0, inf\), got -0.1"):
        LeastSquares(X, y, l2=-0.1)
    with pytest.raises(ValueError, match="X_test and y_test must be given together"):
        LeastSquares(X, y, X_test=X)
    with pytest.raises(ValueError, match="X_test must have 2 columns like X"):
        LeastSquares(X, y, X_test=np.ones((3, 3)), y_test=np.ones(3))
    problem = LeastSquares(X, y)
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 2\), got shape \(3,\)"):
        problem.loss(np.ones(3))
    with pytest.raises(ValueError, match="theta must be finite"):
        problem.grad([np.nan, 0.0])
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, inf\], got 0"):
        problem.sample_batch(np.random.default_rng(0), (), 0)
    with pytest.raises(ValueError, match=r"batch indices must be in \[0, 4\], got min 0, max 5"):
        problem.minibatch_grad(np.zeros(2), np.array([0, 5]))
    with pytest.raises(TypeError, match="batch must be an integer index array"):
        problem.minibatch_grad(np.zeros(2), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="has no test split"):
        problem.test_loss(np.zeros(2))
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"rank must be an integer in \[1, 3\], got 4"):
        make_least_squares(10, 3, rng, rank=4)
    with pytest.raises(ValueError, match=r"condition_number must be in \[1, 1e\+10\], got 0.5"):
        make_least_squares(10, 3, rng, condition_number=0.5)
    with pytest.raises(ValueError, match="condition_number must be 1 when rank == 1"):
        make_least_squares(10, 3, rng, rank=1, condition_number=5.0)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        make_least_squares(10, 3, 42)
    with pytest.raises(ValueError, match=r"n_test must be an integer in \[0, inf\], got -1"):
        make_least_squares(10, 3, rng, n_test=-1)


def test_bad_logistic_inputs_raise():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, 1\], got 2"):
        LogisticRegression(X, [0, 1, 2, 1], n_classes=2)
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, inf\], got -1"):
        LogisticRegression(X, [0, -1, 1, 1])
    with pytest.raises(TypeError, match="y must hold integer class labels, got dtype float64"):
        LogisticRegression(X, [0, 0.5, 1, 1])
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        LogisticRegression(X, [0, 1, 1])
    with pytest.raises(ValueError, match=r"n_classes must be an integer in \[2, inf\], got 1"):
        LogisticRegression(X, [0, 0, 0, 0], n_classes=1)
    # One class only: the class count is not guessed, it must be given.
    with pytest.raises(ValueError, match="n_classes is not given and y holds only class 0"):
        LogisticRegression(X, [0, 0, 0, 0])
    assert LogisticRegression(X, [0, 0, 0, 0], n_classes=2).binary
    with pytest.raises(ValueError, match=r"y_test labels must be integers in \[0, 2\], got 3"):
        LogisticRegression(X, [0, 1, 2, 1], X_test=X[:1], y_test=[3])
    with pytest.raises(ValueError, match=r"l2 must be in \[0, inf\)"):
        LogisticRegression(X, [0, 1, 0, 1], l2=-1.0)
    with pytest.raises(ValueError, match="X must be finite"):
        LogisticRegression(np.full((4, 2), np.inf), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="compute_minimum=True requires l2 > 0"):
        LogisticRegression(X, [0, 1, 0, 1], compute_minimum=True)
    with pytest.raises(TypeError, match="fit_intercept must be True or False"):
        LogisticRegression(X, [0, 1, 0, 1], fit_intercept=1)
    problem = LogisticRegression(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="solve requires l2 > 0"):
        problem.solve()
    with pytest.raises(ValueError, match="split must be 'train' or 'test', got 'val'"):
        problem.accuracy(np.zeros(3), split="val")
    with pytest.raises(ValueError, match="has no test split"):
        problem.accuracy(np.zeros(3), split="test")
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 3\)"):
        problem.grad(np.zeros(2))
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, inf\], got 0"):
        problem.sample_batch(np.random.default_rng(0), (2,), 0)


# -- the linear cost of eq. 8.17 ------------------------------------------------------
def test_linear_cost_gradient_is_constant_and_input_unchanged():
    g = np.array([1.0, -2.0])
    problem = LinearCost(g)
    g[0] = 5.0
    theta = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_array_equal(problem.grad(theta), np.tile([1.0, -2.0], (4, 1)))
    np.testing.assert_allclose(problem.loss(theta), theta @ [1.0, -2.0])
    assert not problem.gradient.flags.writeable


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]], [1.0, np.nan]])
def test_linear_cost_rejects_a_bad_gradient(bad):
    with pytest.raises(ValueError, match="gradient"):
        LinearCost(bad)


# -- the digits problem shared by the lectures ------------------------------------------
def test_digits_softmax_is_built_once_per_setting_and_read_only():
    from coursekit.data import digits_split

    problem = digits_softmax(1e-3, 0)
    assert problem is digits_softmax(l2=1e-3, seed=0)  # shared, not rebuilt
    assert problem is not digits_softmax(0.0, 0)
    data = digits_split(seed=0)
    np.testing.assert_array_equal(problem.X, data.X)
    np.testing.assert_array_equal(problem.y, data.y)
    assert (problem.n_classes, problem.dim, problem.l2) == (10, 650, 1e-3)
    assert not problem.X.flags.writeable
    # J(0) = log 10: the softmax of zero scores is uniform.
    assert float(problem.loss(np.zeros(650))) == pytest.approx(np.log(10.0), rel=1e-14)


@pytest.mark.parametrize("kwargs, message", [({"l2": -1.0}, "l2 must be"), ({"seed": -1}, "seed must be")])
def test_digits_softmax_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        digits_softmax(**kwargs)


# -- one check for the optional test split of every finite-sum problem ------------------
def _split_problems():
    """Each finite-sum problem with a held-out split, as a function of (X_test, y_test)."""
    rng = np.random.default_rng(80)
    X, labels = rng.standard_normal((12, 3)), np.arange(12) % 3
    return {
        "least squares": lambda Xt, yt: LeastSquares(X, labels * 1.0, X_test=Xt, y_test=yt),
        "logistic": lambda Xt, yt: LogisticRegression(X, labels, X_test=Xt, y_test=yt),
        "MLP": lambda Xt, yt: MLP(X, labels, hidden=(2,), X_test=Xt, y_test=yt),
    }


@pytest.mark.parametrize("X_test, y_test, message", [
    (np.ones((2, 3)), None, "X_test and y_test must be given together (or both left as None)"),
    (None, [0, 1], "X_test and y_test must be given together (or both left as None)"),
    (np.ones((2, 4)), [0, 1], "X_test must have 3 columns like X, got shape (2, 4)"),
    (np.full((2, 3), np.nan), [0, 1], "X_test must be finite"),
    (np.ones(3), [0], "X_test must be a matrix of shape (n, p) with n, p >= 1, got shape (3,)"),
    (np.ones((2, 3)), [0, 1, 2], "y_test must have shape (2,) to match the 2 rows of X_test, got shape (3,)"),
])
def test_every_problem_checks_its_test_split_with_the_same_message(X_test, y_test, message):
    for name, make in _split_problems().items():
        with pytest.raises(ValueError) as info:
            make(X_test, y_test)
        assert message in str(info.value), name


def test_a_split_is_stored_as_private_read_only_copies():
    X_test, y_test = np.ones((2, 3)), np.array([0, 2])
    for name, make in _split_problems().items():
        problem = make(X_test, y_test)
        assert problem.has_test and problem.X_test.shape == (2, 3), name
        np.testing.assert_array_equal(problem.y_test, y_test)
        assert not problem.X_test.flags.writeable and not problem.y_test.flags.writeable
        assert not np.shares_memory(problem.X_test, X_test)
        # Class labels stay integers; regression targets become floats.
        assert problem.y_test.dtype.kind == ("f" if name == "least squares" else "i"), name
        assert not make(None, None).has_test


def test_check_split_validates_labels_against_the_classes():
    Xt = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"y_test labels must be integers in \[0, 2\], got 3"):
        check_split(Xt, [0, 3], n_features=3, n_classes=3)
    with pytest.raises(TypeError, match="y_test must hold integer class labels"):
        check_split(Xt, [0.5, 1.0], n_features=3, n_classes=3)
    with pytest.raises(ValueError, match="y_test must be finite"):
        check_split(Xt, [0.5, np.inf], n_features=3)
    assert check_split(None, None, n_features=3, n_classes=3) == (None, None)


def test_check_classes_infers_from_the_training_labels_only():
    assert check_classes([0, 1, 1]) == 2 and check_classes([2, 0]) == 3
    assert check_classes([0, 0], n_classes=4) == 4
    with pytest.raises(ValueError, match=r"pass n_classes \(at least 2\)"):
        check_classes([0, 0, 0])
    with pytest.raises(ValueError, match=r"n_classes must be an integer in \[2, inf\], got 1"):
        check_classes([0, 1], n_classes=1)


def test_logistic_minimum_is_solved_once_and_kept():
    problem = LogisticRegression(PROBLEMS["softmax"].X, PROBLEMS["softmax"].y, l2=PROBLEMS["softmax"].l2)
    assert problem.minimizer is None and problem.min_loss is None
    theta_star, min_loss = problem.minimum()
    np.testing.assert_array_equal(theta_star, problem.solve())
    assert min_loss == problem.loss(theta_star)
    assert problem.minimum()[0] is theta_star  # the second call reuses it
    with pytest.raises(ValueError):
        LogisticRegression([[-1.0], [1.0]], [0, 1]).minimum()  # l2 = 0: no unique minimizer
