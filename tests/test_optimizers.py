"""Algorithms 8.1-8.3: closed-form oracles, properties and validation."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import optimizers as O
from coursekit import schedules as S

from .strategies import learning_rates, momenta, seeds, vectors


def quadratic_grad(curvatures):
    """∇J for J(θ) = ½ Σ λ_i θ_i² (a diagonal quadratic)."""
    return lambda theta: curvatures * theta


def run_steps(opt, theta, grad_fn, k):
    state = opt.init(theta)
    for _ in range(k):
        theta, state = opt.step(theta, state, grad_fn)
    return theta, state


@given(theta=vectors(), lr=learning_rates, seed=seeds, k=st.integers(1, 30))
@settings(max_examples=40, deadline=None)
def test_momentum_and_nesterov_with_zero_alpha_equal_sgd(theta, lr, seed, k):
    curv = np.random.default_rng(seed).uniform(0.1, 1.5, size=theta.shape)
    grad_fn = quadratic_grad(curv)
    ref, _ = run_steps(O.sgd(lr), theta, grad_fn, k)
    for opt in (O.momentum(lr, 0.0), O.nesterov(lr, 0.0)):
        got, _ = run_steps(opt, theta, grad_fn, k)
        np.testing.assert_array_equal(got, ref)


@given(lr=learning_rates, alpha=momenta, seed=seeds, k=st.integers(1, 200))
@settings(max_examples=50, deadline=None)
def test_terminal_velocity_identity_eq_8_17(lr, alpha, seed, k):
    # Under a constant gradient g: ‖v_k‖(1 − α)/(ε‖g‖) = 1 − α^k exactly.
    g = np.random.default_rng(seed).normal(size=3)
    _, state = run_steps(O.momentum(lr, alpha), np.zeros(3), lambda t: g, k)
    ratio = np.linalg.norm(state.velocity) * (1 - alpha) / (lr * np.linalg.norm(g))
    assert ratio == pytest.approx(1 - alpha**k, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("alpha, steps_to_99", [(0.5, 7), (0.9, 44), (0.99, 459)])
def test_steps_to_99_percent_of_terminal_velocity(alpha, steps_to_99):
    g = np.array([1.0, -2.0])
    opt = O.momentum(0.1, alpha)
    theta, state = np.zeros(2), opt.init(np.zeros(2))
    terminal = 0.1 * np.linalg.norm(g) / (1 - alpha)
    k = 0
    while np.linalg.norm(state.velocity) < 0.99 * terminal:
        theta, state = opt.step(theta, state, lambda t: g)
        k += 1
    assert k == steps_to_99


def test_sgd_on_a_1d_quadratic_matches_the_geometric_closed_form():
    lam, lr, theta0 = 3.0, 0.1, np.array([2.0])
    theta, _ = run_steps(O.sgd(lr), theta0, quadratic_grad(lam), 25)
    assert theta[0] == pytest.approx(2.0 * (1 - lr * lam) ** 25, rel=1e-12)


@pytest.mark.parametrize("use_nesterov", [False, True])
@given(lr=st.floats(0.01, 0.5), alpha=momenta, lam=st.floats(0.1, 3.0), k=st.integers(1, 60))
@settings(max_examples=30, deadline=None)
def test_heavy_ball_matches_its_2x2_linear_map(use_nesterov, lr, alpha, lam, k):
    # On J = ½λθ², (θ, v) evolves by a fixed 2x2 matrix; compare with its k-th power.
    if use_nesterov:
        # θ̃ = θ + αv; v' = αv − ελθ̃; θ' = θ + v'.
        M = np.array([[1 - lr * lam, alpha * (1 - lr * lam)], [-lr * lam, alpha * (1 - lr * lam)]])
        opt = O.nesterov(lr, alpha)
    else:
        # v' = αv − ελθ; θ' = θ + v'.
        M = np.array([[1 - lr * lam, alpha], [-lr * lam, alpha]])
        opt = O.momentum(lr, alpha)
    expected = np.linalg.matrix_power(M, k) @ np.array([1.0, 0.0])
    theta, state = run_steps(opt, np.array([1.0]), quadratic_grad(lam), k)
    assert theta[0] == pytest.approx(expected[0], rel=1e-9, abs=1e-12)
    assert state.velocity[0] == pytest.approx(expected[1], rel=1e-9, abs=1e-12)


def test_nesterov_takes_its_gradient_at_the_interim_point():
    opt = O.nesterov(0.1, 0.9)
    theta = np.array([1.0, 2.0])
    state = O.OptimizerState(np.array([0.5, -1.0]), 3)
    seen = []
    opt.step(theta, state, lambda p: seen.append(p.copy()) or np.zeros(2))
    np.testing.assert_allclose(seen[0], theta + 0.9 * np.array([0.5, -1.0]), rtol=1e-15)
    seen.clear()
    O.momentum(0.1, 0.9).step(theta, state, lambda p: seen.append(p.copy()) or np.zeros(2))
    np.testing.assert_array_equal(seen[0], theta)


def test_schedules_are_evaluated_at_k_counted_from_one():
    # Constant gradient g, SGD: θ_K = θ_0 − g Σ_{k=1..K} ε_k.
    sched = S.linear_decay(0.2, 0.002, tau=7)
    g = np.array([1.0, -3.0])
    theta, state = run_steps(O.sgd(sched), np.zeros(2), lambda t: g, 10)
    total = sum(sched(k) for k in range(1, 11))
    np.testing.assert_allclose(theta, -total * g, rtol=1e-14)
    assert state.step == 10


def test_momentum_schedule_uses_alpha_k_of_the_current_update():
    alpha = S.nesterov_momentum()
    g = np.array([1.0])
    _, state = run_steps(O.momentum(1.0, alpha), np.zeros(1), lambda t: g, 4)
    # v_k = α_k v_{k−1} − g with α = 0, 1/4, 2/5, 1/2.
    v = 0.0
    for a in (0.0, 0.25, 0.4, 0.5):
        v = a * v - 1.0
    assert state.velocity[0] == pytest.approx(v, rel=1e-15)


@given(seed=seeds)
@settings(max_examples=20, deadline=None)
def test_batched_hyperparameters_equal_the_loop_over_settings(seed):
    rng = np.random.default_rng(seed)
    lrs = rng.uniform(0.01, 0.3, size=4)
    alphas = rng.uniform(0.0, 0.95, size=4)
    curv = rng.uniform(0.1, 2.0, size=3)
    theta0 = rng.normal(size=3)
    for factory in (O.momentum, O.nesterov):
        batched, _ = run_steps(factory(lrs, alphas), np.tile(theta0, (4, 1)), quadratic_grad(curv), 15)
        for j in range(4):
            single, _ = run_steps(factory(lrs[j], alphas[j]), theta0, quadratic_grad(curv), 15)
            np.testing.assert_array_equal(batched[j], single)


def test_inputs_are_never_mutated():
    opt = O.nesterov(np.array([0.1, 0.2]), 0.9)
    theta = np.ones((2, 3))
    state = O.OptimizerState(np.full((2, 3), 0.5), 2)
    grad = np.full((2, 3), 2.0)
    copies = theta.copy(), state.velocity.copy(), grad.copy()
    opt.gradient_point(theta, state)
    new_theta, new_state = opt.update(theta, state, grad)
    np.testing.assert_array_equal(theta, copies[0])
    np.testing.assert_array_equal(state.velocity, copies[1])
    np.testing.assert_array_equal(grad, copies[2])
    assert new_theta is not theta and new_state.velocity is not state.velocity
    assert state.step == 2 and new_state.step == 3


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: O.momentum(0.1, 1.2), ValueError, r"momentum must be in \[0, 1\), got 1.2"),
        (lambda: O.momentum(0.1, 1.0), ValueError, r"momentum must be in \[0, 1\), got 1.0"),
        (lambda: O.nesterov(0.1, -0.1), ValueError, r"momentum must be in \[0, 1\), got -0.1"),
        (lambda: O.sgd(-0.01), ValueError, r"lr must be in \[0, inf\), got -0.01"),
        (lambda: O.sgd(float("nan")), ValueError, r"lr must be in \[0, inf\), got nan"),
        (lambda: O.sgd("fast"), TypeError, r"lr must be a real number"),
        (lambda: O.momentum(0.1, S.linear_decay(0.5, 1.0, 10)), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: O.momentum(np.ones(3) * 0.1, np.ones(2) * 0.5), ValueError, r"do not broadcast"),
    ],
)
def test_bad_hyperparameters_raise(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_shapes_and_values_raise():
    opt = O.momentum(np.array([0.1, 0.2, 0.3]), 0.9)
    with pytest.raises(ValueError, match=r"lr has shape \(3,\).*batch shape \(\)"):
        opt.init(np.zeros(2))
    opt = O.momentum(0.1, 0.9)
    state = opt.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"state.velocity has shape \(2,\) but theta has shape \(3,\)"):
        opt.update(np.zeros(3), state, np.zeros(3))
    with pytest.raises(ValueError, match=r"grad must have the shape of theta"):
        opt.update(np.zeros(2), state, np.zeros(3))
    with pytest.raises(ValueError, match=r"grad must be finite"):
        opt.update(np.zeros(2), state, np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match=r"theta must be finite"):
        opt.init(np.array([np.inf, 0.0]))
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., d\)"):
        opt.init(1.0)
    with pytest.raises(TypeError, match=r"state must be an OptimizerState"):
        opt.update(np.zeros(2), (np.zeros(2), 0), np.zeros(2))
    # A non-finite θ is refused even when the gradient is finite.
    with pytest.raises(ValueError, match=r"theta must be finite"):
        opt.update(np.array([np.inf, 0.0]), state, np.zeros(2))
    with pytest.raises(ValueError, match=r"theta must be finite"):
        O.nesterov(0.1, 0.9).gradient_point(np.array([np.nan, 0.0]), state)
    with pytest.raises(ValueError, match=r"state.velocity must be finite"):
        opt.update(np.zeros(2), O.OptimizerState(np.array([np.nan, 0.0]), 0), np.zeros(2))
    with pytest.raises(TypeError, match=r"state.step must be an integer, got float 1.5"):
        opt.update(np.zeros(2), O.OptimizerState(np.zeros(2), 1.5), np.zeros(2))


def test_a_plain_callable_is_a_schedule():
    theta0 = np.array([1.0, -1.0])
    grad = quadratic_grad(np.array([1.0, 3.0]))
    as_callable, _ = run_steps(O.momentum(lambda k: 0.1 / k, lambda k: 0.5), theta0, grad, 20)
    as_schedule, _ = run_steps(O.momentum(S.inverse_k(0.1), 0.5), theta0, grad, 20)
    np.testing.assert_allclose(as_callable, as_schedule, rtol=1e-13)  # 0.1/k against 0.1·k^(−1)
    # Its range is unknown, so each value is checked when it is used.
    opt = O.momentum(0.1, lambda k: 0.9 if k < 3 else 1.0)
    state = O.OptimizerState(np.zeros(2), 1)
    opt.update(theta0, state, theta0)
    with pytest.raises(ValueError, match=r"momentum \(schedule momentum\(k\)\) must be in \[0, 1\)"):
        opt.update(theta0, state._replace(step=2), theta0)


def test_the_update_is_the_books_two_lines():
    source = inspect.getsource(O.Optimizer.update.unchecked)
    assert "velocity = alpha * state.velocity - lr * grad" in source
    assert "theta = theta + velocity" in source
    assert len(inspect.getsource(O).splitlines()) < 150


def test_sgd_velocity_is_the_last_step():
    opt = O.sgd(0.5)
    theta, state = opt.step(np.array([1.0]), opt.init(np.array([1.0])), lambda t: 2 * t)
    assert state.velocity[0] == pytest.approx(-1.0) and theta[0] == pytest.approx(0.0)
