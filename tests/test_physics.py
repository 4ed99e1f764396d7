"""coursekit.physics: the particle of eqs. (8.18)-(8.20), its drags and integrators."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import momentum_theory, physics
from coursekit.problems import Quadratic, canyon

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def grad_quadratic(lam):
    lam = np.asarray(lam, dtype=float)
    return lambda theta: lam * theta


def no_force(theta):
    return np.zeros_like(theta)


def drag_oracle(v, drag, c):
    """F_drag(v) of one moving particle, from the formulas of section 8.3.2."""
    v = np.asarray(v, dtype=float)
    speed = np.linalg.norm(v)
    return {"viscous": -c * v, "turbulent": -c * speed * v, "dry": -c * v / speed,
            "none": np.zeros_like(v)}[drag]


def viscous_coast(t, v0, c):
    """x(t), v(t) of dv/dt = −c v from (0, v_0): (v_0/c)(1 − e^{−ct}) and v_0 e^{−ct}."""
    return v0 / c * -np.expm1(-c * t), v0 * np.exp(-c * t)


# --------------------------------------------------------------------------
# The change of variables (ε, α) <-> (h, c)
# --------------------------------------------------------------------------


def test_maps_closed_form_values():
    h, c = physics.from_momentum(0.09, 0.7)
    assert h == pytest.approx(0.3, abs=1e-15)
    assert c == pytest.approx(1.0, abs=1e-14)
    eps, alpha = physics.to_momentum(0.3, 1.0)
    assert eps == pytest.approx(0.09, abs=1e-15)
    assert alpha == pytest.approx(0.7, abs=1e-15)
    assert physics.from_momentum(0.04, 1.0) == (0.2, 0.0)  # α = 1: no drag


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.floats(1e-6, 1.0), st.floats(0.0, 0.999))
def test_maps_are_inverse(lr, momentum):
    eps, alpha = physics.to_momentum(*physics.from_momentum(lr, momentum))
    assert abs(eps - lr) <= 1e-15 * max(1.0, lr)
    assert abs(alpha - momentum) <= 1e-12


def test_maps_broadcast_and_do_not_mutate():
    lr = np.array([0.01, 0.04])
    mom = np.array([[0.9], [0.5]])
    h, c = physics.from_momentum(lr, mom)
    assert h.shape == c.shape == (2, 2)
    np.testing.assert_allclose(c, (1 - mom) / np.sqrt(lr), rtol=1e-15)
    assert lr.tolist() == [0.01, 0.04] and mom.ravel().tolist() == [0.9, 0.5]


@pytest.mark.parametrize("call, message", [
    (lambda: physics.from_momentum(0.0, 0.5), r"lr must be in \(0, inf\), got 0.0"),
    (lambda: physics.from_momentum(0.1, 1.2), r"momentum must be in \[0, 1\], got 1.2"),
    (lambda: physics.to_momentum(-1.0, 0.5), r"step must be in \(0, inf\)"),
    (lambda: physics.to_momentum(0.5, -1.0), r"drag must be in \[0, inf\)"),
    (lambda: physics.to_momentum(0.5, 3.0), r"drag \* step must be in \[0, 1\].*got 1.5"),
])
def test_maps_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------
# The Euler step is momentum (Algorithm 8.2)
# --------------------------------------------------------------------------


def book_momentum(grad, theta, v, lr, alpha, n):
    """Algorithm 8.2 written out: v ← αv − εg, θ ← θ + v (independent oracle)."""
    path = [theta.copy()]
    for _ in range(n):
        v = alpha * v - lr * grad(theta)
        theta = theta + v
        path.append(theta.copy())
    return np.array(path)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.floats(1e-4, 0.3), st.floats(0.0, 0.99), st.integers(0, 10_000))
def test_viscous_euler_is_momentum(lr, alpha, seed):
    rng = np.random.default_rng(seed)
    theta0 = rng.normal(size=3)
    v0 = rng.normal(size=3)
    lam = np.array([1.0, 2.0, 3.0])
    h, c = physics.from_momentum(lr, alpha)
    path = physics.simulate(grad_quadratic(lam), theta0, v0, drag="viscous", coefficient=c,
                            step=h, steps=30)
    oracle = book_momentum(grad_quadratic(lam), theta0, h * v0, lr, alpha, 30)
    assert np.max(np.abs(path.theta - oracle)) < 1e-12 * max(1.0, np.max(np.abs(oracle)))


def test_euler_step_formula_and_no_mutation():
    theta, v = np.array([1.0, -2.0]), np.array([0.5, 0.0])
    new_theta, new_v = physics.euler_step(grad_quadratic([1.0, 3.0]), theta, v, step=0.1,
                                          drag="viscous", coefficient=2.0)
    expected_v = (1 - 0.2) * v - 0.1 * np.array([1.0, -6.0])
    np.testing.assert_allclose(new_v, expected_v, rtol=1e-15)
    np.testing.assert_allclose(new_theta, theta + 0.1 * expected_v, rtol=1e-15)
    assert theta.tolist() == [1.0, -2.0] and v.tolist() == [0.5, 0.0]


def test_turbulent_step_formula():
    v = np.array([3.0, 4.0])
    _, new_v = physics.euler_step(lambda t: 0 * t, [0.0, 0.0], v, step=0.01, drag="turbulent",
                                  coefficient=2.0)
    np.testing.assert_allclose(new_v, v - 0.01 * 2.0 * 5.0 * v, rtol=1e-15)


def test_problem_and_callable_give_the_same_motion():
    problem = canyon(10.0)
    a = physics.simulate(problem, [1.0, 1.0], [0.0, 0.0], drag="turbulent", coefficient=0.5,
                         step=0.05, steps=40)
    b = physics.simulate(grad_quadratic([1.0, 10.0]), [1.0, 1.0], [0.0, 0.0], drag="turbulent",
                         coefficient=0.5, step=0.05, steps=40)
    np.testing.assert_allclose(a.theta, b.theta, rtol=0, atol=1e-15)


def test_batch_equals_loop():
    starts = np.array([[1.0, 0.5], [-2.0, 1.0], [0.3, -0.7]])
    coeffs = np.array([0.1, 0.5, 1.0])
    for drag in ("viscous", "turbulent", "dry"):
        batch = physics.simulate(grad_quadratic([1.0, 4.0]), starts, np.zeros(2), drag=drag,
                                 coefficient=coeffs, step=0.02, steps=200, record_every=7)
        for i in range(3):
            one = physics.simulate(grad_quadratic([1.0, 4.0]), starts[i], np.zeros(2), drag=drag,
                                   coefficient=coeffs[i], step=0.02, steps=200, record_every=7)
            np.testing.assert_allclose(batch.theta[:, i], one.theta, rtol=0, atol=1e-14)
    assert batch.times.tolist() == pytest.approx(np.append(np.arange(0, 201, 7), 200) * 0.02)


def test_array_of_steps_gives_times_per_particle():
    path = physics.simulate(lambda t: t, np.zeros((2, 1)), np.ones((2, 1)), drag="none",
                            coefficient=0.0, step=np.array([0.1, 0.2]), steps=3)
    assert path.times.shape == (4, 2)
    np.testing.assert_allclose(path.times[-1], [0.3, 0.6])
    np.testing.assert_allclose(path.theta[1, :, 0], [0.1, 0.2])  # θ_1 = θ_0 + h(v_0 − h θ_0)


# --------------------------------------------------------------------------
# Drags
# --------------------------------------------------------------------------


@pytest.mark.parametrize("drag", physics.DRAGS)
def test_without_a_force_the_acceleration_is_the_drag(drag):
    v = np.array([[3.0, 4.0]])
    got = physics.acceleration(no_force, [[1.0, -2.0]], v, drag=drag, coefficient=2.0)
    np.testing.assert_allclose(got, [drag_oracle(v[0], drag, 2.0)], rtol=1e-15)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.sampled_from(["turbulent", "dry", "viscous"]))
def test_drags_are_rotation_invariant(seed, drag):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    v = rng.normal(size=3)
    theta = np.zeros(3)
    rotated = physics.acceleration(no_force, theta, q @ v, drag=drag, coefficient=0.7)
    unrotated = physics.acceleration(no_force, theta, v, drag=drag, coefficient=0.7)
    np.testing.assert_allclose(rotated, q @ unrotated, atol=1e-12)


def test_static_dry_friction_at_rest():
    # ‖∇J‖ = 0.5 ≤ c = 1: friction cancels the force exactly; no NaN at v = 0.
    acc = physics.acceleration(lambda t: np.array([0.3, 0.4]) + 0 * t, [0.0, 0.0], [0.0, 0.0],
                               drag="dry", coefficient=1.0)
    assert acc.tolist() == [0.0, 0.0]
    # ‖∇J‖ = 5 > c = 1: friction of size c against the pull, F = c ∇J/‖∇J‖.
    acc = physics.acceleration(lambda t: np.array([3.0, 4.0]) + 0 * t, [0.0, 0.0], [0.0, 0.0],
                               drag="dry", coefficient=1.0)
    np.testing.assert_allclose(acc, -np.array([3.0, 4.0]) + [0.6, 0.8], rtol=1e-15)
    acc = physics.acceleration(grad_quadratic([1.0]), [0.5], [0.0], drag="dry", coefficient=1.0)
    assert acc.tolist() == [0.0]


def test_dry_particle_at_rest_in_the_band_never_moves():
    path = physics.simulate(grad_quadratic([1.0, 4.0]), [0.3, 0.1], [0.0, 0.0], drag="dry",
                            coefficient=0.8, step=0.05, steps=100)  # ‖∇J‖ = 0.5 ≤ 0.8
    assert np.all(path.theta == np.array([0.3, 0.1])) and np.all(path.velocity == 0.0)
    moved = physics.simulate(grad_quadratic([1.0, 4.0]), [0.3, 0.1], [0.0, 0.0], drag="dry",
                             coefficient=0.4, step=0.05, steps=5)  # 0.5 > 0.4: it slides
    assert np.all(np.isfinite(moved.theta)) and np.any(moved.theta[-1] != [0.3, 0.1])


def test_dry_friction_stops_a_free_particle_at_v0_squared_over_2c():
    # No force, v0 = 1, c = 1: it stops after t = v0/c at x = v0²/(2c), up to O(h).
    path = physics.simulate(lambda t: 0 * t, [0.0], [1.0], drag="dry", coefficient=1.0, step=1e-3,
                            steps=2000)
    assert path.final_velocity[0] == 0.0
    assert path.final_theta[0] == pytest.approx(0.5, abs=2e-3)


# --------------------------------------------------------------------------
# Closed forms and the reference integrator
# --------------------------------------------------------------------------


def damped_oscillator(t, x0, lam, c):
    """x'' + c x' + λ x = 0, x(0) = x0, x'(0) = 0, underdamped (c² < 4λ)."""
    omega = np.sqrt(lam - c * c / 4)
    return x0 * np.exp(-c * t / 2) * (np.cos(omega * t) + c / (2 * omega) * np.sin(omega * t))


def test_rk4_matches_damped_oscillator_and_has_order_4():
    errors = []
    for n in (40, 80, 160):
        path = physics.integrate(grad_quadratic([2.0]), [1.0], [0.0], drag="viscous", coefficient=0.5,
                                 times=[0.0, 5.0], substeps=n)
        errors.append(abs(path.final_theta[0] - damped_oscillator(5.0, 1.0, 2.0, 0.5)))
    assert errors[-1] < 1e-6
    order = np.polyfit(np.log([5 / 40, 5 / 80, 5 / 160]), np.log(errors), 1)[0]
    assert 3.7 < order < 4.3


def test_semi_implicit_euler_has_order_1_on_the_oscillator():
    exact = damped_oscillator(4.0, 1.0, 2.0, 0.5)
    errors = [abs(physics.simulate(grad_quadratic([2.0]), [1.0], [0.0], drag="viscous", coefficient=0.5,
                                   step=4.0 / n, steps=n).final_theta[0] - exact)
              for n in (200, 400, 800, 1600)]
    order = np.polyfit(np.log(4.0 / np.array([200, 400, 800, 1600])), np.log(errors), 1)[0]
    assert 0.9 < order < 1.1


def test_integrate_euler_method_equals_simulate():
    a = physics.integrate(grad_quadratic([1.0]), [1.0], [0.0], drag="dry", coefficient=0.2,
                          times=[0.0, 1.0, 2.0], substeps=100, method="euler")
    b = physics.simulate(grad_quadratic([1.0]), [1.0], [0.0], drag="dry", coefficient=0.2,
                         step=0.01, steps=200, record_every=100)
    np.testing.assert_allclose(a.theta, b.theta, atol=1e-12)


def test_coast_closed_forms_satisfy_their_odes():
    # The viscous one is this file's oracle: check it too before trusting it.
    t, dt, v0, c = np.linspace(0.5, 10.0, 30), 1e-5, 2.0, 0.7
    for coast, law in ((physics.turbulent_coast, lambda v: -c * v * v),
                       (viscous_coast, lambda v: -c * v)):
        _x, v = coast(t, v0, c)
        x_plus, v_plus = coast(t + dt, v0, c)
        x_minus, v_minus = coast(t - dt, v0, c)
        np.testing.assert_allclose((x_plus - x_minus) / (2 * dt), v, rtol=1e-7)
        np.testing.assert_allclose((v_plus - v_minus) / (2 * dt), law(v), rtol=1e-6)
        assert coast(0.0, v0, c) == (0.0, v0)


@pytest.mark.parametrize("drag, coast", [("turbulent", physics.turbulent_coast),
                                         ("viscous", viscous_coast)])
def test_integrate_coasts_like_the_closed_forms(drag, coast):
    times = np.linspace(0.0, 5.0, 11)
    path = physics.integrate(no_force, [0.0], [2.0], drag=drag, coefficient=0.7, times=times,
                             substeps=50)
    x, v = coast(times, 2.0, 0.7)
    np.testing.assert_allclose(path.theta[:, 0], x, rtol=1e-8, atol=1e-12)  # RK4, h = 0.01
    np.testing.assert_allclose(path.velocity[:, 0], v, rtol=1e-8, atol=1e-12)


def rest_point_oracle(x, v, lam, c):
    """Turning points of the piecewise harmonic motion, one half swing at a time."""
    b = c / lam
    if v != 0.0:  # first swing: energy about the centre −sign(v) b
        centre = -np.sign(v) * b
        x = centre + np.sign(v) * np.sqrt((x - centre) ** 2 + v * v / lam)
    while abs(x) > b:
        centre = np.sign(x) * b  # moving back towards 0, friction points away from 0
        x = 2 * centre - x
    return x


def test_dry_rest_point_closed_form():
    lam, c = 1.5, 0.3
    x0 = np.array([2.0, -1.0, 3.5, 0.1, 2.0, 2.0, -0.5])
    v0 = np.array([0.0, 0.0, 0.0, 0.0, 0.7, -2.7, 1.5])
    predicted = physics.dry_friction_rest_point(x0, v0, lam, c)
    oracle = [rest_point_oracle(x, v, lam, c) for x, v in zip(x0, v0)]
    np.testing.assert_allclose(predicted, oracle, rtol=0, atol=1e-12)
    assert np.all(np.abs(predicted) <= c / lam)
    # All seven particles as one batch, with a small step.
    simulated = physics.simulate(grad_quadratic([lam]), x0[:, None], v0[:, None], drag="dry",
                                 coefficient=c, step=2e-3, steps=15_000, record_every=15_000)
    assert np.all(simulated.final_velocity == 0.0)
    np.testing.assert_allclose(simulated.final_theta[:, 0], predicted, rtol=0, atol=2e-3)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, message", [
    ({"drag": "quadratic"}, ValueError, r"drag must be one of \('viscous', 'turbulent', 'dry', 'none'\), got 'quadratic'"),
    ({"coefficient": -1.0}, ValueError, r"coefficient must be in \[0, inf\), got -1.0"),
    ({"step": 0.0}, ValueError, r"step must be in \(0, inf\), got 0.0"),
    ({"steps": -1}, ValueError, r"steps must be an integer in \[0, inf\], got -1"),
    ({"steps": 2.5}, TypeError, r"steps must be an integer, got float 2.5"),
    ({"force": "gradient"}, TypeError, r"force must be a coursekit Problem or a callable"),
    ({"theta0": [np.nan, 0.0]}, ValueError, r"theta must be finite"),
    ({"velocity0": [1.0, 2.0, 3.0]}, ValueError, r"velocity must have shape \(\.\.\., 2\), got shape \(3,\)"),
    ({"theta0": np.zeros((3, 2)), "coefficient": [1.0, 2.0]}, ValueError,
     r"coefficient has shape \(2,\), which does not broadcast against the batch shape \(3,\)"),
    ({"scheme": "implicit"}, ValueError, r"scheme must be one of \('semi-implicit', 'forward'\), got 'implicit'"),
])
def test_simulate_rejects_bad_input(kwargs, error, message):
    args = {"force": grad_quadratic([1.0, 2.0]), "theta0": [1.0, 0.0], "velocity0": [0.0, 0.0],
                "drag": "viscous", "coefficient": 1.0, "step": 0.1, "steps": 3}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        physics.simulate(args.pop("force"), args.pop("theta0"), args.pop("velocity0"), **args)


def test_velocity_batch_must_broadcast():
    with pytest.raises(ValueError, match=r"velocity has shape \(3, 2\), which does not broadcast against theta \(2, 2\)"):
        physics.simulate(grad_quadratic([1.0, 2.0]), np.zeros((2, 2)), np.zeros((3, 2)), drag="viscous",
                         coefficient=1.0, step=0.1, steps=1)


def test_problem_dimension_is_checked():
    with pytest.raises(ValueError, match=r"theta must have shape \(\.\.\., 2\), got shape \(3,\)"):
        physics.simulate(canyon(), [1.0, 0.0, 0.0], [0.0], drag="viscous", coefficient=1.0, step=0.1,
                         steps=1)


def test_integrate_rejects_bad_input():
    f = grad_quadratic([1.0])
    with pytest.raises(ValueError, match="method='rk4' needs a smooth force"):
        physics.integrate(f, [1.0], [0.0], drag="dry", coefficient=1.0, times=[0.0, 1.0])
    with pytest.raises(ValueError, match="times must be a strictly increasing 1-D array starting at 0"):
        physics.integrate(f, [1.0], [0.0], drag="viscous", coefficient=1.0, times=[0.5, 1.0])
    with pytest.raises(ValueError, match="method must be 'rk4' or 'euler', got 'midpoint'"):
        physics.integrate(f, [1.0], [0.0], drag="viscous", coefficient=1.0, times=[0.0, 1.0],
                          method="midpoint")
    with pytest.raises(ValueError, match=r"the gradient must have the shape of theta \(1,\)"):
        physics.simulate(lambda t: np.ones(3), [1.0], [0.0], drag="viscous", coefficient=1.0,
                         step=0.1, steps=1)


def test_closed_forms_reject_bad_input():
    with pytest.raises(ValueError, match=r"coefficient must be in \(0, inf\), got 0.0"):
        physics.turbulent_coast(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"curvature must be in \(0, inf\), got -1.0"):
        physics.dry_friction_rest_point(1.0, 0.0, -1.0, 0.1)


def test_inputs_are_not_mutated():
    theta0, v0, c = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]), np.array([0.5])
    copies = theta0.copy(), v0.copy(), c.copy()
    for drag in ("viscous", "turbulent", "dry", "none"):
        physics.simulate(grad_quadratic([1.0, 2.0]), theta0, v0, drag=drag, coefficient=c, step=0.1,
                         steps=5)
        physics.acceleration(grad_quadratic([1.0, 2.0]), theta0, v0, drag=drag, coefficient=c)
    physics.integrate(Quadratic([1.0, 2.0]), theta0, v0, drag="turbulent", coefficient=c,
                      times=np.array([0.0, 1.0]))
    for original, copy in zip((theta0, v0, c), copies):
        np.testing.assert_array_equal(original, copy)


# --------------------------------------------------------------------------
# Forward Euler, and the roots of the discrete step
# --------------------------------------------------------------------------


def test_forward_euler_moves_theta_with_the_old_velocity():
    lam, h, c = np.array([1.0, 3.0]), 0.2, 0.7
    theta, v = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    path = physics.simulate(grad_quadratic(lam), theta, v, drag="viscous", coefficient=c, step=h,
                            steps=4, scheme="forward")
    for k in range(4):  # the loop written out: θ uses v_k, v uses θ_k and v_k
        theta, v = theta + h * v, v + h * (-c * v - lam * theta)
        np.testing.assert_allclose(path.theta[k + 1], theta, rtol=1e-14)
        np.testing.assert_allclose(path.velocity[k + 1], v, rtol=1e-14)
    semi = physics.simulate(grad_quadratic(lam), [1.0, -2.0], [0.5, 0.25], drag="viscous",
                            coefficient=c, step=h, steps=4)
    assert np.max(np.abs(semi.theta - path.theta)) > 1e-3  # a different algorithm


@pytest.mark.parametrize("scheme", physics.SCHEMES)
@pytest.mark.parametrize("lr, alpha, lam", [(0.01, 0.9, 5.0), (0.01, 0.9, 390.0), (0.2, 0.3, 2.0),
                                            (0.25, 0.25, 1.0), (0.05, 0.0, 7.0)])
def test_each_schemes_one_step_map_has_the_stated_roots(scheme, lr, alpha, lam):
    # The map (θ, u) -> (θ', u') with u = h v, built from one simulated step of each unit vector.
    h, c = physics.from_momentum(lr, alpha)
    columns = []
    for theta0, v0 in (([1.0], [0.0]), ([0.0], [1.0 / h])):
        end = physics.simulate(grad_quadratic([lam]), theta0, v0, drag="viscous", coefficient=c, step=h,
                               steps=1, scheme=scheme)
        columns.append([end.theta[-1, 0], h * end.velocity[-1, 0]])
    eigenvalues = np.linalg.eigvals(np.array(columns).T)
    if scheme == "forward":
        got = physics.forward_euler_roots(lr, alpha, lam)
        np.testing.assert_allclose(np.sort_complex(got), np.sort_complex(eigenvalues), atol=1e-6)
    else:  # Algorithm 8.2: the heavy-ball spectral radius of lecture 04
        assert momentum_theory.spectral_radius(lr, alpha, lam) == pytest.approx(np.max(np.abs(eigenvalues)),
                                                                              abs=1e-6)


def test_forward_euler_roots_stability_edge_and_bad_input():
    alpha = 0.9
    radius = lambda prod: np.max(np.abs(physics.forward_euler_roots(0.01, alpha, prod / 0.01)), -1)
    assert radius(1 - alpha - 1e-6) < 1.0 < radius(1 - alpha + 1e-6)
    # No drag (α = 1): |z|² = 1 + ελ > 1 for every λ > 0, the energy growth of forward Euler.
    np.testing.assert_allclose(np.abs(physics.forward_euler_roots(0.01, 1.0, [1.0, 50.0])),
                               np.sqrt(1 + 0.01 * np.array([[1.0, 1.0], [50.0, 50.0]])), rtol=1e-12)
    assert physics.forward_euler_roots([0.01, 0.04], 0.5, 1.0).shape == (2, 2)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\]"):
        physics.forward_euler_roots(0.1, 1.5, 1.0)
