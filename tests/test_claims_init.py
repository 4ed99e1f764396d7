"""Claims of book section 8.4 (parameter initialization), measured.

Each test calls the experiment function the lecture notebook calls, with
the same defaults, and asserts the measured number against the claim with
a stated tolerance. Oracles: closed forms (label entropy from counts,
gain^L), and the infinite-width recursion for the variance of tanh
activations computed by Gauss–Hermite quadrature.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from coursekit.data import digits_split
from coursekit.experiments import initialization as ini


@pytest.fixture(scope="module")
def comparison():
    return ini.compare_initializers()


@pytest.fixture(scope="module")
def propagation():
    return ini.signal_propagation()


def _row(result, label):
    return result.labels.index(label)


# -- C21 ------------------------------------------------------------------------------
GOOD = ("U(±1/√m)", "Glorot", "He", "orthogonal", "sparse k=16")


def test_c21_good_initializations_train_and_generalize(comparison):
    """Good scales reach J ≤ 0.1 within 100 steps, J < 0.03 after 200, test accuracy > 0.93."""
    for label in GOOD:
        i = _row(comparison, label)
        assert not comparison.diverged[i].any()
        assert (comparison.steps_to_target[i] > 0).all() and (comparison.steps_to_target[i] <= 100).all()
        assert (comparison.final_loss[i] < 0.03).all(), label
        assert (comparison.test_accuracy[i] > 0.93).all(), label


def test_c21_symmetric_start_never_learns(comparison):
    """Zero weights: the cost stays within 0.01 of its start (≈ label entropy), accuracy ≈ chance."""
    i = _row(comparison, "zeros")
    assert np.all(np.abs(comparison.final_loss[i] - comparison.initial_loss[i]) < 0.01)
    assert (comparison.test_accuracy[i] < 0.15).all()


def test_c21_too_small_is_slow(comparison):
    """N(0, 0.01²): still not at J ≤ 0.1 after 200 steps; final J at least 10× the worst good one."""
    i = _row(comparison, "too small")
    worst_good = max(comparison.final_loss[_row(comparison, g)].max() for g in GOOD)
    assert (comparison.steps_to_target[i] == -1).all()
    assert comparison.final_loss[i].min() > 10 * worst_good


def test_c21_too_large_reaches_worse_cost_and_generalizes_worse(comparison):
    """N(0, 1): final J ≥ 10× worse and test accuracy at least 0.1 lower than every good scheme."""
    i = _row(comparison, "too large")
    worst_good = max(comparison.final_loss[_row(comparison, g)].max() for g in GOOD)
    worst_good_acc = min(comparison.test_accuracy[_row(comparison, g)].min() for g in GOOD)
    assert comparison.final_loss[i].min() > 10 * worst_good
    assert comparison.test_accuracy[i].max() < worst_good_acc - 0.1


def test_c21_huge_scale_does_not_converge_and_divergence_is_reported(comparison):
    """N(0, 1000²): at least one seed overflows and is reported with its step; none learns."""
    i = _row(comparison, "huge")
    assert comparison.diverged[i].any()
    for s, status in enumerate(comparison.statuses(i)):
        k = int(comparison.diverged_at[i, s])
        if comparison.diverged[i, s]:
            assert re.fullmatch(r"diverged at step \d+", status) and status.endswith(str(k))
            assert 1 <= k <= comparison.steps[-1]
            # recorded costs stop being reported from the step of divergence on
            assert np.isnan(comparison.loss[comparison.steps >= k, i, s]).all()
        else:
            assert status == f"finished {comparison.steps[-1]} steps"
    assert (comparison.test_accuracy[i] < 0.2).all()


def test_c21_the_reported_step_does_not_depend_on_the_record_grid(comparison):
    """The cost is recorded every 25 updates, yet the step of divergence is the update's own."""
    i = _row(comparison, "huge")
    every_step = ini.compare_initializers(record_every=1)
    np.testing.assert_array_equal(every_step.diverged_at, comparison.diverged_at)
    assert comparison.diverged_at[i].max() <= 2


# -- symmetry ------------------------------------------------------------------------
def test_symmetric_units_stay_identical_random_units_do_not():
    result = ini.symmetry()
    zeros, constant, glorot = (result.labels.index(n) for n in ("zeros", "constant 0.1", "Glorot"))
    assert result.spread_end[zeros] == 0.0
    assert result.spread_end[constant] == 0.0
    assert result.spread_start[glorot] > 0.1 and result.spread_end[glorot] > 0.1
    # the constant network did learn something (its cost moved), yet stayed symmetric
    assert result.final_loss[constant] < result.final_loss[zeros] - 0.1


# -- scale through depth -------------------------------------------------------------
def _tanh_mean_field(q1: float, weight_variance_times_width: float, depth: int) -> float:
    """var(h_L)/var(h_1) of an infinitely wide tanh stack: q_{l+1} = c·E[tanh(√q_l z)²]."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(101)
    weights = weights / weights.sum()
    q, variances = q1, []
    for _ in range(depth):
        v = float((weights * np.tanh(np.sqrt(q) * nodes) ** 2).sum())
        variances.append(v)
        q = weight_variance_times_width * v
    return variances[-1] / variances[0]


def test_glorot_tanh_variance_follows_mean_field_theory(propagation):
    """Glorot (var 1/m) + tanh: var ratio L/1 within 15% of the mean-field value (≈ 0.132)."""
    a, s = propagation.activations.index("tanh"), propagation.labels.index("Glorot")
    predicted = _tanh_mean_field(1.0, 1.0, len(propagation.layers))
    assert 0.1 < predicted < 0.2
    assert abs(propagation.activation_ratio[a, s] / predicted - 1.0) < 0.15


def test_he_relu_keeps_variance(propagation):
    """He + ReLU: var(h_10)/var(h_1) in [0.5, 2] (theory: 1), gradients likewise."""
    a, s = propagation.activations.index("relu"), propagation.labels.index("He")
    assert 0.5 <= propagation.activation_ratio[a, s] <= 2.0
    assert 0.5 <= propagation.gradient_ratio[a, s] <= 2.0


def test_bad_scales_vanish_or_explode(propagation):
    small, large = propagation.labels.index("too small"), propagation.labels.index("too large")
    tanh, relu = propagation.activations.index("tanh"), propagation.activations.index("relu")
    for a in (tanh, relu):
        assert propagation.activation_ratio[a, small] < 1e-3
        assert propagation.gradient_ratio[a, small] < 1e-3
    assert propagation.activation_ratio[relu, large] > 1e3
    assert propagation.gradient_ratio[relu, large] > 1e3
    # tanh saturates (|h| ≈ 1) instead of exploding, but its gradients still explode
    assert 0.5 < propagation.activation_ratio[tanh, large] < 2.0
    assert propagation.gradient_ratio[tanh, large] > 1e3


# -- orthogonal and sparse ---------------------------------------------------------------
@pytest.mark.parametrize("gain", [1.0, 1.1])
def test_orthogonal_products_keep_all_singular_values(gain):
    result = ini.linear_products(gain=gain)
    expected = gain ** result.depths[:, None]
    assert np.all(np.abs(result.orthogonal_sv / expected - 1.0) < 1e-10)
    assert np.all(result.orthogonal_ratio < 1.0 + 1e-10)
    # Gaussian layers of the same variance: the spread grows with depth, past 10^6 at L = 8
    assert result.gaussian_ratio[-1] > 1e6
    assert np.all(np.diff(result.gaussian_log_spread) > 0)


def test_sparse_units_have_exactly_k_incoming_weights():
    result = ini.sparse_stats()
    assert np.all(result.min_count == result.nonzero)
    assert np.all(result.max_count == result.nonzero)
    # pre-activation std ≈ √k σ whatever m (10%), a dense N(0, σ²) layer grows like √m
    assert np.all(np.abs(result.sparse_std / (np.sqrt(result.nonzero) * result.std) - 1) < 0.1)
    assert np.all(np.abs(result.dense_std / (np.sqrt(result.fan_ins) * result.std) - 1) < 0.1)
    # units more diverse than a dense layer of equal variance, increasingly so as m grows
    assert np.all(result.sparse_spread > result.matched_spread)
    assert result.sparse_spread[-1] > 10 * result.matched_spread[-1]


# -- biases ---------------------------------------------------------------------------------
def test_marginal_output_bias_gives_label_entropy():
    result = ini.output_bias()
    y = digits_split(seed=0).y
    counts = np.array(list(Counter(y.tolist()).values()), dtype=float)
    p = counts / counts.sum()
    entropy = -sum(pi * np.log(pi) for pi in p)
    assert abs(result.loss_zero_weights - entropy) < 1e-9
    assert abs(result.loss_zero_bias - np.log(10)) < 1e-12
    # small output weights N(0, 0.01²): within 0.05 nats of the entropy
    assert np.all(np.abs(result.loss_small_weights - entropy) < 0.05)


def test_relu_bias_keeps_more_units_alive():
    """Deep ReLU net, U(±1/√m) weights: bias 0.1 ends with fewer dead units and a lower cost.

    Measured per seed (same weights, same minibatches): dead units after
    training, bias 0 vs 0.1; summed over seeds at least 2× fewer.
    """
    result = ini.relu_bias()
    zero, positive = list(result.bias_values).index(0.0), list(result.bias_values).index(0.1)
    assert result.dead_end[positive].sum() * 2 <= result.dead_end[zero].sum()
    assert np.median(result.final_loss[positive]) < np.median(result.final_loss[zero])
