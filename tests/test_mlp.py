"""Tests for coursekit.problems.mlp: backprop against finite differences and loops."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.initializers import glorot_normal
from coursekit.problems.base import Problem
from coursekit.problems.mlp import MLP

from .oracles import central_differences

N_TRAIN, N_FEATURES, N_CLASSES = 40, 5, 3


def make_data(seed=0, n=N_TRAIN):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, N_FEATURES))
    y = np.concatenate([np.arange(N_CLASSES), rng.integers(0, N_CLASSES, n - N_CLASSES)])
    return X, y


def make_net(hidden=(6, 4), activation="tanh", l2=0.0, seed=0):
    X, y = make_data(seed)
    X_test, y_test = make_data(seed + 100, n=20)
    return MLP(X, y, hidden=hidden, activation=activation, l2=l2, X_test=X_test, y_test=y_test)


def rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


def brute_force_loss(net, theta, X, y):
    """J(θ) for ONE network with explicit loops over examples and units."""
    params = [(np.array(w), np.array(b)) for w, b in net.unpack(theta)]
    total = 0.0
    for x, label in zip(X, y):
        h = list(x)
        for index, (w, b) in enumerate(params):
            z = [sum(h[i] * w[i, j] for i in range(len(h))) + b[j] for j in range(w.shape[1])]
            if index < len(params) - 1:
                h = [math.tanh(v) if net.activation == "tanh" else max(v, 0.0) for v in z]
        top = max(z)
        total += top + math.log(sum(math.exp(v - top) for v in z)) - z[label]
    penalty = 0.5 * net.l2 * sum(float((w**2).sum()) for w, _ in params)
    return total / len(y) + penalty


# -- gradients -----------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("hidden", [(6, 4), (), (7,)])
@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_full_gradient_matches_finite_differences(activation, hidden, l2):
    net = make_net(hidden, activation, l2)
    theta = np.random.default_rng(1).standard_normal((2, 3, net.dim))  # random θ: no ReLU kinks
    grad = net.grad(theta)
    assert grad.shape == (2, 3, net.dim)
    assert rel_error(grad, central_differences(net.loss, theta)) < 1e-6


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_loss_matches_brute_force_loops(activation):
    net = make_net((4, 3), activation, l2=0.1)
    theta = np.random.default_rng(2).standard_normal(net.dim)
    expected = brute_force_loss(net, theta, net.X, net.y)
    np.testing.assert_allclose(net.loss(theta), expected, rtol=1e-12)
    np.testing.assert_allclose(
        net.test_loss(theta), brute_force_loss(net, theta, net.X_test, net.y_test), rtol=1e-12
    )


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_unshared_minibatch_gradient_matches_finite_differences(activation):
    net = make_net((5,), activation, l2=0.02)
    rng = np.random.default_rng(3)
    theta = rng.standard_normal((2, 3, net.dim))
    idx = net.sample_batch(rng, (2, 3), 7)
    assert idx.shape == (2, 3, 7)
    grad = net.minibatch_grad(theta, idx)
    assert grad.shape == (2, 3, net.dim)
    for i in range(2):
        for j in range(3):
            # Oracle: the full cost of a network trained on exactly those examples.
            sub = MLP(net.X[idx[i, j]], net.y[idx[i, j]], hidden=(5,), activation=activation,
                      n_classes=N_CLASSES, l2=0.02)
            assert rel_error(grad[i, j], central_differences(sub.loss, theta[i, j])) < 1e-6


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_shared_minibatch_gradient_matches_finite_differences(activation):
    net = make_net((5, 3), activation)
    rng = np.random.default_rng(4)
    theta = rng.standard_normal((2, 3, net.dim))
    idx = net.sample_batch(rng, (), 9)
    assert idx.shape == (9,)
    grad = net.minibatch_grad(theta, idx)
    sub = MLP(net.X[idx], net.y[idx], hidden=(5, 3), activation=activation, n_classes=N_CLASSES)
    assert grad.shape == (2, 3, net.dim)
    assert rel_error(grad, central_differences(sub.loss, theta)) < 1e-6


def test_index_batch_shape_broadcasts_against_theta():
    net = make_net()
    rng = np.random.default_rng(5)
    theta = rng.standard_normal((2, 3, net.dim))
    idx = net.sample_batch(rng, (3,), 6)  # one batch per column, shared across rows
    grad = net.minibatch_grad(theta, idx)
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(grad[i, j], net.minibatch_grad(theta[i, j], idx[j]),
                                       rtol=1e-13, atol=1e-15)


def test_full_index_minibatch_gradient_equals_full_gradient():
    net = make_net(l2=0.1)
    theta = np.random.default_rng(6).standard_normal((4, net.dim))
    full = net.grad(theta)
    np.testing.assert_allclose(net.minibatch_grad(theta, np.arange(N_TRAIN)), full,
                               rtol=1e-13, atol=1e-15)
    # Linearity: the average over the n single-example gradients is the full gradient.
    singles = net.minibatch_grad(theta[0], np.arange(N_TRAIN)[:, None])
    assert singles.shape == (N_TRAIN, net.dim)
    np.testing.assert_allclose(singles.mean(axis=0), full[0], rtol=1e-12, atol=1e-14)


def test_one_minibatch_per_network_gives_theta_batch_shape():
    net = make_net()
    theta = np.random.default_rng(7).standard_normal((2, 3, net.dim))
    batch = net.sample_batch(np.random.default_rng(8), theta.shape[:-1], 5)
    g = net.minibatch_grad(theta, batch)
    assert batch.shape == (2, 3, 5) and g.shape == theta.shape and np.all(np.isfinite(g))


# -- batching ---------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_batched_evaluation_equals_loop_over_networks(activation):
    net = make_net((6, 4), activation, l2=0.01)
    rng = np.random.default_rng(9)
    theta = rng.standard_normal((2, 3, net.dim))
    idx = net.sample_batch(rng, (2, 3), 5)
    loss, grad, test = net.loss(theta), net.grad(theta), net.test_loss(theta)
    acc, mb = net.accuracy(theta, "test"), net.minibatch_grad(theta, idx)
    assert loss.shape == test.shape == acc.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert loss[i, j] == net.loss(theta[i, j])
            assert test[i, j] == net.test_loss(theta[i, j])
            assert acc[i, j] == net.accuracy(theta[i, j], "test")
            np.testing.assert_array_equal(grad[i, j], net.grad(theta[i, j]))
            np.testing.assert_array_equal(mb[i, j], net.minibatch_grad(theta[i, j], idx[i, j]))


# -- layout -------------------------------------------------------------------------
def test_layout_sizes_and_order():
    net = make_net((6, 4))
    assert net.layer_sizes == (5, 6, 4, 3)
    assert net.dim == 5 * 6 + 6 + 6 * 4 + 4 + 4 * 3 + 3
    assert net.n_train == N_TRAIN and net.has_test and isinstance(net, Problem)
    theta = np.arange(float(net.dim))
    (w1, b1), (w2, b2), (w3, b3) = net.unpack(theta)
    np.testing.assert_array_equal(w1, np.arange(30.0).reshape(5, 6))  # row-major (fan_in, fan_out)
    np.testing.assert_array_equal(b1, np.arange(30.0, 36.0))
    np.testing.assert_array_equal(w2[0], np.arange(36.0, 40.0))
    np.testing.assert_array_equal(b3, np.arange(net.dim - 3.0, net.dim))


def test_unpack_returns_views_with_batch_dims():
    net = make_net()
    theta = np.random.default_rng(10).standard_normal((2, 3, net.dim))
    params = net.unpack(theta)
    for (w, b), fan_in, fan_out in zip(params, net.layer_sizes[:-1], net.layer_sizes[1:]):
        assert w.shape == (2, 3, fan_in, fan_out) and b.shape == (2, 3, fan_out)
        assert np.shares_memory(w, theta) and np.shares_memory(b, theta)
    params[0][0][1, 2, 0, 0] = 123.0
    assert theta[1, 2, 0] == 123.0


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), max_size=3),
    batch=st.lists(st.integers(1, 3), max_size=2),
    seed=st.integers(0, 2**32 - 1),
)
def test_pack_unpack_round_trip(hidden, batch, seed):
    X, y = make_data()
    net = MLP(X, y, hidden=tuple(hidden))
    theta = np.random.default_rng(seed).standard_normal(tuple(batch) + (net.dim,))
    before = theta.copy()
    packed = net.pack(net.unpack(theta))
    np.testing.assert_array_equal(packed, theta)
    assert not np.shares_memory(packed, theta)
    np.testing.assert_array_equal(theta, before)


def test_pack_broadcasts_batch_shapes():
    net = make_net(hidden=())
    w = np.random.default_rng(11).standard_normal((4, 5, 3))
    b = np.array([1.0, 2.0, 3.0])  # shared by the 4 networks
    theta = net.pack([(w, b)])
    assert theta.shape == (4, net.dim)
    np.testing.assert_array_equal(net.unpack(theta)[0][1], np.tile(b, (4, 1)))


# -- initialization -------------------------------------------------------------------
def test_zero_output_weights_with_marginal_bias_cost_the_label_entropy():
    net = make_net((6,), "relu")
    theta = net.init_theta(np.random.default_rng(12), output_bias="marginal", batch_shape=(3,))
    theta = theta.copy()
    net.unpack(theta)[-1][0][...] = 0.0  # W_L = 0: every example predicts softmax(b_L)
    freq = np.bincount(net.y, minlength=N_CLASSES) / N_TRAIN
    entropy = -np.sum(freq * np.log(freq))
    np.testing.assert_allclose(net.loss(theta), np.full(3, entropy), rtol=0, atol=1e-9)


def test_init_theta_shapes_biases_and_kwargs():
    net = make_net((6, 4))
    rng = np.random.default_rng(13)
    theta = net.init_theta(rng, "normal", bias_init=0.1, batch_shape=(2, 5), std=0.3)
    assert theta.shape == (2, 5, net.dim)
    for w, b in net.unpack(theta):
        np.testing.assert_array_equal(b, np.full(b.shape, 0.1))
    weights = np.concatenate([w.ravel() for w, _ in net.unpack(theta)])
    assert abs(np.mean(weights**2) - 0.09) < 5 * 0.09 * np.sqrt(2 / weights.size)
    # Default: Glorot uniform (eq. 8.23) per layer, zero biases.
    theta = net.init_theta(rng)
    for (w, b), m, n in zip(net.unpack(theta), net.layer_sizes[:-1], net.layer_sizes[1:]):
        assert np.abs(w).max() <= np.sqrt(6 / (m + n)) and not b.any()


def test_init_theta_accepts_a_callable_and_per_network_values():
    net = make_net((6,))
    calls = []

    def init(rng, fan_in, fan_out, *, batch_shape=(), gain=1.0):
        calls.append((fan_in, fan_out, batch_shape, gain))
        return glorot_normal(rng, fan_in, fan_out, batch_shape=batch_shape, gain=gain)

    theta = net.init_theta(np.random.default_rng(14), init, bias_init=np.array([0.0, 1.0]),
                           batch_shape=(2,), gain=2.0)
    assert calls == [(5, 6, (2,), 2.0), (6, 3, (2,), 2.0)]
    _, b1 = net.unpack(theta)[0]
    np.testing.assert_array_equal(b1, [[0.0] * 6, [1.0] * 6])


def test_init_theta_same_seed_same_theta():
    net = make_net()
    a = net.init_theta(np.random.default_rng(15), "orthogonal", batch_shape=(3,))
    b = net.init_theta(np.random.default_rng(15), "orthogonal", batch_shape=(3,))
    np.testing.assert_array_equal(a, b)


def test_init_theta_errors():
    net = make_net((6, 4))
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="weight initializer must be one of .*got 'xavier'"):
        net.init_theta(rng, "xavier")
    message = r"layer 3 \(4 -> 3 units\): nonzero must be an integer in \[1, 4\], got 5"
    with pytest.raises(ValueError, match=message):
        net.init_theta(rng, "sparse", nonzero=5)
    with pytest.raises(ValueError, match="output_bias must be None or 'marginal', got 'mean'"):
        net.init_theta(rng, output_bias="mean")
    with pytest.raises(ValueError, match=r"bias_init has shape \(3,\), which does not broadcast"):
        net.init_theta(rng, bias_init=[0.0, 0.1, 0.2], batch_shape=(2,))
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        net.init_theta(0)
    with pytest.raises(ValueError, match=r"weight_init returned shape \(5, 6\)"):
        net.init_theta(rng, lambda rng, m, n, batch_shape=(): np.zeros((m, n)), batch_shape=(2,))


# -- the symmetry claim of section 8.4 ---------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_constant_init_keeps_hidden_units_identical_under_gradient_descent(activation):
    net = make_net((5, 4), activation)
    theta = net.init_theta(np.random.default_rng(16), "constant", value=0.3)
    start = net.loss(theta)
    for _ in range(20):
        theta = theta - 0.5 * net.grad(theta)
    assert net.loss(theta) < start  # it does learn, just with clones
    params = net.unpack(theta)
    for index in range(len(net.hidden)):
        w, b = params[index]
        # Column j of W holds unit j's incoming weights: all columns equal.
        np.testing.assert_allclose(w, np.broadcast_to(w[:, :1], w.shape), rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, np.full_like(b, b[0]), rtol=0, atol=1e-12)
        # And the outgoing weights of the clones (rows of the next W) are equal too.
        w_next = params[index + 1][0]
        clones = np.broadcast_to(w_next[:1], w_next.shape)
        np.testing.assert_allclose(w_next, clones, rtol=0, atol=1e-12)
    # A random start breaks the symmetry.
    theta = net.init_theta(np.random.default_rng(17))
    for _ in range(20):
        theta = theta - 0.5 * net.grad(theta)
    w = net.unpack(theta)[0][0]
    assert np.abs(w - w[:, :1]).max() > 1e-3


# -- overflow safety ---------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("scale", [1e6, 1e200])
def test_huge_theta_emits_no_warnings(activation, scale):
    net = make_net((6, 4), activation, l2=0.01)
    rng = np.random.default_rng(18)
    theta = rng.standard_normal((2, net.dim)) * scale
    idx = net.sample_batch(rng, (2,), 5)
    with np.errstate(over="ignore"):
        overflowed = theta * 1e300  # inf entries: only the unchecked path accepts them
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = net.loss(theta)
        net.grad(theta)
        net.minibatch_grad(theta, idx)
        net.test_loss(theta)
        net.accuracy(theta)
        net.forward(theta)
        net._loss(overflowed)
        net._grad(overflowed)
        net._minibatch_grad(overflowed, idx)
    assert not np.any(np.isnan(loss))  # a diverged network costs +inf, never nan
    if scale == 1e200:
        assert np.all(loss == np.inf)


# -- forward and accuracy -----------------------------------------------------------------
def test_forward_returns_pre_activations_and_activations():
    net = make_net((6, 4), "relu")
    theta = np.random.default_rng(19).standard_normal((3, net.dim))
    layers = net.forward(theta)
    assert len(layers) == 3
    for (z, h), n in zip(layers, net.layer_sizes[1:]):
        assert z.shape == h.shape == (3, N_TRAIN, n)
    np.testing.assert_array_equal(layers[0][1], np.maximum(layers[0][0], 0.0))
    probs = layers[-1][1]
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-14)
    # Cost = mean −log ŷ_y when λ = 0.
    np.testing.assert_allclose(-np.log(probs[:, np.arange(N_TRAIN), net.y]).mean(axis=-1),
                               net.loss(theta), rtol=1e-12)
    X_new = np.random.default_rng(20).standard_normal((7, N_FEATURES))
    assert net.forward(theta, X_new)[-1][0].shape == (3, 7, 3)


def test_accuracy_matches_a_loop():
    net = make_net((6,))
    theta = np.random.default_rng(21).standard_normal((2, net.dim))
    logits = net.forward(theta)[-1][0]
    for k in range(2):
        expected = np.mean([np.argmax(logits[k, i]) == net.y[i] for i in range(N_TRAIN)])
        assert net.accuracy(theta)[k] == expected


def test_sample_batch_draws_indices_with_replacement():
    net = make_net()
    idx = net.sample_batch(np.random.default_rng(22), (4, 2), 30)
    assert idx.shape == (4, 2, 30) and idx.min() >= 0 and idx.max() < N_TRAIN
    assert any(len(set(row)) < 30 for row in idx.reshape(-1, 30))  # repeats occur


# -- purity -----------------------------------------------------------------------------------
def test_inputs_are_unchanged_and_data_is_copied():
    X, y = make_data()
    X_before, y_before = X.copy(), y.copy()
    net = MLP(X, y, hidden=(4,))
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    X[0, 0] = 1e9  # the caller's array is not the problem's
    assert net.X[0, 0] == X_before[0, 0]
    rng = np.random.default_rng(23)
    theta = rng.standard_normal((2, net.dim))
    theta_before = theta.copy()
    idx = net.sample_batch(rng, (2,), 4)
    idx_before = idx.copy()
    net.loss(theta), net.grad(theta), net.minibatch_grad(theta, idx)
    net.forward(theta), net.accuracy(theta), net.unpack(theta)
    np.testing.assert_array_equal(theta, theta_before)
    np.testing.assert_array_equal(idx, idx_before)


# -- validation ------------------------------------------------------------------------------
def test_constructor_validation():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"X must be a matrix of shape \(n, p\) with n, p >= 1, got shape \(40,\)"):
        MLP(X[:, 0], y)
    with pytest.raises(ValueError, match="X must be finite"):
        MLP(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match=r"y must have shape \(40,\) to match the 40 rows of X, got shape \(39,\)"):
        MLP(X, y[:-1])
    with pytest.raises(TypeError, match="y must hold integer class labels"):
        MLP(X, y.astype(float))
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, inf\], got -1"):
        MLP(X, np.where(y == 0, -1, y))
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, 1\], got 2"):
        MLP(X, y, n_classes=2)
    with pytest.raises(ValueError, match=r"n_classes must be an integer in \[2, inf\], got 1"):
        MLP(X, np.zeros(40, dtype=int), n_classes=1)
    with pytest.raises(ValueError, match="n_classes is not given and y holds only class 0"):
        MLP(X, np.zeros(40, dtype=int))
    with pytest.raises(ValueError, match=r"hidden must be a tuple of integers >= 1, got \(4, 0\)"):
        MLP(X, y, hidden=(4, 0))
    with pytest.raises(ValueError, match="activation must be one of 'tanh', 'relu'; got 'sigmoid'"):
        MLP(X, y, activation="sigmoid")
    with pytest.raises(ValueError, match=r"l2 must be in \[0, inf\), got -0.1"):
        MLP(X, y, l2=-0.1)
    with pytest.raises(ValueError, match=r"l2 must be in \[0, inf\), got inf"):
        MLP(X, y, l2=np.inf)
    with pytest.raises(ValueError, match="X_test and y_test must be given together"):
        MLP(X, y, X_test=X)
    with pytest.raises(ValueError, match=r"X_test must have 5 columns"):
        MLP(X, y, X_test=X[:, :4], y_test=y)
    # The classes are those of the training labels: a test label beyond them is an error.
    with pytest.raises(ValueError, match=r"y_test labels must be integers in \[0, 2\], got 3"):
        MLP(X, y, X_test=X[:2], y_test=[0, 3])
    with pytest.raises(ValueError, match=r"y_test must have shape \(2,\) to match the 2 rows of X_test"):
        MLP(X, y, X_test=X[:2], y_test=[0, 1, 2])


def test_method_validation():
    net = make_net()
    X, y = make_data()
    no_test = MLP(X, y, hidden=(3,))
    theta = np.zeros(net.dim)
    with pytest.raises(ValueError, match=rf"theta must have shape \(\.\.\., {net.dim}\)"):
        net.loss(np.zeros(net.dim + 1))
    with pytest.raises(ValueError, match="theta must be finite"):
        net.grad(np.full(net.dim, np.nan))
    with pytest.raises(ValueError, match=rf"theta must have shape \(\.\.\., {net.dim}\)"):
        net.unpack(np.zeros(3))
    with pytest.raises(ValueError, match="has no test split"):
        no_test.test_loss(np.zeros(no_test.dim))
    with pytest.raises(ValueError, match="has no test split"):
        no_test.accuracy(np.zeros(no_test.dim), "test")
    with pytest.raises(ValueError, match="split must be one of 'train', 'test'; got 'val'"):
        net.accuracy(theta, "val")
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, inf\], got 0"):
        net.sample_batch(np.random.default_rng(0), (), 0)
    with pytest.raises(ValueError, match=r"X must have 5 columns"):
        net.forward(theta, np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"params must hold 3 \(W, b\) pairs, got 2"):
        net.pack(net.unpack(theta)[:2])
    bad = net.unpack(theta)
    bad[0] = (np.zeros((6, 5)), bad[0][1])
    with pytest.raises(ValueError, match=r"W_1 must have shape \(\.\.\., 5, 6\)"):
        net.pack(bad)
