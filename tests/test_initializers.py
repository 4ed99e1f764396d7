"""Tests for coursekit.initializers: stated moments, bounds, structure, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import initializers as ini
from coursekit.initializers import (
    WEIGHT_INITIALIZERS,
    constant,
    constant_bias,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    marginal_output_bias,
    normal,
    orthogonal,
    sparse,
    uniform_fan_in,
)

M, N = 300, 200  # 60,000 entries: sampling error of a variance is about 0.6%

# name, kwargs, stated variance of one entry as a function of (m, n)
STATED_VARIANCE = [
    ("uniform_fan_in", {}, lambda m, n: 1.0 / (3 * m)),
    ("uniform_fan_in", {"scale": 2.5}, lambda m, n: 2.5**2 / (3 * m)),
    ("glorot_uniform", {}, lambda m, n: 2.0 / (m + n)),
    ("glorot_uniform", {"gain": 5 / 3}, lambda m, n: (5 / 3) ** 2 * 2.0 / (m + n)),
    ("glorot_normal", {}, lambda m, n: 2.0 / (m + n)),
    ("glorot_normal", {"gain": 0.5}, lambda m, n: 0.25 * 2.0 / (m + n)),
    ("he_normal", {}, lambda m, n: 2.0 / m),
    ("he_normal", {"gain": 1.0}, lambda m, n: 1.0 / m),
    ("he_uniform", {}, lambda m, n: 2.0 / m),
    ("he_uniform", {"gain": 3.0}, lambda m, n: 9.0 / m),
    ("normal", {"std": 0.01}, lambda m, n: 1e-4),
    ("normal", {"std": 3.0}, lambda m, n: 9.0),
    ("orthogonal", {}, lambda m, n: 1.0 / max(m, n)),
    ("orthogonal", {"gain": 2.0}, lambda m, n: 4.0 / max(m, n)),
    ("sparse", {"nonzero": 15}, lambda m, n: 15.0 / m),
    ("sparse", {"nonzero": 15, "std": 0.2}, lambda m, n: 0.04 * 15.0 / m),
]


def init_weight(name, rng, fan_in, fan_out, **kwargs):
    """The weight initializer called ``name``, called once."""
    return ini.get_weight_initializer(name)(rng, fan_in, fan_out, **kwargs)


def assert_mean_close(samples, expected, n_se=5.0):
    """|mean − expected| below n_se standard errors of the sample mean."""
    samples = np.ravel(samples)
    se = samples.std() / np.sqrt(samples.size)
    assert abs(samples.mean() - expected) < n_se * se, (samples.mean(), expected, se)


@pytest.mark.parametrize("name, kwargs, variance", STATED_VARIANCE)
@pytest.mark.parametrize("shape", [(M, N), (N, M)])
def test_empirical_moments_match_stated_variance(name, kwargs, variance, shape):
    m, n = shape
    w = WEIGHT_INITIALIZERS[name](np.random.default_rng(1), m, n, **kwargs)
    assert w.shape == (m, n) and w.dtype == np.float64
    assert_mean_close(w, 0.0)
    assert_mean_close(w**2, variance(m, n))


@pytest.mark.parametrize(
    "func, kwargs, bound",
    [
        (uniform_fan_in, {}, lambda m, n: 1 / np.sqrt(m)),
        (uniform_fan_in, {"scale": 0.3}, lambda m, n: 0.3 / np.sqrt(m)),
        (glorot_uniform, {}, lambda m, n: np.sqrt(6 / (m + n))),  # book eq. 8.23
        (glorot_uniform, {"gain": 2.0}, lambda m, n: 2 * np.sqrt(6 / (m + n))),
        (he_uniform, {}, lambda m, n: np.sqrt(2) * np.sqrt(3 / m)),
    ],
)
def test_uniform_initializers_fill_their_interval(func, kwargs, bound):
    m, n = 50, 80
    w = func(np.random.default_rng(2), m, n, **kwargs)
    b = bound(m, n)
    assert np.abs(w).max() <= b
    # 4000 draws: the extremes come within 0.5% of both ends.
    assert w.max() > 0.995 * b and w.min() < -0.995 * b


# -- orthogonal -----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 12),
    n=st.integers(1, 12),
    gain=st.floats(0.1, 5.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_orthogonal_has_orthonormal_columns_or_rows(m, n, gain, seed):
    w = orthogonal(np.random.default_rng(seed), m, n, batch_shape=(3,), gain=gain)
    assert w.shape == (3, m, n)
    if m >= n:
        gram = np.swapaxes(w, -1, -2) @ w  # Wᵀ W, n × n
        size = n
    else:
        gram = w @ np.swapaxes(w, -1, -2)  # W Wᵀ, m × m
        size = m
    expected = np.broadcast_to(gain**2 * np.eye(size), gram.shape)
    np.testing.assert_allclose(gram, expected, atol=1e-12)


@pytest.mark.parametrize("m, n", [(3, 3), (5, 2), (2, 5)])
def test_orthogonal_is_haar_distributed(m, n):
    # Under the Haar measure a column (m >= n) or row (m < n) is uniform on the
    # unit sphere of R^big: every entry x has E x = 0, E x² = 1/big,
    # E x⁴ = 3/(big(big + 2)), and P(x > 0) = 1/2. Without the sign fix the
    # QR routine's convention makes W[0, 0] negative in every draw.
    big = max(m, n)
    w = orthogonal(np.random.default_rng(3), m, n, batch_shape=(20000,))
    for i in range(m):
        for j in range(n):
            x = w[:, i, j]
            assert_mean_close(x, 0.0)
            assert_mean_close(x**2, 1.0 / big)
            assert_mean_close(x**4, 3.0 / (big * (big + 2)))
            assert_mean_close(x > 0, 0.5)


def test_orthogonal_matches_gram_schmidt_oracle_in_distribution():
    # Gram-Schmidt of a Gaussian matrix is the textbook Haar sampler: compare
    # a statistic that depends on sign conventions, E[W00 * W11].
    rng = np.random.default_rng(4)
    a = rng.standard_normal((20000, 3, 3))
    q = np.empty_like(a)
    for j in range(3):
        basis = q[:, :, :j]
        coef = np.einsum("kij,ki->kj", basis, a[:, :, j])
        v = a[:, :, j] - np.einsum("kij,kj->ki", basis, coef)
        q[:, :, j] = v / np.linalg.norm(v, axis=1, keepdims=True)
    w = orthogonal(np.random.default_rng(5), 3, 3, batch_shape=(20000,))
    for stat in (lambda z: z[:, 0, 0] * z[:, 1, 1], lambda z: z[:, 0, 0] * z[:, 0, 1]):
        expected = stat(q).mean()
        se = np.hypot(stat(q).std(), stat(w).std()) / np.sqrt(20000)
        assert abs(stat(w).mean() - expected) < 5 * se


# -- sparse -----------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(data=st.data(), m=st.integers(1, 30), n=st.integers(1, 10), seed=st.integers(0, 2**32 - 1))
def test_sparse_has_exactly_k_nonzero_incoming_weights_per_unit(data, m, n, seed):
    k = data.draw(st.integers(1, m))
    w = sparse(np.random.default_rng(seed), m, n, batch_shape=(2, 3), nonzero=k)
    assert w.shape == (2, 3, m, n)
    np.testing.assert_array_equal((w != 0).sum(axis=-2), np.full((2, 3, n), k))


def test_sparse_counts_stay_exact_when_values_underflow():
    # std·z underflows to 0 for most z at this std: the count must not change.
    w = sparse(np.random.default_rng(6), 40, 30, nonzero=7, std=1e-323)
    np.testing.assert_array_equal((w != 0).sum(axis=0), np.full(30, 7))


def test_sparse_positions_are_uniform_subsets_and_values_normal():
    m, k, n, draws = 6, 2, 4, 5000
    w = sparse(np.random.default_rng(7), m, n, batch_shape=(draws,), nonzero=k, std=0.5)
    chosen = w != 0
    # Each input is chosen with probability k/m; a pair with k(k-1)/(m(m-1)).
    for i in range(m):
        assert_mean_close(chosen[:, i, :], k / m)
    assert_mean_close(chosen[:, 0, :] & chosen[:, 1, :], k * (k - 1) / (m * (m - 1)))
    values = w[chosen]
    assert_mean_close(values, 0.0)
    assert_mean_close(values**2, 0.25)
    # Different units get different positions.
    assert np.mean(np.all(chosen[:, :, 0] == chosen[:, :, 1], axis=1)) < 0.2


def test_sparse_nonzero_out_of_range_message():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"nonzero must be an integer in \[1, 64\], got 0"):
        sparse(rng, 64, 10, nonzero=0)
    with pytest.raises(ValueError, match=r"nonzero must be an integer in \[1, 64\], got 65"):
        sparse(rng, 64, 10, nonzero=65)
    with pytest.raises(TypeError, match="nonzero must be an integer"):
        sparse(rng, 64, 10, nonzero=2.0)


# -- constant -----------------------------------------------------------------------
def test_constant_and_zeros():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(constant(rng, 3, 4, value=0.25), np.full((3, 4), 0.25))
    z = constant(rng, 3, 4, value=0, batch_shape=(2,))
    assert z.shape == (2, 3, 4) and not z.any()
    z[0, 0, 0] = 1.0  # a fresh writable array, not a broadcast view
    assert z.sum() == 1.0


# -- batch_shape ---------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(set(WEIGHT_INITIALIZERS) - {"constant"}))
def test_batch_shape_gives_independent_draws(name):
    kwargs = {"normal": {"std": 1.0}, "sparse": {"nonzero": 10}}.get(name, {})
    w = init_weight(name, np.random.default_rng(8), 40, 50, batch_shape=(2, 3), **kwargs)
    assert w.shape == (2, 3, 40, 50)
    flat = w.reshape(6, -1)
    corr = np.corrcoef(flat)
    off_diagonal = corr[~np.eye(6, dtype=bool)]
    # 2000 entries per draw: independent draws correlate at most ~5/sqrt(2000).
    assert np.abs(off_diagonal).max() < 5 / np.sqrt(2000)


def test_int_batch_shape_is_a_one_tuple():
    w = glorot_normal(np.random.default_rng(0), 3, 2, batch_shape=4)
    assert w.shape == (4, 3, 2)


@pytest.mark.parametrize(
    "func, param, variance",
    [
        (normal, "std", lambda s, m, n: s**2),
        (he_normal, "gain", lambda s, m, n: s**2 / m),
        (glorot_uniform, "gain", lambda s, m, n: s**2 * 2 / (m + n)),
        (orthogonal, "gain", lambda s, m, n: s**2 / max(m, n)),
    ],
)
def test_per_network_scale_broadcasts_against_batch_shape(func, param, variance):
    scales = np.array([[0.1], [1.0], [10.0]])  # (3, 1) against batch_shape (3, 2)
    before = scales.copy()
    w = func(np.random.default_rng(9), 100, 80, batch_shape=(3, 2), **{param: scales})
    np.testing.assert_array_equal(scales, before)
    for i, s in enumerate(scales[:, 0]):
        for j in range(2):
            assert_mean_close(w[i, j] ** 2, variance(s, 100, 80))


@pytest.mark.parametrize("name", sorted(WEIGHT_INITIALIZERS))
def test_same_seed_same_array(name):
    kwargs = {"normal": {"std": 1.0}, "sparse": {"nonzero": 3}, "constant": {"value": 0.5}}
    kwargs = kwargs.get(name, {})
    a = init_weight(name, np.random.default_rng(11), 7, 5, batch_shape=(2,), **kwargs)
    b = init_weight(name, np.random.default_rng(11), 7, 5, batch_shape=(2,), **kwargs)
    np.testing.assert_array_equal(a, b)
    if name != "constant":
        c = init_weight(name, np.random.default_rng(12), 7, 5, batch_shape=(2,), **kwargs)
        assert not np.array_equal(a, c)


# -- biases -------------------------------------------------------------------------------
def test_zero_and_constant_bias():
    np.testing.assert_array_equal(constant_bias(4, 0.0), np.zeros(4))  # the usual bias
    assert constant_bias(3, 0.0, batch_shape=(2, 5)).shape == (2, 5, 3)
    np.testing.assert_array_equal(constant_bias(3, 0.1), [0.1, 0.1, 0.1])  # ReLU units
    per_network = constant_bias(2, np.array([[0.0], [1.0]]), batch_shape=(2,))
    np.testing.assert_array_equal(per_network, [[0.0, 0.0], [1.0, 1.0]])
    per_unit = constant_bias(3, [1.0, 0.0, 0.0])  # e.g. only the forget gate at 1
    np.testing.assert_array_equal(per_unit, [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="does not broadcast"):
        constant_bias(3, [1.0, 2.0])
    with pytest.raises(ValueError, match="value must be finite"):
        constant_bias(3, np.nan)
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, inf\], got 0"):
        constant_bias(0, 0.0)


@settings(max_examples=30, deadline=None)
@given(n_classes=st.integers(2, 6), size=st.integers(6, 200), seed=st.integers(0, 2**32 - 1))
def test_marginal_bias_softmax_equals_class_frequencies(n_classes, size, seed):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, size)])
    before = y.copy()
    b = marginal_output_bias(y, n_classes)
    np.testing.assert_array_equal(y, before)
    freq = np.bincount(y, minlength=n_classes) / y.size
    softmax = np.exp(b - b.max()) / np.exp(b - b.max()).sum()
    np.testing.assert_allclose(softmax, freq, rtol=0, atol=1e-12)


def test_marginal_bias_sigmoid_is_logit_of_positive_rate():
    y = np.array([0, 1, 1, 0, 1, 1, 1, 0])
    b = marginal_output_bias(y, 2, sigmoid=True)
    assert b.shape == (1,)
    np.testing.assert_allclose(1 / (1 + np.exp(-b)), [5 / 8], rtol=0, atol=1e-15)


def test_marginal_bias_errors():
    with pytest.raises(ValueError, match="class 2 never occurs in y"):
        marginal_output_bias([0, 1, 1, 3], 4)
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, 2\], got 3"):
        marginal_output_bias([0, 1, 2, 3], 3)
    with pytest.raises(ValueError, match=r"y labels must be integers in \[0, 2\], got -1"):
        marginal_output_bias([0, 1, 2, -1], 3)
    with pytest.raises(TypeError, match="y must hold integer class labels, got dtype float64"):
        marginal_output_bias([0.0, 1.0], 2)
    with pytest.raises(ValueError, match="y must be a non-empty 1-D array"):
        marginal_output_bias(np.zeros((2, 2), dtype=int), 2)
    with pytest.raises(ValueError, match="sigmoid=True needs n_classes == 2, got 3"):
        marginal_output_bias([0, 1, 2], 3, sigmoid=True)
    with pytest.raises(ValueError, match=r"n_classes must be an integer in \[2, inf\], got 1"):
        marginal_output_bias([0, 0], 1)


# -- registry and validation ----------------------------------------------------------------
def test_registry_keys():
    assert set(WEIGHT_INITIALIZERS) == {
        "uniform_fan_in", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
        "orthogonal", "sparse", "normal", "constant",
    }
    for name, func in WEIGHT_INITIALIZERS.items():
        assert getattr(ini, name) is func


def test_unknown_initializer_name_lists_valid_names():
    message = r"must be one of .*'glorot_uniform'.*'sparse'.*got 'xavier'"
    with pytest.raises(ValueError, match=message):
        ini.get_weight_initializer("xavier")
    with pytest.raises(TypeError, match="name must be a str"):
        ini.get_weight_initializer(3)


@pytest.mark.parametrize("name", sorted(WEIGHT_INITIALIZERS))
def test_common_argument_validation(name):
    kwargs = {"normal": {"std": 1.0}, "sparse": {"nonzero": 1}, "constant": {"value": 0.0}}
    kwargs = kwargs.get(name, {})
    func = WEIGHT_INITIALIZERS[name]
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        func(np.random.RandomState(0), 3, 3, **kwargs)
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        func(0, 3, 3, **kwargs)
    with pytest.raises(ValueError, match=r"fan_in must be an integer in \[1, inf\], got 0"):
        func(rng, 0, 3, **kwargs)
    with pytest.raises(ValueError, match=r"fan_out must be an integer in \[1, inf\], got -2"):
        func(rng, 3, -2, **kwargs)
    with pytest.raises(TypeError, match="fan_in must be an integer, got float 3.0"):
        func(rng, 3.0, 3, **kwargs)
    with pytest.raises(TypeError, match="fan_out must be an integer, got bool"):
        func(rng, 3, True, **kwargs)
    with pytest.raises(ValueError, match="batch_shape must be a tuple of integers >= 0"):
        func(rng, 3, 3, batch_shape=(2, -1), **kwargs)
    with pytest.raises(TypeError, match="batch_shape must be a tuple of integers >= 0"):
        func(rng, 3, 3, batch_shape=(2.0,), **kwargs)


@pytest.mark.parametrize(
    "func, param",
    [
        (uniform_fan_in, "scale"),
        (glorot_uniform, "gain"),
        (glorot_normal, "gain"),
        (he_normal, "gain"),
        (he_uniform, "gain"),
        (orthogonal, "gain"),
        (normal, "std"),
    ],
)
def test_scale_parameters_must_be_positive_finite_and_broadcast(func, param):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=rf"{param} must be in \(0, inf\), got 0"):
        func(rng, 3, 3, **{param: 0.0})
    with pytest.raises(ValueError, match=rf"{param} must be in \(0, inf\), got -1"):
        func(rng, 3, 3, **{param: -1.0})
    with pytest.raises(ValueError, match=rf"{param} must be finite, got inf"):
        func(rng, 3, 3, **{param: np.inf})
    with pytest.raises(TypeError, match=rf"{param} must be a real number or array"):
        func(rng, 3, 3, **{param: "big"})
    with pytest.raises(ValueError, match=rf"{param} has shape \(3,\), which does not broadcast"):
        func(rng, 3, 3, batch_shape=(2,), **{param: [1.0, 2.0, 3.0]})


def test_sparse_std_and_constant_value_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"std must be in \(0, inf\), got 0"):
        sparse(rng, 5, 5, nonzero=2, std=0.0)
    with pytest.raises(ValueError, match="value must be finite, got nan"):
        constant(rng, 5, 5, value=np.nan)
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'value'"):
        constant(rng, 5, 5)


def test_zero_size_batch_is_allowed():
    for name in ("orthogonal", "sparse", "glorot_uniform"):
        kwargs = {"sparse": {"nonzero": 2}}.get(name, {})
        w = init_weight(name, np.random.default_rng(0), 4, 3, batch_shape=(0,), **kwargs)
        assert w.shape == (0, 4, 3)
