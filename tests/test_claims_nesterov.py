"""Claims C19 and C20 (section 8.3.3) and the library conventions, on the notebook's experiments.

Each test calls the experiment the lecture notebook calls, with its
defaults, and asserts the measured number against the claim.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import nesterov as E


@pytest.fixture(scope="module")
def batch():
    return E.batch_rates()


@pytest.fixture(scope="module")
def stochastic():
    return E.stochastic_rates()


def test_c19_nesterov_takes_its_gradient_at_the_interim_point():
    res = E.interim_points()
    theta = res.theta["nesterov"]
    velocity = np.diff(theta, axis=0)  # θ_k − θ_{k−1} = v_k (eq. 8.22)
    velocity = np.vstack([np.zeros(2), velocity[:-1]])  # v before update k
    np.testing.assert_allclose(res.grad_point["nesterov"], theta[:-1] + res.momentum * velocity,
                               atol=1e-15)
    np.testing.assert_allclose(res.grad_point["momentum"], res.theta["momentum"][:-1], atol=0)
    # The look-ahead point differs from θ from update 2 on (v_1 ≠ 0).
    assert np.abs(res.grad_point["nesterov"][1:] - theta[1:-1]).min() > 1e-3


def test_c20_batch_gradient_descent_is_order_one_over_k(batch):
    # Measured −0.9999.
    assert -1.1 < batch.slopes[0] < -0.9


def test_c20_batch_nesterov_schedule_is_order_one_over_k_squared(batch):
    # Measured −2.002.
    assert -2.15 < batch.slopes[2] < -1.85


def test_c20_constant_alpha_is_still_order_one_over_k_with_smaller_constant(batch):
    # Measured slope −1.000 and C(α = 0.9)/C(GD) = 0.100, i.e. about 1 − α.
    assert -1.1 < batch.slopes[1] < -0.9
    assert 0.05 < batch.constant_ratio < 0.2


def test_c20_stochastic_nesterov_does_not_beat_sgd_beyond_seed_noise(stochastic):
    # All three decay like 1/k (measured −0.99, −1.03, −0.94 with standard errors ≈ 0.03).
    assert np.all(np.abs(stochastic.slopes + 1.0) < 0.2)
    # Nesterov is not steeper than SGD by more than 3 standard errors of the difference
    # (measured z = +1.1, i.e. if anything shallower) ...
    assert stochastic.slope_z[1] > -3.0
    # ... and its final excess loss is not below SGD's by more than 3 standard errors
    # (measured ratio 1.03 ± 0.07).
    assert stochastic.ratios[1] > 1.0 - 3.0 * stochastic.ratio_se[1]
    assert abs(stochastic.ratios[1] - 1.0) < 3.0 * stochastic.ratio_se[1]


def test_conventions_equal_the_book_at_constant_rate():
    res = E.convention_equivalence()
    # Measured ~1e-16 for all three.
    assert res.max_momentum <= 1e-12
    assert res.max_nesterov <= 1e-12
    assert res.max_damped <= 1e-12


def test_conventions_break_when_lr_changes_and_alpha_k_restores_momentum():
    res = E.changing_lr()
    # Measured 0.099 (momentum, α = μ), 0.013 and 0.0023 (Nesterov, α = μ and α_k).
    assert res.max_momentum_naive > 1e-6
    assert res.max_nesterov_naive > 1e-6
    assert res.max_nesterov_corrected > 1e-6
    # Measured 5.6e-16.
    assert res.max_momentum_corrected <= 1e-12
