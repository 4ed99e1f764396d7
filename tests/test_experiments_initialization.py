"""Unit tests of coursekit.experiments.initialization.

Oracles: brute-force loops (pairwise unit differences, per-example forward
passes, label entropy from counts), central finite differences for the
back-propagated gradients, closed forms (log C, √k σ).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.data import digits_split
from coursekit.experiments import initialization as ini
from coursekit.problems.mlp import MLP
from tests.oracles import central_differences


# -- small helpers ------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=40))
def test_label_entropy_matches_counting(labels):
    n = len(labels)
    expected = 0.0
    for c in set(labels):
        p = labels.count(c) / n
        expected -= p * np.log(p)
    assert ini.label_entropy(labels, 5) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 5))
def test_unit_spread_is_max_pairwise_difference(seed, m, n):
    w = np.random.default_rng(seed).standard_normal((2, m, n))
    before = w.copy()
    brute = [max(abs(w[b, r, i] - w[b, r, j]) for r in range(m) for i, j in itertools.product(range(n), repeat=2))
             for b in range(2)]
    np.testing.assert_allclose(ini.unit_spread(w), brute, rtol=0, atol=0)
    np.testing.assert_array_equal(w, before)


def test_unit_spread_rejects_vectors():
    with pytest.raises(ValueError, match=r"weight must have shape \(\.\.\., m, n\)"):
        ini.unit_spread(np.ones(3))


# -- propagate -----------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_propagate_forward_matches_loop_and_backward_matches_finite_differences(activation):
    rng = np.random.default_rng(3)
    weights = rng.standard_normal((3, 4, 4)) / 2.0
    x = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 4))
    w_before, x_before = weights.copy(), x.copy()
    h, g = ini.propagate(weights, x, activation, upstream)
    act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    # forward: one example, one layer at a time
    for n in range(5):
        a = x[n]
        for layer in range(3):
            a = act(weights[layer].T @ a)
            np.testing.assert_allclose(h[layer, n], a, rtol=1e-12, atol=1e-14)

    # backward: ∂J/∂z_1 by central differences on a perturbation added to z_1
    def objective(delta):  # delta (..., 5*4) added to z_1
        z1 = x @ weights[0] + delta.reshape(delta.shape[:-1] + (5, 4))
        a = act(z1)
        for layer in (1, 2):
            a = act(a @ weights[layer])
        return (upstream * a).sum(axis=(-2, -1))

    numeric = central_differences(objective, np.zeros(20)).reshape(5, 4)
    np.testing.assert_allclose(g[0], numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(weights, w_before)
    np.testing.assert_array_equal(x, x_before)


def test_propagate_batches_over_leading_axes():
    rng = np.random.default_rng(1)
    weights = rng.standard_normal((2, 3, 4, 4))
    x = rng.standard_normal((6, 4))
    h, g = ini.propagate(weights, x, "tanh")
    h1, g1 = ini.propagate(weights[1], x, "tanh")
    assert h.shape == g.shape == (2, 3, 6, 4)
    np.testing.assert_allclose(h[1], h1, rtol=1e-13)
    np.testing.assert_allclose(g[1], g1, rtol=1e-13)


def test_propagate_bad_inputs():
    with pytest.raises(ValueError, match="activation must be one of 'tanh', 'relu'; got 'sigmoid'"):
        ini.propagate(np.ones((2, 3, 3)), np.ones((4, 3)), "sigmoid")
    with pytest.raises(ValueError, match=r"weights must have shape \(\.\.\., L, m, m\)"):
        ini.propagate(np.ones((2, 3, 4)), np.ones((4, 3)), "tanh")


# -- experiments: oracles and shapes ---------------------------------------------------------
def test_deep_weights_shape_and_seed():
    scheme = ini.DEEP_SCHEMES[3]
    w = ini.deep_weights(scheme, 4, 8, seed=2)
    assert w.shape == (4, 8, 8)
    np.testing.assert_array_equal(w, ini.deep_weights(scheme, 4, 8, seed=2))
    with pytest.raises(TypeError, match="scheme must be a Scheme"):
        ini.deep_weights("glorot", 4, 8)
    with pytest.raises(ValueError, match=r"depth must be an integer in \[1, inf\], got 0"):
        ini.deep_weights(scheme, 0, 8)


def test_signal_propagation_std_matches_direct_computation():
    schemes = ini.DEEP_SCHEMES[3:5]
    result = ini.signal_propagation(schemes, depth=3, width=6, n_samples=5, seed=4)
    # redo the draws in the documented order: x, upstream, then each scheme's weights
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 6))
    rng.standard_normal((5, 6))  # the upstream gradient, drawn next
    weights = [s.weights(rng, 6, 6, batch_shape=(3,)) for s in schemes]
    for a, activation in enumerate(("tanh", "relu")):
        act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
        for s in range(2):
            h = x
            for layer in range(3):
                h = act(h @ weights[s][layer])
                assert result.activation_std[a, s, layer] == pytest.approx(np.std(h), rel=1e-12)
    np.testing.assert_allclose(result.activation_ratio,
                               (result.activation_std[..., -1] / result.activation_std[..., 0]) ** 2)


def test_dead_units_matches_brute_force():
    data = digits_split(seed=0)
    net = MLP(data.X[:50], data.y[:50], hidden=(6, 5), activation="relu", n_classes=10)
    theta = net.init_theta(np.random.default_rng(0), "normal", std=0.1, bias_init=-1.0, batch_shape=(2,))
    before = theta.copy()
    expected = []
    for b in range(2):
        (w1, b1), (w2, b2), _ = net.unpack(theta[b])
        h1 = np.maximum(data.X[:50] @ w1 + b1, 0.0)
        h2 = np.maximum(h1 @ w2 + b2, 0.0)
        expected.append(int((h1.max(axis=0) <= 0).sum() + (h2.max(axis=0) <= 0).sum()))
    assert ini.dead_units(net, theta).tolist() == expected
    assert max(expected) > 0  # the oracle is not trivially zero here
    np.testing.assert_array_equal(theta, before)
    with pytest.raises(TypeError, match="net must be an MLP"):
        ini.dead_units("net", theta)


def test_output_bias_closed_forms():
    result = ini.output_bias(seeds=2)
    assert result.loss_zero_bias == pytest.approx(np.log(10), abs=1e-12)
    assert result.log_classes == pytest.approx(np.log(10), abs=1e-15)
    assert result.entropy < result.log_classes  # digits are not exactly balanced
    assert result.loss_small_weights.shape == (2,)


def test_sparse_stats_shapes_and_scale():
    result = ini.sparse_stats((32, 128), fan_out=64, nonzero=4, std=2.0, n_samples=400)
    assert result.min_count.tolist() == [4, 4] and result.max_count.tolist() == [4, 4]
    np.testing.assert_allclose(result.sparse_std, 2.0 * 2.0, rtol=0.15)
    np.testing.assert_allclose(result.matched_std, 2.0 * 2.0, rtol=0.15)


def test_linear_products_depth_one_is_the_condition_number():
    result = ini.linear_products((1, 3), width=8, gain=2.0, seed=1)
    np.testing.assert_allclose(result.orthogonal_sv[0], 2.0, rtol=1e-12)
    np.testing.assert_allclose(result.orthogonal_sv[1], 8.0, rtol=1e-12)
    np.testing.assert_allclose(result.gaussian_ratio,
                               result.gaussian_sv.max(axis=1) / result.gaussian_sv.min(axis=1))
    with pytest.raises(ValueError, match="depths must be a non-empty increasing tuple"):
        ini.linear_products((3, 1))
    with pytest.raises(ValueError, match=r"gain must be in \(0, inf\), got -1"):
        ini.linear_products(gain=-1.0)


def test_compare_initializers_small_run():
    schemes = (ini.MLP_SCHEMES[3], ini.MLP_SCHEMES[0])
    result = ini.compare_initializers(schemes, hidden=(4,), steps=4, seeds=2, record_every=2)
    assert result.labels == ("Glorot", "zeros")
    assert result.loss.shape == (3, 2, 2)
    assert result.steps.tolist() == [0, 2, 4]
    assert result.final_loss.shape == result.test_accuracy.shape == (2, 2)
    table = ini.comparison_table(result)
    assert table.splitlines()[2].startswith("Glorot") and "0/2" in table
    # zero weights in every layer: the cost at θ_0 is exactly log 10
    np.testing.assert_allclose(result.initial_loss[1], np.log(10), rtol=1e-14)


def test_long_training_small_run_and_matched_cost():
    schemes = (ini.MLP_SCHEMES[4], ini.MLP_SCHEMES[7])  # He, too large
    result = ini.long_training(schemes, hidden=(16,), steps=20, seeds=2, record_every=10,
                               match_steps=20)
    assert result.labels == ("He", "too large")
    assert result.loss.shape == result.test_loss.shape == (3, 2, 2)
    assert result.gap.shape == (2, 2)
    # the reference is stopped at the first update with J ≤ the final J of matched_to
    goal = result.final_loss[1]
    assert np.all(result.match_loss <= goal) and np.all((result.match_step >= 1) & (result.match_step <= 20))
    table = ini.matched_cost_table(result)
    assert len(table.splitlines()) == 2 + 2 * 2
    assert ini.generalization_table(result).splitlines()[2].startswith("He")
    with pytest.raises(ValueError, match="does not reach the final cost"):
        ini.long_training((ini.MLP_SCHEMES[1], ini.MLP_SCHEMES[4]), hidden=(16,), steps=20, seeds=1,
                          record_every=10, reference="too small", matched_to="He", match_steps=5)
    with pytest.raises(ValueError, match="reference must be one of the schemes' labels"):
        ini.long_training(schemes, reference="Glorot")


def test_variance_gains_and_glorot_gains():
    forward, backward = ini.variance_gains((10, 30, 5), "Glorot 2/(m+n)")
    np.testing.assert_allclose(forward, [2 * 10 / 40, 2 * 30 / 35], rtol=1e-15)
    np.testing.assert_allclose(backward, [2 * 30 / 40, 2 * 5 / 35], rtol=1e-15)
    np.testing.assert_allclose(ini.variance_gains((10, 30), "1/m")[1], [3.0], rtol=1e-15)
    result = ini.glorot_gains((8, 16, 4), n_samples=64)
    assert result.measured_forward.shape == (3, 2) and result.rules == tuple(ini.VARIANCE_RULES)
    assert "worst" in ini.gains_table(result).splitlines()[0]
    with pytest.raises(ValueError, match="rule must be one of"):
        ini.variance_gains((10, 30), "1/(m n)")
    with pytest.raises(ValueError, match="widths must hold at least two sizes"):
        ini.variance_gains((10,), "1/m")


def test_unstable_start_small_run():
    result = ini.unstable_start(hidden=(16,), steps=4, seeds=2, record_every=2)
    assert result.steps.tolist() == [0, 2, 4]
    assert result.loss.shape == result.max_abs_theta.shape == (3, 2)
    assert result.dead.shape == result.finite.shape == (2,) and result.n_hidden == 16
    with pytest.raises(TypeError, match="scheme must be a Scheme"):
        ini.unstable_start("huge")


def test_sparse_drawback_small_run_and_dense_matched():
    result = ini.sparse_drawback(nonzero=2, hidden=(4,), steps=3, seeds=2)
    assert result.final_loss.shape == result.test_accuracy.shape == (4, 2)
    assert result.labels[0] == "sparse, N(0, 1)" and result.labels[2] == "sparse, N(0, 1/2)"
    assert result.fan_ins == (64, 4)
    assert len(ini.drawback_table(result).splitlines()) == 2 + 4
    w = ini.dense_matched(np.random.default_rng(0), 400, 300, nonzero=4, std=1.0)
    assert abs(w.var() / (4 / 400) - 1.0) < 0.05
    with pytest.raises(ValueError, match="nonzero must be at most the smallest fan-in"):
        ini.sparse_drawback(nonzero=8, hidden=(4,), steps=1)


def test_relu_bias_checkpoints():
    result = ini.relu_bias(hidden=(4, 4), checkpoints=(2, 6), seeds=2)
    assert result.checkpoints.tolist() == [2, 6] and result.steps == 6
    assert result.dead.shape == result.loss.shape == (2, 2, 2)
    np.testing.assert_array_equal(result.dead_end, result.dead[-1])
    with pytest.raises(ValueError, match="checkpoints must be increasing"):
        ini.relu_bias(checkpoints=(6, 2))
    assert (result.diverged_at == -1).all() and (result.dead >= 0).all()


def test_relu_bias_reports_a_diverged_run_instead_of_failing():
    stable = ini.relu_bias(hidden=(4, 4), checkpoints=(2, 30), seeds=2, lr=0.05)
    result = ini.relu_bias(hidden=(16, 16), checkpoints=(2, 30), seeds=2, lr=10.0)
    gone = result.diverged_at >= 0
    assert gone.any() and not gone.all() and (stable.diverged_at == -1).all()
    for c, k in enumerate(result.checkpoints):
        lost = gone & (result.diverged_at <= k)
        np.testing.assert_array_equal(result.dead[c] == -1, lost)
        np.testing.assert_array_equal(np.isnan(result.loss[c]), lost)


def test_symmetry_small_run_and_table_inputs():
    result = ini.symmetry(hidden=(3,), steps=2)
    assert result.spread_start.shape == (3,)
    with pytest.raises(TypeError, match="schemes must be a non-empty sequence of Scheme"):
        ini.symmetry(schemes=("zeros",))
    with pytest.raises(TypeError, match="result must be a ComparisonResult"):
        ini.comparison_table(result)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ini.compare_initializers(steps=0), ValueError, r"steps must be an integer in \[1, inf\], got 0"),
        (lambda: ini.compare_initializers(activation="sigmoid"), ValueError, "activation must be one of"),
        (lambda: ini.compare_initializers(target=0.0), ValueError, r"target must be in \(0, inf\), got 0"),
        (lambda: ini.signal_propagation(depth=1), ValueError, r"depth must be an integer in \[2, inf\], got 1"),
        (lambda: ini.sparse_stats((8,), nonzero=9), ValueError, r"nonzero must be an integer in \[1, 8\], got 9"),
        (lambda: ini.output_bias(output_std=0.0), ValueError, r"output_std must be in \(0, inf\), got 0"),
        (lambda: ini.relu_bias(bias_values=[]), ValueError, "bias_values must be a non-empty 1-d sequence"),
        (lambda: ini.relu_bias(seeds=1.5), TypeError, "seeds must be an integer, got float 1.5"),
        (lambda: ini.label_entropy([0, 1], 1), ValueError, r"n_classes must be an integer in \[2, inf\], got 1"),
    ],
)
def test_bad_arguments_raise(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- one module per experiment, every name still importable from the package -------------
def test_each_public_name_comes_from_exactly_one_submodule():
    import importlib
    import pkgutil

    owners = {}
    for info in pkgutil.iter_modules(ini.__path__):
        module = importlib.import_module(f"{ini.__name__}.{info.name}")
        for name in module.__all__:
            owners.setdefault(name, []).append(info.name)
    for name in ini.__all__:
        assert len(owners[name]) == 1, (name, owners[name])
        module = importlib.import_module(f"{ini.__name__}.{owners[name][0]}")
        assert getattr(ini, name) is getattr(module, name)
    assert owners["compare_initializers"] == ["comparison"] and owners["sparse_table"] == ["tables"]


def test_unstable_start_dead_per_layer_adds_up():
    result = ini.unstable_start(hidden=(16, 16), steps=4, seeds=2, record_every=2)
    assert result.dead_per_layer.shape == (2, 2)
    np.testing.assert_array_equal(result.dead_per_layer.sum(axis=-1), result.dead)
    assert result.loss_finite.shape == (2,)


def test_converged_seeds_small_run_is_paired():
    result = ini.converged_seeds(hidden=(8,), steps=5, seeds=3)
    assert result.labels == ("too small", "Glorot", "He")
    assert result.final_loss.shape == result.test_loss.shape == result.test_accuracy.shape == (3, 3)
    np.testing.assert_allclose(result.paired("too small", "He"), result.test_loss[0] - result.test_loss[2])
    with pytest.raises(ValueError, match="seeds must be an integer"):
        ini.converged_seeds(seeds=1)


def test_step_size_control_small_run_counts_mistakes_by_hand():
    result = ini.step_size_control(lrs=(0.05, 0.01), hidden=(16,), steps=3, seeds=2)
    assert result.final_loss.shape == result.dead.shape == result.wrong.shape == (2, 2, 2)
    assert result.n_test == 449 and result.dead_start.shape == (2, 2)
    # test accuracy and mistakes are two views of the same count
    np.testing.assert_allclose(result.wrong, np.rint((1 - result.test_accuracy) * result.n_test))
    assert np.all((result.wrong_confidence > 0) & (result.wrong_confidence <= 1))
    assert np.all(result.wrong_surprise > 0)
    assert result.blocked.shape == result.blocked_share.shape == (2, 2, 2)
    assert np.all((result.blocked >= 0) & (result.blocked <= 1))
    assert np.all((result.blocked_share >= 0) & (result.blocked_share <= 1))


def test_blocked_images_measured_by_hand():
    from coursekit.experiments.initialization.generalization import _blocked
    from coursekit.experiments.initialization.schemes import digits_mlp
    net = digits_mlp((8, 6), "relu", test_split=True)
    theta = net.init_theta(np.random.default_rng(0), "he_normal", batch_shape=(3,))
    # seed 1: layer-2 biases shifted so that some images switch off all layer-2 units; seed 2: all do
    b2 = net.unpack(theta)[1][1]
    b2[1] -= np.quantile(net.forward(theta)[1][0][1], 0.99)
    b2[2] -= 1e6
    fraction, share = _blocked(net, theta)
    layers = net.forward(theta)
    for s in range(3):
        off = np.all(layers[1][1][s] == 0, axis=-1)
        nll = -np.log(layers[-1][1][s][np.arange(net.y.size), net.y])
        assert fraction[s] == off.mean()
        assert abs(share[s] - nll[off].sum() / nll.sum()) <= 1e-12
    assert 0 < fraction[1] < 1 and 0 < share[1] < 1
    assert fraction[2] == 1 and abs(share[2] - 1) <= 1e-12


def test_gaussian_condition_matches_svd_of_the_product():
    result = ini.gaussian_condition((1, 2), width=6, draws=5, seed=3)
    rng = np.random.default_rng(3)
    w1 = rng.standard_normal((1, 5, 6, 6)) / np.sqrt(6)
    w2 = rng.standard_normal((2, 5, 6, 6)) / np.sqrt(6)
    for depth, w, ratio in ((1, w1[0], result.ratio[0]), (2, w2[0] @ w2[1], result.ratio[1])):
        sv = np.linalg.svd(w, compute_uv=False)
        np.testing.assert_allclose(ratio, sv[:, 0] / sv[:, -1], rtol=1e-9)
    assert result.quantiles().shape == (2, 3)
