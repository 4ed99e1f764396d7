"""Claims C15-C18 (section 8.3.2, eqs. 8.18-8.20), measured with the notebook's experiments.

Each test calls the experiment function that notebooks/05_momentum_as_physics.ipynb
calls, with the same defaults, and asserts the measured number against the claim.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import physics
from coursekit.experiments import physics as experiments

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def test_c15_momentum_is_the_euler_step_of_a_particle_with_viscous_drag():
    result = experiments.momentum_equivalence()
    # (ε, α) -> (h, c) = (√ε, (1 − α)/√ε): coursekit's momentum and the particle agree.
    assert result.max_difference < 1e-12
    assert result.roundtrip_error < 1e-15
    np.testing.assert_allclose(result.step ** 2, result.lr, rtol=1e-15)
    np.testing.assert_allclose(1.0 - result.drag * result.step, result.momentum, rtol=1e-14)
    assert result.theta_momentum.shape[1] == 3  # three (ε, α) settings at once


def test_c15_euler_iterates_converge_to_the_ode_with_order_1():
    result = experiments.euler_convergence()
    assert 0.85 < result.order < 1.15
    assert np.all(np.diff(result.error) < 0)  # the error shrinks with every halving of h
    assert result.error[-1] < 5e-3


def test_c16_turbulent_drag_distance_grows_like_log_t():
    result = experiments.coasting()
    c = result.coefficient
    # The fitted slope of x against ln t over t in [100, 10^4] is 1/c within 2%.
    assert abs(result.slope - 1.0 / c) < 0.02 / c
    # The numerical distance follows (1/c) ln(1 + c v0 t) within 1e-6 relative.
    assert result.max_relative_error < 1e-6
    # It never stops: still moving at t_max, far beyond viscous drag's v0/c.
    assert result.velocity_turbulent[-1] > 0.0
    assert result.distance_turbulent[-1] > 5 * result.viscous_limit
    # Viscous drag stops within v0/c.
    assert result.distance_viscous[-1] == pytest.approx(result.viscous_limit, rel=1e-6)
    assert np.all(result.distance_viscous <= result.viscous_limit * (1 + 1e-12))


def test_c17_dry_friction_stops_inside_the_band_short_of_the_minimum():
    result = experiments.dry_friction_stop()
    assert np.all(result.velocity[-1] == 0.0)  # at rest, exactly
    assert np.all(result.grad_at_rest <= result.coefficient)  # |∇J| ≤ c where it stopped
    assert np.all(result.distance > 0.05)  # short of θ* = 0
    # The closed form for J = λθ²/2: (−1)^n sign(θ0)(|θ0| − 2bn), b = c/λ.
    np.testing.assert_allclose(result.rest_point, result.predicted, rtol=0, atol=1e-3)
    np.testing.assert_allclose(result.predicted, [-0.2, 0.2, -0.1], atol=1e-12)
    assert np.max(np.abs(result.rest_point - result.predicted)) < 5e-5  # "within 3e-5" at h = 0.01


def test_c17_dry_friction_can_stop_short_and_lands_on_the_minimum_only_by_chance():
    result = experiments.phase_portraits()
    rest = result.rest_point
    assert np.all(result.velocity["dry"][-1] == 0.0)
    np.testing.assert_allclose(rest, result.predicted, atol=1e-3)
    np.testing.assert_allclose(result.predicted, [-0.2, 0.1, -0.1], atol=1e-12)
    # Three starts, three different rest points, none at θ* (markers that do not overlap).
    assert np.all(np.abs(rest) > 0.05) and np.min(np.abs(np.diff(np.sort(rest)))) > 0.05
    # Control: from a multiple of 2c/λ the closed form lands exactly on θ*.
    lands = physics.dry_friction_rest_point(3.0, 0.0, result.curvature, result.coefficient)
    assert abs(lands) < 1e-12
    # At t = 40 viscous drag is within e^{-ct/2}-ish of θ*, turbulent drag still circles it.
    viscous = np.abs(result.theta["viscous"][-1]) + np.abs(result.velocity["viscous"][-1])
    turbulent = np.abs(result.theta["turbulent"][-1]) + np.abs(result.velocity["turbulent"][-1])
    assert np.all(viscous < 0.01) and np.all(turbulent > 0.1)


def test_c17_c18_on_the_surface():
    result = experiments.surface_paths()
    # C18: viscous drag reaches the minimum and stops there.
    assert result.final_distance["viscous"] < 1e-6
    assert result.final_speed["viscous"] < 1e-6
    # C17 in 2-D: dry friction rests where ‖∇J‖ ≤ c, away from θ*.
    assert result.final_speed["dry"] == 0.0
    assert result.final_grad_norm["dry"] <= result.coefficient
    assert result.final_distance["dry"] > 0.05
    # C16 on a cost: turbulent drag is still moving at time T.
    assert result.final_speed["turbulent"] > 1e-3
    # How the swings shrink: viscous by the constant factor e^{-c/2} per unit time,
    # turbulent like 1/t (fitted log-log slope near −1).
    assert result.viscous_rate == pytest.approx(-result.coefficient / 2, abs=0.01)
    assert -1.1 < result.turbulent_power < -0.9
    # A fine simulation of the particle (RK4, h = 0.005): 1.7e-13 at t = 60, not the
    # h = 0.04 algorithm's 5.0e-14.
    assert 1.5e-13 < result.final_distance["viscous"] < 2.0e-13


def test_c18_holds_near_critical_damping_not_for_every_coefficient():
    result = experiments.drag_coefficient_sweep()
    cs, d, a, later = result.coefficients, result.distance, result.amplitude, result.amplitude_later
    at = {float(c): k for k, c in enumerate(cs)}
    assert result.time == pytest.approx(60.0) and result.later == pytest.approx(80.0)
    # Effect: at c = 1 (and for each law's best c of the grid, ranked by the swing size A) viscous drag
    # ends closest and swings least.
    assert d["viscous"][at[1.0]] < 1e-12 < d["turbulent"][at[1.0]] < d["dry"][at[1.0]]
    assert a["viscous"][at[1.0]] < 1e-12 < a["turbulent"][at[1.0]] < a["dry"][at[1.0]]
    assert result.best_amplitude["viscous"] < 1e-20 < result.best_amplitude["turbulent"] < result.best_amplitude["dry"]
    assert result.best_coefficient["viscous"] == 2.0  # critical damping 2√λ of the flatter direction
    assert result.best_coefficient["turbulent"] == 100.0
    # A bounds the distance: ‖θ‖ ≤ A/√λ_min (λ_min = 1).
    for drag in d:
        assert np.all(d[drag] <= a[drag] * (1 + 1e-12))
    # Where it fails: heavily overdamped viscous drag (c = 100) creeps (rate λ/c); turbulent drag
    # swings far less at t = 60 and still at t = 80.
    assert a["viscous"][at[100.0]] > 1.0 and later["viscous"][at[100.0]] > 1.0
    assert a["turbulent"][at[100.0]] < 1e-3 * a["viscous"][at[100.0]]
    assert later["turbulent"][at[100.0]] < 1e-3 * later["viscous"][at[100.0]]
    # Control on the sampling: at c = 10 the turbulent lead is small at t = 60 and reversed at t = 80.
    assert 1.0 < a["viscous"][at[10.0]] / a["turbulent"][at[10.0]] < 2.0
    assert later["viscous"][at[10.0]] < 0.5 * later["turbulent"][at[10.0]]


def test_c15_semi_implicit_euler_is_algorithm_8_2_and_forward_euler_is_not():
    result = experiments.euler_schemes()
    # Effect: θ moved with the new velocity reproduces coursekit's momentum to rounding.
    assert result.difference_semi_implicit < 1e-12
    # Control: θ moved with the old velocity (forward Euler) is a different algorithm.
    assert result.difference_forward > 0.1
    # The largest gap comes early, during the first swings, not at the end: ...
    assert result.worst_step_forward < 50 and result.final_gap_forward < 0.01 * result.difference_forward
    # ... where both have converged, forward Euler more slowly than Algorithm 8.2.
    assert result.final_distance_forward > 50 * result.final_distance_momentum
    assert result.final_gap_forward == pytest.approx(result.final_distance_forward, rel=0.05)
    # Without drag, forward Euler multiplies the energy by exactly 1 + h²λ per step ...
    np.testing.assert_allclose(result.energy_forward[-1], result.energy_forward_theory, rtol=1e-10)
    assert result.energy_forward[-1] > 5.0
    assert np.all(np.diff(result.energy_forward) > 0.0)
    # ... while the symplectic (semi-implicit) step keeps it within O(h) of E_0.
    assert np.all(np.abs(result.energy_semi_implicit - 1.0) < 0.06)


def test_c15_the_particle_picture_holds_only_for_small_steps():
    result = experiments.small_step_limit()
    # The continuous particle settles for every curvature (to about e^{-cT/2}).
    assert np.all(result.ode_ratio < 2 * result.ode_envelope)
    # Algorithm 8.2 converges below ελ = 2 + 2α = 3.8 ...
    below = result.products < result.edge_semi_implicit
    assert below.any() and (~below).any()
    assert np.all(result.ratio_semi_implicit[below] < 1e-3)
    assert not result.grew_semi_implicit[below].any()
    assert np.all(result.radius_semi_implicit[below] < 1.0)
    # ... and diverges past it, where the ODE with the same (h, c) still converges.
    assert result.grew_semi_implicit[~below].all()
    assert np.all(result.radius_semi_implicit[~below] > 1.0)
    assert np.all(result.step_frequency[~below] > 1.9)  # h√λ is far from small there
    # Converging is not following: below the edge every coordinate has |z| = √α, ...
    np.testing.assert_allclose(result.radius_semi_implicit[below], np.sqrt(result.momentum), rtol=1e-12)
    # ... yet the discrete roots turn faster than the ODE, and the gap between the paths grows with ελ.
    assert np.all(result.angle_discrete[below] > result.angle_ode[below])
    gap = result.path_gap[below]
    assert np.all(np.diff(gap) > 0)
    assert gap[0] < 0.15 and gap[-1] > 5.0  # ελ = 0.05 against 3.7 (θ_0 = 1)
    assert result.max_position[below][-1] > 4.0 and np.all(result.max_position[below][:-1] <= 1.0 + 1e-12)
    # Forward Euler's edge is ελ = 1 − α = 0.1: stable at 0.05, unstable from 0.5 on.
    np.testing.assert_array_equal(result.grew_forward, result.products > result.edge_forward)
    np.testing.assert_array_equal(result.radius_forward > 1.0, result.products > result.edge_forward)


def test_critical_damping_of_the_ode_and_of_momentum_part_as_h_grows():
    result = experiments.critical_damping()
    # α = (1 − √(ελ))² is a double root of Algorithm 8.2's map ...
    assert result.damping_discrete == ("critical",) * 4
    # ... and the ODE's c = 2√λ maps to α = 1 − 2h√λ: equal in the small-step limit,
    np.testing.assert_allclose(result.gap, result.step_frequency ** 2, rtol=1e-12)
    assert result.gap[0] < 1e-3
    # apart by 0.25 at h√λ = 0.5, where the ODE's value leaves no momentum at all.
    assert result.gap[-1] > 0.2 and result.momentum_ode[-1] <= 1e-12
    assert result.damping_ode == ("over",) * 4  # the discrete step is already overdamped there
    # Polyak's optimum (κ = 100): μ at the discrete double root, with h√L ≈ 1.8.
    assert result.polyak_at_double_root
    assert result.polyak_momentum != pytest.approx(result.polyak_momentum_ode, abs=0.01)
    assert 1.7 < result.polyak_step_frequency < 1.9 and 3.2 < result.polyak_lr_times_l < 3.4
