"""Claims C6-C10 of lecture 03 (book section 8.3.1), measured with the notebook's own calls."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import rates


@pytest.fixture(scope="module")
def convex():
    return rates.convex_rate()


@pytest.fixture(scope="module")
def strong():
    return rates.strongly_convex_rate()


def test_c8_convex_averaged_sgd_rate_is_one_over_sqrt_k(convex):
    # Window k in [50, 5000]; σ = 0.3, ε_k = 0.5/√k, uniform iterate averaging.
    assert convex.window == (50, 5000)
    assert -0.6 < convex.slope_average[0] < -0.4
    # With more noise the log k of the bound flattens the fit, but it stays near −1/2.
    assert -0.6 < convex.slope_average[1] < -0.3
    assert convex.slope_average[1] > convex.slope_average[0]


def test_c8_strongly_convex_sgd_rate_is_one_over_k(strong):
    # Window k in [50, 5000]; ε_k = 1/(μ(k + τ)), μ = 0.1, τ = L/μ = 10.
    assert strong.window == (50, 5000)
    assert -1.1 < strong.slope < -0.9


def test_c6_work_per_update_is_flat_for_sgd_and_linear_for_batch():
    result = rates.work_per_update()
    assert result.sizes.tolist() == [100, 1000, 10_000, 100_000]
    assert result.sgd_examples_per_update.tolist() == [10, 10, 10, 10]
    assert result.gd_examples_per_update.tolist() == [100, 1000, 10_000, 100_000]
    assert abs(result.sgd_slope) < 1e-12
    assert abs(result.gd_slope - 1.0) < 1e-12


def test_c7_one_pass_sgd_within_one_percent_before_one_epoch():
    result = rates.one_pass()
    assert result.n == 10**6 and result.tolerance == 0.01
    assert 0 < result.examples_to_tolerance < result.n
    assert result.epoch_fraction < 0.1  # well before one pass, let alone a full one
    # The final test error is itself close to the noise level σ²/2.
    assert result.final_test_loss < 1.05 * result.noise_floor


def test_c9_sgd_tracks_the_cramer_rao_rate_and_beats_batch_gd_early():
    result = rates.statistical_floor()
    # Examples k in [1000, 10000]: SGD's excess test error within a factor 2 of σ²d/(2k).
    assert result.window == (1000, 10_000)
    lo, hi = result.ratio_range
    assert 0.5 < lo and hi < 2.0
    # Equal examples seen, up to one epoch (n = 20000): SGD is far ahead of batch GD.
    early = result.budgets <= result.n
    assert np.all(result.sgd_at_budgets[early] * 10 < result.gd_at_budgets[early])
    # Given many epochs, batch GD reaches the least-squares fit, below one-pass SGD.
    assert result.gd_excess[-1] < result.sgd_excess[-1]
    assert result.gd_excess[-1] < 1.1 * result.ols_excess


def test_c10_growing_batch_trades_between_the_extremes():
    result = rates.growing_batch()
    sgd, growing, batch = result.at_budgets
    budgets = result.budgets.tolist()
    assert budgets == [200, 2000, 20_000, 80_000]
    # At 200 examples (0.1 epoch) the growing batch is as good as small-batch SGD (within 20%)
    # and far ahead of batch GD, which has made no update yet.
    assert growing[0] < 1.2 * sgd[0] and growing[0] * 10 < batch[0]
    # From one epoch on it is below SGD's noise floor, and it stays below batch GD at 40 epochs.
    assert np.all(growing[1:] * 5 < sgd[1:])
    assert np.all(growing < batch)
    # What it trades: its updates become as costly as batch GD's (m_k reaches n).
    assert result.updates_at_budgets[1, -1] < result.updates_at_budgets[0, -1] / 50
