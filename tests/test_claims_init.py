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


@pytest.fixture(scope="module")
def long():
    return ini.long_training()


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


def test_c21_too_large_reaches_a_worse_cost_after_200_updates_by_underfitting(comparison):
    """N(0, 1) after 200 updates: final J ≥ 10× worse, and its low test accuracy is underfitting.

    Effect: test accuracy at least 0.1 below every good scheme. Control (the
    reading as poor generalization): its training accuracy is just as low
    (< 0.8) and its train–test gap is smaller than that of every good scheme.
    """
    i = _row(comparison, "too large")
    worst_good = max(comparison.final_loss[_row(comparison, g)].max() for g in GOOD)
    worst_good_acc = min(comparison.test_accuracy[_row(comparison, g)].min() for g in GOOD)
    assert comparison.final_loss[i].min() > 10 * worst_good
    assert comparison.test_accuracy[i].max() < worst_good_acc - 0.1
    assert comparison.train_accuracy[i].max() < 0.8
    gap = (comparison.train_accuracy[i] - comparison.test_accuracy[i]).mean()
    good_gaps = [(comparison.train_accuracy[_row(comparison, g)]
                  - comparison.test_accuracy[_row(comparison, g)]).mean() for g in GOOD]
    assert gap < min(good_gaps)


def test_c21_given_time_too_small_catches_up_too_large_does_not(long, comparison):
    """2,000 updates: N(0, 0.01²) ends where Glorot and He end; N(0, 1) still underfits.

    Control: after 200 updates (the same runs) "too small" had not even
    reached J ≤ 0.1.
    """
    small, large = long.labels.index("too small"), long.labels.index("too large")
    good = [long.labels.index(g) for g in ("Glorot", "He")]
    assert (comparison.steps_to_target[_row(comparison, "too small")] == -1).all()
    assert long.final_loss[small].max() < 1e-3
    for g in good:
        assert long.final_loss[g].max() < 1e-3
        assert abs(long.test_accuracy[small].mean() - long.test_accuracy[g].mean()) < 0.01
    assert long.final_loss[large].min() > 0.2 and long.train_accuracy[large].max() < 0.9
    # its first 200 updates are those of compare_initializers (same θ_0 and minibatches)
    k200 = list(long.steps).index(200)
    np.testing.assert_allclose(long.loss[k200, large], comparison.final_loss[_row(comparison, "too large")],
                               rtol=1e-8)


def test_c21_at_matched_training_cost_too_large_has_a_higher_test_cost_not_a_larger_accuracy_gap(long):
    """The book's "comparable cost, different generalization", checked at matched training cost.

    He is stopped at the first update where its cost falls to N(0, 1)'s final
    cost (within 10%). Effect: N(0, 1)'s test cost is higher by > 0.2 nats on
    every seed, and its test − train cost gap is more than twice He's.
    Control (accuracy): its accuracy gap is no larger than He's largest,
    while it makes more test mistakes (lower test accuracy) on every seed.
    """
    large = long.labels.index("too large")
    goal = long.final_loss[large]
    assert np.all(long.match_loss <= goal) and np.all(long.match_loss > 0.9 * goal)
    assert np.all(long.match_step < 100)
    assert np.all(long.final_test_loss[large] > long.match_test_loss + 0.2)
    gap_large = (long.final_test_loss[large] - goal).mean()
    gap_he = (long.match_test_loss - long.match_loss).mean()
    assert gap_large > 2 * gap_he
    acc_gap_large = long.train_accuracy[large] - long.test_accuracy[large]
    acc_gap_he = long.match_train_accuracy - long.match_test_accuracy
    assert acc_gap_large.max() <= acc_gap_he.max()
    assert np.all(long.test_accuracy[large] < long.match_test_accuracy)


def test_c21_huge_scale_does_not_converge_and_divergence_is_reported(comparison):
    """N(0, 1000²): the runner stops every seed within two updates and reports the step; none learns."""
    i = _row(comparison, "huge")
    assert comparison.diverged[i].all()
    for s, status in enumerate(comparison.statuses(i)):
        k = int(comparison.diverged_at[i, s])
        assert re.fullmatch(r"diverged at step \d+", status) and status.endswith(str(k))
        assert 1 <= k <= 2
        # recorded costs stop being reported from the step of divergence on
        assert np.isnan(comparison.loss[comparison.steps >= k, i, s]).all()
    assert (comparison.test_accuracy[i] < 0.2).all()


def test_c21_huge_scale_past_the_stop_nothing_overflows_a_layer_dies():
    """Without the runner's stop: θ stays finite though max|θ| passes 1e30; a whole layer dies.

    The cost then returns to the label entropy (within 0.01) and the
    accuracy to chance; the control is the runner's verdict above.
    """
    result = ini.unstable_start()
    assert result.finite.all()
    assert np.all(result.max_abs_theta[-1] > 1e30)
    assert np.all(np.nanmax(result.loss, axis=0) > 1e30)
    assert np.all(np.abs(result.final_loss - result.entropy) < 0.01)
    assert np.all(result.dead >= 32)  # a hidden layer has 32 units
    assert np.all(result.test_accuracy < 0.2)


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


def test_glorot_is_the_compromise_of_the_forward_and_backward_conditions():
    """Non-square layers: 1/m keeps the forward gain at 1, 1/n the backward one, Glorot neither.

    Predicted gains m σ² and n σ² match the measured ones within 25%;
    Glorot's worst per-layer factor is below that of 1/m and of 1/n.
    Control: with square layers the three rules give the same gains.
    """
    result = ini.glorot_gains()
    np.testing.assert_allclose(result.measured_forward, result.predicted_forward, rtol=0.25)
    np.testing.assert_allclose(result.measured_backward, result.predicted_backward, rtol=0.25)
    fan_in, fan_out, glorot = (result.rules.index(r) for r in ("1/m", "1/n", "Glorot 2/(m+n)"))
    assert np.allclose(result.predicted_forward[fan_in], 1.0)
    assert np.allclose(result.predicted_backward[fan_out], 1.0)

    def worst(r):
        gains = np.concatenate([result.predicted_forward[r], result.predicted_backward[r]])
        return np.max(np.maximum(gains, 1.0 / gains))

    assert worst(glorot) < worst(fan_in) and worst(glorot) < worst(fan_out)
    assert not np.allclose(result.predicted_forward[glorot], 1.0)
    square = [ini.variance_gains((64, 64, 64), rule) for rule in ini.VARIANCE_RULES]
    for forward, backward in square:
        np.testing.assert_allclose(forward, 1.0, rtol=1e-12)
        np.testing.assert_allclose(backward, 1.0, rtol=1e-12)


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
    # same input variance, but the sparse weights are √(m/k) times larger than the matched dense ones
    ratio = result.sparse_rms / result.matched_rms
    np.testing.assert_allclose(ratio, np.sqrt(result.fan_ins / result.nonzero), rtol=0.1)


def test_dense_units_are_already_nearly_orthogonal():
    """Mean |cos| between dense units ≈ √(2/(πm)) (10%): not interchangeable; sparse ones even less alike."""
    result = ini.sparse_stats()
    np.testing.assert_allclose(result.matched_cosine, np.sqrt(2 / (np.pi * result.fan_ins)), rtol=0.1)
    assert np.all(result.matched_cosine < 0.15)
    assert np.all(result.sparse_cosine <= result.matched_cosine)
    assert result.sparse_disjoint[-1] > 0.9


def test_large_sparse_weights_train_slowly_because_of_the_input_variance_not_the_weight_size():
    """Digits MLP, 500 updates. Effect: N(0, 1) non-zeros (k = 16, input variance 16) end at a
    cost > 5× that of N(0, 1/k) ones.

    Controls: dense weights with the same input variance but smaller weights
    are just as slow (> 5× their small counterpart; sparse against dense
    within 2× on every seed); with k = 4 the same N(0, 1) weight size (input
    variance 4) shows no drawback (< 1.5× on every seed). The layers are 25%
    and 50% dense.
    """
    result = ini.sparse_drawback()
    large_sparse, large_dense, small_sparse, small_dense = result.final_loss
    assert result.fan_ins == (64, 32, 32) and result.nonzero == 16
    assert np.all(large_sparse > 5 * small_sparse)
    assert np.all(large_dense > 5 * small_dense)
    ratio = large_sparse / large_dense
    assert np.all((ratio > 0.5) & (ratio < 2.0))
    assert result.test_accuracy[0].mean() < result.test_accuracy[2].mean()
    few = ini.sparse_drawback(nonzero=4)
    assert few.stds[0] == result.stds[0] == 1.0
    assert np.all(few.final_loss[0] < 1.5 * few.final_loss[2])


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


def test_relu_bias_speeds_up_a_small_weight_net_not_a_he_net():
    """Deep ReLU net, same weights and minibatches for both biases, 10 seeds.

    Effect (U(±1/√m) weights): after 200 updates bias 0.1 has the lower cost
    on at least 9 of 10 seeds, median < 0.5× bias 0's, fewer dead units in
    total; its median stays lower at 600 updates. Control (He weights, 200
    updates): bias 0.1 wins on at most 7 of 10 seeds and its median is not
    below half of bias 0's.
    """
    small = ini.relu_bias(checkpoints=(200, 400, 600), seeds=10)
    he = ini.relu_bias(weight_init="he_normal", seeds=10)
    zero, positive = list(small.bias_values).index(0.0), list(small.bias_values).index(0.1)
    wins = (small.loss[:, positive] < small.loss[:, zero]).sum(axis=-1)
    median = np.median(small.loss, axis=-1)
    assert wins[0] >= 9 and median[0, positive] < 0.5 * median[0, zero]
    assert small.dead[0, positive].sum() * 2 <= small.dead[0, zero].sum()
    assert median[-1, positive] < median[-1, zero]
    assert wins[-1] < wins[0]  # the advantage fades
    he_wins = (he.final_loss[positive] < he.final_loss[zero]).sum()
    assert he_wins <= 7
    assert np.median(he.final_loss[positive]) > 0.5 * np.median(he.final_loss[zero])


def test_c21_converged_too_small_higher_test_cost_small_accuracy_deficit():
    """10 new seeds, paired: too small − He and − Glorot after all fitted the training set.

    Effect: the test cost of "too small" is higher on at least 9/10 seeds
    against each, by more than 3 standard errors. Beside it, a small accuracy
    deficit: negative mean, below 0.015 in size, lower on at least 7/10
    seeds. Training costs are not matched: "too small" ends at > 2× theirs.
    """
    conv = ini.converged_seeds()
    assert conv.final_loss.max() < 0.01
    small = conv.labels.index("too small")
    for other in ("He", "Glorot"):
        s = conv.labels.index(other)
        assert conv.final_loss[small].mean() > 2 * conv.final_loss[s].mean()
        d = conv.paired("too small", other)
        assert (d > 0).sum() >= 9 and d.mean() > 3 * d.std(ddof=1) / np.sqrt(d.size)
        a = conv.paired("too small", other, "test_accuracy")
        assert -0.015 < a.mean() < 0 and (a < 0).sum() >= 7


def test_c21_large_start_stalls_on_images_that_reach_no_layer_two_unit_at_the_large_step_only():
    """Same θ_0 and minibatches, ε = 0.05 against ε = 0.01.

    Effect (ε = 0.05): N(0, 1) ends with J > 0.3, with > 20% of the training
    images switching off every layer-2 unit and carrying > 90% of J. Controls:
    He has no such image at either step; at ε = 0.01 N(0, 1) has < 0.5% such
    images and fits the training set (train acc > 0.98) on these seeds. Dead
    units are counted but not claimed as the cause. At ε = 0.01 the book's
    point shows in the accuracy: He is > 0.05 more
    accurate on every seed, with a test cost less than a fifth, fewer test
    mistakes and less confident ones.
    """
    r = ini.step_size_control()
    big, small_lr = list(r.lrs).index(0.05), list(r.lrs).index(0.01)
    large, he = r.labels.index("too large"), r.labels.index("He")
    assert np.all(r.dead_start == 0)
    assert np.all(r.final_loss[big, large] > 0.3)
    assert np.all(r.blocked[big, large] > 0.2) and np.all(r.blocked_share[big, large] > 0.9)
    assert np.all(r.blocked[:, he] == 0)
    assert np.all(r.blocked[small_lr, large] < 0.005) and np.all(r.train_accuracy[small_lr, large] > 0.98)
    assert np.all(r.test_accuracy[small_lr, he] - r.test_accuracy[small_lr, large] > 0.05)
    assert np.all(r.test_loss[small_lr, he] < 0.2 * r.test_loss[small_lr, large])
    assert np.all(r.wrong[small_lr, large] > r.wrong[small_lr, he])
    assert np.all(r.wrong_confidence[small_lr, large] > r.wrong_confidence[small_lr, he])


def test_c21_huge_start_kills_hidden_layer_two_on_new_draws():
    """10 new draws without the stop: θ and J finite, layer 2 loses ≥ 31 of 32 units, layer 1 none."""
    more = ini.unstable_start(seeds=10, seed=5)
    assert more.finite.all() and more.loss_finite.all()
    assert np.all(more.dead_per_layer[:, 1] >= 31) and np.all(more.dead_per_layer[:, 0] == 0)


def test_gaussian_condition_is_heavy_tailed_and_computed_robustly():
    """200 draws: median ratio 100–400 at depth 1, > 1e9 at depth 8, 10–90% range wider than 10×.

    Control: at depth 1 the robust ratio equals the one from the SVD to 1e-8.
    """
    cond = ini.gaussian_condition()
    q = cond.quantiles()
    assert 100 < q[0, 1] < 400 and q[1, 1] > 1e9
    assert np.all(q[:, 2] > 10 * q[:, 0]) and np.isfinite(cond.ratio).all()
    rng = np.random.default_rng(1)
    w = rng.standard_normal((1, 200, 64, 64)) / 8.0
    sv = np.linalg.svd(w[0], compute_uv=False)
    np.testing.assert_allclose(cond.ratio[0], sv[:, 0] / sv[:, -1], rtol=1e-8)
