"""coursekit.experiments.physics: results against independent oracles, and bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from coursekit.experiments import physics as experiments

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def test_euler_schemes_against_handwritten_loops():
    result = experiments.euler_schemes(lr=0.04, momentum=0.5, steps=30, energy_step=0.2,
                                       energy_curvature=2.0)
    assert (result.step, result.drag) == pytest.approx((0.2, 2.5))
    # Drag-free energy by hand: forward Euler from θ = 1 at rest on J = λθ²/2.
    theta, v, h, lam = 1.0, 0.0, 0.2, 2.0
    energies = [1.0]
    for _ in range(30):
        theta, v = theta + h * v, v - h * lam * theta
        energies.append((0.5 * v * v + 0.5 * lam * theta * theta) / (0.5 * lam))
    np.testing.assert_allclose(result.energy_forward, energies, rtol=1e-12)
    assert result.energy_forward_theory == pytest.approx((1 + h * h * lam) ** 30, rel=1e-14)
    assert result.difference_semi_implicit < 1e-12 < result.difference_forward


def test_small_step_limit_against_the_closed_forms():
    result = experiments.small_step_limit(products=(0.5, 4.5), steps=50, substeps=1000)
    np.testing.assert_allclose(result.curvature, [50.0, 450.0])
    np.testing.assert_allclose(result.step_frequency, np.sqrt([0.5, 4.5]))
    assert result.time == pytest.approx(5.0)
    # ODE: θ(t) = e^{-ct/2}(cos ωt + c/(2ω) sin ωt), ω = √(λ − c²/4), c = 1.
    w = np.sqrt(result.curvature - 0.25)
    exact = np.exp(-2.5) * (np.cos(5 * w) + np.sin(5 * w) / (2 * w))
    np.testing.assert_allclose(result.ode_ratio, np.abs(exact), rtol=1e-3)  # RK4, hω ≈ 0.1
    np.testing.assert_array_equal(result.grew_semi_implicit, [False, True])
    assert result.edge_semi_implicit == pytest.approx(3.8) and result.edge_forward == pytest.approx(0.1)


def test_critical_damping_values():
    result = experiments.critical_damping(step_frequency=(0.2,), condition_number=9.0)
    assert result.momentum_ode[0] == pytest.approx(0.6) and result.momentum_discrete[0] == pytest.approx(0.64)
    assert result.drag_discrete[0] == pytest.approx(1.8)  # 2√λ − hλ
    # κ = 9: ε = 4/(3 + 1)² = 0.25, α = (2/4)² = 0.25 = (1 − √0.25)².
    assert result.polyak_lr == pytest.approx(0.25) and result.polyak_momentum == pytest.approx(0.25)
    assert result.polyak_at_double_root and result.polyak_step_frequency == pytest.approx(1.5)


def test_results_are_frozen():
    result = experiments.dry_friction_stop(theta0=(2.0,), time=5.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.band = 1.0


def test_surface_is_the_stated_quadratic():
    problem = experiments.surface(4.0)
    theta = np.array([[1.0, 2.0], [-0.5, 0.25]])
    np.testing.assert_allclose(problem.loss(theta), 0.5 * (theta[:, 0] ** 2 + 4 * theta[:, 1] ** 2))


def test_momentum_equivalence_against_a_handwritten_loop():
    result = experiments.momentum_equivalence(lr=(0.02,), momentum=(0.8,), steps=50,
                                              theta0=(1.0, -1.0))
    theta, v = np.array([1.0, -1.0]), np.zeros(2)
    for k in range(50):  # Algorithm 8.2 on J = ½(θ₁² + 4θ₂²)
        v = 0.8 * v - 0.02 * np.array([1.0, 4.0]) * theta
        theta = theta + v
    np.testing.assert_allclose(result.theta_physics[-1, 0], theta, atol=1e-13)
    assert result.step[0] == pytest.approx(np.sqrt(0.02))
    assert result.drag[0] == pytest.approx(0.2 / np.sqrt(0.02))


def test_euler_convergence_against_the_damped_oscillator():
    # On θ₂ alone (λ = 4, c = 0.5, from rest at 1) the reference is a closed form.
    result = experiments.euler_convergence(steps=(100, 200, 400), time=2.0, theta0=(0.0, 1.0))
    omega = np.sqrt(4.0 - 0.25 ** 2)
    exact = np.exp(-0.25 * 2.0) * (np.cos(2 * omega) + 0.25 / omega * np.sin(2 * omega))
    assert result.reference[1] == pytest.approx(exact, abs=1e-10)
    np.testing.assert_allclose(result.step, [0.02, 0.01, 0.005])
    np.testing.assert_allclose(result.lr, result.step ** 2)
    np.testing.assert_allclose(result.momentum, 1 - 0.5 * result.step)


def test_coasting_matches_closed_forms():
    result = experiments.coasting(velocity0=2.0, coefficient=1.0, t_max=1e3, fit_from=10.0)
    t = result.times
    np.testing.assert_allclose(result.distance_turbulent, np.log1p(2.0 * t), rtol=1e-6, atol=1e-12)
    tv = result.viscous_times
    np.testing.assert_allclose(result.distance_viscous, 2.0 * (1 - np.exp(-tv)), rtol=1e-6, atol=1e-12)
    assert tv[-1] == pytest.approx(40.0)
    # The least-squares slope of ln(1 + 2t) on ln t over [10, 1000], computed directly.
    window = t >= 10.0
    expected = np.polyfit(np.log(t[window]), np.log1p(2.0 * t[window]), 1)[0]
    assert result.slope == pytest.approx(expected, rel=1e-5)


def test_dry_friction_stop_fields():
    result = experiments.dry_friction_stop(theta0=(2.0, -3.5), curvature=2.0, coefficient=0.5)
    assert result.band == 0.25
    np.testing.assert_allclose(result.grad_at_rest, 2.0 * np.abs(result.rest_point))
    # From rest at 2 with b = 0.25: turning points −1.5, 1.0, −0.5, 0 → stops at 0.0.
    # From −3.5: 3.0, −2.5, 2.0, ... → 0.0 too; both within the step of the closed form.
    np.testing.assert_allclose(result.predicted, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.rest_point, result.predicted, atol=5e-3)
    half_period = np.pi / np.sqrt(2.0)
    assert result.stop_time[0] == pytest.approx(4 * half_period, abs=0.1)


def test_surface_paths_and_phase_portraits_shapes():
    paths = experiments.surface_paths(time=5.0)
    assert paths.drags == ("viscous", "turbulent", "dry")
    for drag in paths.drags:
        assert paths.theta[drag].shape == (paths.times.size, 2)
        np.testing.assert_allclose(paths.distance[drag], np.linalg.norm(paths.theta[drag], axis=1))
        np.testing.assert_array_equal(paths.theta[drag][0], [-2.5, 1.5])
    portraits = experiments.phase_portraits(theta0=(1.0, 2.0), time=3.0)
    for drag in portraits.drags:
        assert portraits.theta[drag].shape == (portraits.times.size, 2)
        np.testing.assert_array_equal(portraits.velocity[drag][0], [0.0, 0.0])
    assert portraits.band == pytest.approx(0.3)


def test_inputs_are_not_mutated():
    theta0 = np.array([2.0, -1.0])
    lr, mom = np.array([0.01, 0.02]), np.array([0.9, 0.5])
    experiments.dry_friction_stop(theta0=theta0, time=3.0)
    experiments.momentum_equivalence(lr=lr, momentum=mom, steps=5)
    assert theta0.tolist() == [2.0, -1.0] and lr.tolist() == [0.01, 0.02] and mom.tolist() == [0.9, 0.5]


@pytest.mark.parametrize("call, error, message", [
    (lambda: experiments.momentum_equivalence(lr=(0.1,), momentum=(1.0,)), ValueError,
     r"momentum must be in \[0, 1\), got"),
    (lambda: experiments.momentum_equivalence(lr=(0.1, 0.2), momentum=(0.5,)), ValueError,
     r"momentum must have the shape of lr \(2,\), got \(1,\)"),
    (lambda: experiments.euler_convergence(steps=(10, 20)), ValueError,
     "steps must hold at least 3 values"),
    (lambda: experiments.euler_convergence(steps=(40, 20, 80)), ValueError,
     "steps must be strictly increasing"),
    (lambda: experiments.euler_convergence(steps=(1, 2, 4), coefficient=5.0), ValueError,
     r"coefficient \* time / n <= 1"),
    (lambda: experiments.coasting(coefficient=0.0), ValueError, r"coefficient must be in \(0, inf\), got 0.0"),
    (lambda: experiments.coasting(fit_from=1e5), ValueError, r"fit_from must be in \(0, 10000\)"),
    (lambda: experiments.dry_friction_stop(step=0.5), ValueError, r"step must be in \(0, 0.1\], got 0.5"),
    (lambda: experiments.dry_friction_stop(theta0=[[1.0]]), ValueError, "theta0 must be a non-empty 1-D"),
    (lambda: experiments.surface_paths(theta0=(1.0,)), ValueError, r"theta0 must have shape \(2,\)"),
    (lambda: experiments.surface(0.5), ValueError, r"condition_number must be in \[1, inf\), got 0.5"),
    (lambda: experiments.phase_portraits(curvature=-1.0), ValueError, r"curvature must be in \(0, inf\)"),
    (lambda: experiments.euler_schemes(momentum=1.0), ValueError, r"momentum must be in \[0, 1\), got 1.0"),
    (lambda: experiments.small_step_limit(products=()), ValueError, "products must be a non-empty 1-D"),
    (lambda: experiments.drag_coefficient_sweep(coefficients=()), ValueError,
     "coefficients must be a non-empty 1-D"),
    (lambda: experiments.drag_coefficient_sweep(coefficients=(1.0, 631.0)), ValueError,
     r"coefficients \* step must stay below 2.785 .*got c = 631 with step = 0.005"),
    (lambda: experiments.drag_coefficient_sweep(later=50.0), ValueError, r"later must be in \(60, inf\)"),
    (lambda: experiments.surface_paths(fit_from=60.0), ValueError, r"fit_from must be in \(0, 60\)"),
    (lambda: experiments.critical_damping(step_frequency=(0.6,)), ValueError,
     r"step_frequency must be in \(0, 0.5\], got"),
])
def test_bad_input_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_drag_coefficient_sweep_against_the_closed_forms():
    result = experiments.drag_coefficient_sweep(coefficients=(0.5, 3.0, 10.0), time=5.0, step=0.01)
    assert result.time == pytest.approx(5.0) and result.coefficients.tolist() == [0.5, 3.0, 10.0]
    # Viscous drag on a quadratic, from rest: θ_i(t) = θ_i(0)(s₂e^{s₁t} − s₁e^{s₂t})/(s₂ − s₁),
    # s₁, s₂ the roots of s² + c s + λ_i = 0 (complex when underdamped).
    lam, start = np.array([1.0, 4.0]), np.array([-2.5, 1.5])
    c = result.coefficients[:, None]
    root = np.sqrt((c * c - 4 * lam).astype(complex))
    s1, s2 = (-c + root) / 2, (-c - root) / 2
    exact = (start * (s2 * np.exp(s1 * 5.0) - s1 * np.exp(s2 * 5.0)) / (s2 - s1)).real
    np.testing.assert_allclose(result.distance["viscous"], np.linalg.norm(exact, axis=-1), rtol=1e-6)
    # Dry friction with c = 10 > ‖∇J(θ_0)‖ ≈ 6.5 never moves the particle.
    assert result.distance["dry"][-1] == pytest.approx(np.linalg.norm(start), abs=1e-15)
    # The swing size A = √(‖v‖² + Σλ_iθ_i²) of the exact viscous motion, and the ranking by A.
    velocity = (start * s1 * s2 * (np.exp(s1 * 5.0) - np.exp(s2 * 5.0)) / (s2 - s1)).real
    np.testing.assert_allclose(result.amplitude["viscous"],
                               np.sqrt(np.sum(velocity ** 2 + lam * exact ** 2, axis=-1)), rtol=1e-6)
    assert result.amplitude["dry"][-1] == pytest.approx(np.sqrt(np.sum(lam * start ** 2)), abs=1e-14)
    assert result.best_amplitude["dry"] == result.amplitude["dry"].min()
    assert result.best_coefficient["dry"] == result.coefficients[np.argmin(result.amplitude["dry"])]


def test_phase_portraits_rest_points_and_the_path_gap():
    portraits = experiments.phase_portraits(theta0=(1.0, 3.0), time=20.0, step=0.01)
    np.testing.assert_allclose(portraits.predicted, [-0.2, 0.0], atol=1e-12)
    np.testing.assert_allclose(portraits.rest_point, portraits.predicted, atol=1e-3)
    limit = experiments.small_step_limit(products=(0.05,), steps=200, substeps=4000)
    # By hand: Algorithm 8.2 with ε = 0.01, α = 0.9 on λ = 5 against the exact ODE at t = k h.
    theta, u, lam, h, c = 1.0, 0.0, 5.0, 0.1, 1.0
    w = np.sqrt(lam - c * c / 4)
    gaps = [0.0]
    for k in range(1, 201):
        u = 0.9 * u - 0.01 * lam * theta
        theta = theta + u
        t = k * h
        gaps.append(abs(theta - np.exp(-c * t / 2) * (np.cos(w * t) + c / (2 * w) * np.sin(w * t))))
    assert limit.path_gap[0] == pytest.approx(max(gaps), rel=1e-6)
    assert limit.angle_ode[0] == pytest.approx(np.degrees(h * w))
