"""coursekit.conventions: the library forms, hand-computed oracles and the change of variables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import conventions as C


def grad_square(p):
    """∇J for J(p) = ‖p‖² (so g = 2p)."""
    return 2.0 * np.asarray(p)


# -- two steps by hand, J = p², p_0 = 1, lr = 0.1, μ = β = 0.5 ------------------
# momentum: g=2, b=2, p=0.8;  g=1.6, b=2.6, p=0.54
# Nesterov: g=2, b=2, p=1-0.1(2+1)=0.7;  g=1.4, b=2.4, p=0.7-0.1(1.4+1.2)=0.44
# damped:   g=2, v=1, p=0.9;  g=1.8, v=1.4, p=0.76


@pytest.mark.parametrize("kind, params, buffers", [
    ("momentum", [1.0, 0.8, 0.54], [0.0, 2.0, 2.6]),
    ("nesterov", [1.0, 0.7, 0.44], [0.0, 2.0, 2.4]),
    ("damped", [1.0, 0.9, 0.76], [0.0, 1.0, 1.4]),
])
def test_two_steps_by_hand(kind, params, buffers):
    p, b = C.library_trajectory(kind, grad_square, [1.0], [0.1, 0.1], 0.5)
    np.testing.assert_allclose(p[:, 0], params, rtol=0, atol=1e-15)
    np.testing.assert_allclose(b[:, 0], buffers, rtol=0, atol=1e-15)


def test_single_nesterov_step_by_hand():
    p, b = C.library_nesterov_step([0.7], [2.0], [1.4], lr=0.1, momentum=0.5)
    assert p[0] == pytest.approx(0.44, abs=1e-15) and b[0] == pytest.approx(2.4, abs=1e-15)


def momentum_from_book(theta, velocity, lr):
    """The inverse of momentum_to_book (and damped_to_book): (p, state) = (θ, −v/lr)."""
    return np.array(theta, dtype=float), -np.asarray(velocity, dtype=float) / lr


def test_book_states_of_the_hand_example():
    # Book momentum α=0.5, ε=0.1 on J=θ²: v1=-0.2, θ1=0.8; v2=-0.26, θ2=0.54.
    theta, v = C.momentum_to_book([0.54], [2.6], lr=0.1)
    assert theta[0] == pytest.approx(0.54) and v[0] == pytest.approx(-0.26, abs=1e-15)
    # Book Nesterov: θ1=0.8, v1=-0.2; θ2=0.56, v2=-0.24 (interim 0.44 = library p2).
    theta, v = C.nesterov_to_book([0.44], [2.4], lr=0.1, momentum=0.5)
    assert theta[0] == pytest.approx(0.56, abs=1e-15) and v[0] == pytest.approx(-0.24, abs=1e-15)
    # Damped (lr=0.1, β=0.5) is the book with ε=0.05, α=0.5: v1=-0.1, θ1=0.9; v2=-0.14, θ2=0.76.
    assert C.damped_hyperparameters(0.1, 0.5) == pytest.approx((0.05, 0.5))
    theta, v = C.damped_to_book([0.76], [1.4], lr=0.1)
    assert theta[0] == pytest.approx(0.76) and v[0] == pytest.approx(-0.14, abs=1e-15)


def _book_loop(theta, grad_fn, lrs, alphas, nesterov):
    """Algorithms 8.2/8.3 written out, one update at a time (independent reference)."""
    v = np.zeros_like(theta)
    thetas, vs = [theta], [v]
    for lr, alpha in zip(lrs, alphas):
        point = theta + alpha * v if nesterov else theta
        v = alpha * v - lr * grad_fn(point)
        theta = theta + v
        thetas.append(theta)
        vs.append(v)
    return np.array(thetas), np.array(vs)


@given(seed=st.integers(0, 2**31 - 1), lr=st.floats(0.01, 0.3), mu=st.floats(0.0, 0.95),
       steps=st.integers(1, 60))
@settings(max_examples=30, deadline=None)
def test_constant_rate_equivalence_at_1e12(seed, lr, mu, steps):
    rng = np.random.default_rng(seed)
    curv = rng.uniform(0.1, 2.0, size=3)
    grad_fn = lambda p: curv * p  # noqa: E731
    start = rng.normal(size=3)
    lrs = np.full(steps, lr)
    for kind, nesterov, to_book in (
        ("momentum", False, lambda p, b: C.momentum_to_book(p, b, lr)),
        ("nesterov", True, lambda p, b: C.nesterov_to_book(p, b, lr, mu)),
    ):
        params, buffers = C.library_trajectory(kind, grad_fn, start, lrs, mu)
        theta, v = _book_loop(start, grad_fn, lrs, np.full(steps, mu), nesterov)
        for k in range(steps + 1):
            t_lib, v_lib = to_book(params[k], buffers[k])
            np.testing.assert_allclose(t_lib, theta[k], rtol=0, atol=1e-12)
            np.testing.assert_allclose(v_lib, v[k], rtol=0, atol=1e-12)
    eps, alpha = C.damped_hyperparameters(lr, mu)
    params, vel = C.library_trajectory("damped", grad_fn, start, lrs, mu)
    theta, v = _book_loop(start, grad_fn, np.full(steps, eps), np.full(steps, alpha), False)
    np.testing.assert_allclose(params, theta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(-lr * vel, v, rtol=0, atol=1e-12)


@given(seed=st.integers(0, 2**31 - 1), lr=st.floats(0.01, 1.0), mu=st.floats(0.0, 0.99))
@settings(max_examples=40, deadline=None)
def test_conversions_round_trip(seed, lr, mu):
    rng = np.random.default_rng(seed)
    theta, v = rng.normal(size=(2, 4, 3))
    for to_lib, to_book in (
        (lambda t, w: momentum_from_book(t, w, lr), lambda p, b: C.momentum_to_book(p, b, lr)),
        (lambda t, w: C.nesterov_from_book(t, w, lr, mu), lambda p, b: C.nesterov_to_book(p, b, lr, mu)),
        (lambda t, w: momentum_from_book(t, w, lr), lambda p, b: C.damped_to_book(p, b, lr)),
    ):
        back = to_book(*to_lib(theta, v))
        np.testing.assert_allclose(back[0], theta, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(back[1], v, rtol=1e-12, atol=1e-12)
    p, b = C.nesterov_from_book(theta, v, lr, mu)
    np.testing.assert_allclose(p, theta + mu * v, rtol=0, atol=1e-14)  # the interim point
    np.testing.assert_allclose(b, -v / lr, rtol=1e-14)


def test_corrected_momentum_by_hand():
    np.testing.assert_allclose(C.corrected_momentum([0.1, 0.05, 0.05, 0.1], 0.9),
                               [0.9, 0.45, 0.9, 1.8])


def test_changing_rate_breaks_naive_map_and_correction_restores_momentum():
    curv = np.array([1.0, 30.0])
    grad_fn = lambda p: curv * p  # noqa: E731
    start = np.array([1.0, 0.5])
    lrs = np.where(np.arange(40) < 20, 0.03, 0.01)
    mu = 0.9
    params, buffers = C.library_trajectory("momentum", grad_fn, start, lrs, mu)
    naive, _ = _book_loop(start, grad_fn, lrs, np.full(40, mu), False)
    fixed, fixed_v = _book_loop(start, grad_fn, lrs, C.corrected_momentum(lrs, mu), False)
    assert np.abs(params - naive).max() > 1e-4
    np.testing.assert_allclose(params, fixed, rtol=0, atol=1e-12)
    np.testing.assert_allclose(-lrs[:, None] * buffers[1:], fixed_v[1:], rtol=0, atol=1e-12)


def test_inputs_are_not_mutated():
    p, b, g = np.array([1.0, 2.0]), np.array([0.5, -0.5]), np.array([0.3, 0.1])
    copies = [x.copy() for x in (p, b, g)]
    out_p, out_b = C.library_nesterov_step(p, b, g, 0.1, 0.9)
    assert not np.shares_memory(out_p, p) and not np.shares_memory(out_b, b)
    for kind in ("momentum", "damped"):
        C.library_trajectory(kind, lambda q: g, p, [0.1], 0.9)
    for fn in (C.momentum_to_book, C.damped_to_book):
        out = fn(p, b, 0.1)
        assert not any(np.shares_memory(o, p) or np.shares_memory(o, b) for o in out)
    C.nesterov_to_book(p, b, 0.1, 0.9)
    C.nesterov_from_book(p, b, 0.1, 0.9)
    lrs = np.array([0.1, 0.2])
    C.corrected_momentum(lrs, 0.4)
    C.library_trajectory("nesterov", grad_square, p, lrs, 0.5)
    for x, c in zip((p, b, g), copies):
        np.testing.assert_array_equal(x, c)
    np.testing.assert_array_equal(lrs, [0.1, 0.2])


@pytest.mark.parametrize("call, error, match", [
    (lambda: C.library_nesterov_step([1.0], [0.0], [1.0], lr=0.0, momentum=0.5), ValueError,
     r"lr must be in \(0, inf\), got 0.0"),
    (lambda: C.library_nesterov_step([1.0], [0.0], [1.0], lr=0.1, momentum=1.0), ValueError,
     r"momentum must be in \[0, 1\), got 1.0"),
    (lambda: C.library_trajectory("damped", grad_square, [1.0], [0.1], -0.1), ValueError,
     r"beta must be in \[0, 1\), got -0.1"),
    (lambda: C.library_nesterov_step([1.0, 2.0], [0.0], [1.0, 1.0], 0.1, 0.5), ValueError,
     r"buffer must have the shape of params \(2,\), got \(1,\)"),
    (lambda: C.library_nesterov_step([np.nan], [0.0], [1.0], 0.1, 0.5), ValueError,
     "params must be finite"),
    (lambda: C.library_nesterov_step(1.0, 0.0, 1.0, 0.1, 0.5), ValueError,
     r"params must have shape \(\.\.\., d\), got a scalar"),
    (lambda: C.library_nesterov_step(["a"], [0.0], [1.0], 0.1, 0.5), TypeError,
     "params must be a real number or array"),
    (lambda: C.library_trajectory("adam", grad_square, [1.0], [0.1], 0.5), ValueError,
     r"kind must be one of \['damped', 'momentum', 'nesterov', 'pytorch_damped'\], got 'adam'"),
    (lambda: C.library_trajectory("momentum", 3.0, [1.0], [0.1], 0.5), TypeError,
     "grad_fn must be a function"),
    (lambda: C.library_trajectory("momentum", grad_square, [1.0], [[0.1]], 0.5), ValueError,
     r"lrs must be a 1-D array"),
    (lambda: C.corrected_momentum([0.1, -0.1], 0.5), ValueError, r"lrs must be in \(0, inf\)"),
    (lambda: C.corrected_momentum([], 0.5), ValueError, "lrs must be a non-empty 1-D array"),
    (lambda: C.nesterov_to_book([1.0], [1.0], 0.1, 1.5), ValueError,
     r"momentum must be in \[0, 1\), got 1.5"),
    (lambda: C.momentum_to_book([1.0], [1.0], -1.0), ValueError, r"lr must be in \(0, inf\)"),
])
def test_bad_inputs_raise_with_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_pytorch_dampening_leaves_the_first_gradient_undamped():
    # b_1 = g_1 (undamped), then b ← β b + (1 − β) g; the damped form from v = 0 gives (1 − β) g_1.
    p, b = C.library_trajectory("pytorch_damped", lambda q: 2 * q, [1.0], [0.1, 0.1], 0.5)
    assert b[1].tolist() == [2.0] and p[1].tolist() == [0.8]
    np.testing.assert_allclose(b[2], 0.5 * 2.0 + 0.5 * 1.6)
    _, damped = C.library_trajectory("damped", lambda q: 2 * q, [1.0], [0.1], 0.5)
    assert damped[1].tolist() == [1.0]
