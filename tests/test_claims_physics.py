"""Claims C15-C18 (section 8.3.2, eqs. 8.18-8.20), measured with the notebook's experiments.

Each test calls the experiment function that notebooks/05_momentum_as_physics.ipynb
calls, with the same defaults, and asserts the measured number against the claim.
"""

from __future__ import annotations

import numpy as np
import pytest

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
