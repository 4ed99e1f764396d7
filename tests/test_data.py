"""Tests for coursekit.data: the shipped digits, splits, standardization, generators.

Oracles: the checksums and class counts of the file (the counts are the
test-set counts listed by UCI), brute-force row matching, closed forms for
standardization and for the Gaussian-blob posterior, and chi-square tail
bounds (Laurent & Massart, 2000) for least-squares recovery of θ*.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import coursekit.data as data
from coursekit.data import (
    Dataset,
    binary_digits,
    digits_split,
    load_digits,
    make_classification,
    make_large_regression,
    make_linear_regression,
    standardize,
    train_test_split,
)

ROOT = Path(__file__).resolve().parents[1]
NPZ = ROOT / "coursekit" / "data" / "digits.npz"
FILE_SHA256 = "a7e90fa73760e8f2b1dedf547e10a262714d3855f807565302a081a95da5177c"
IMAGES_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
TARGET_SHA256 = "8ba4f891220f5e4c9c819638d1602d74b83618f167043c6da52a2a247841ddf0"
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def raw_digits():
    with np.load(NPZ) as npz:
        return npz["images"], npz["target"]


def chi2_bounds(k: int, x: float = 14.0) -> tuple[float, float]:
    """P(χ²_k outside these bounds) ≤ 2 e^{-x} (Laurent & Massart, 2000, Lemma 1)."""
    return k - 2 * math.sqrt(k * x), k + 2 * math.sqrt(k * x) + 2 * x


def row_keys(X) -> list[bytes]:
    return sorted(np.ascontiguousarray(r).tobytes() for r in np.asarray(X, dtype=np.float64))


# -- the shipped file ----------------------------------------------------------
def test_digits_file_checksum_and_size():
    blob = NPZ.read_bytes()
    assert hashlib.sha256(blob).hexdigest() == FILE_SHA256
    assert 10_000 < len(blob) < 100_000


def test_digits_file_contents():
    images, target = raw_digits()
    assert images.dtype == np.uint8 and images.shape == (1797, 8, 8)
    assert target.dtype == np.uint8 and target.shape == (1797,)
    assert hashlib.sha256(images.tobytes()).hexdigest() == IMAGES_SHA256
    assert hashlib.sha256(target.tobytes()).hexdigest() == TARGET_SHA256
    assert images.min() == 0 and images.max() == 16
    assert set(np.unique(target).tolist()) == set(range(10))
    assert [int((target == c).sum()) for c in range(10)] == CLASS_COUNTS


def test_readme_states_the_checksum_and_licence():
    text = (ROOT / "coursekit" / "data" / "README.md").read_text(encoding="utf-8")
    for needle in (FILE_SHA256, IMAGES_SHA256, TARGET_SHA256, "CC BY 4.0", "10.24432/C50P49",
                   "creativecommons.org/licenses/by/4.0"):
        assert needle in text


# -- load_digits ---------------------------------------------------------------
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("scale", [True, False])
def test_load_digits_shapes_dtypes_values(flatten, scale):
    images, target = raw_digits()
    X, y = load_digits(flatten=flatten, scale=scale)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.shape == ((1797, 64) if flatten else (1797, 8, 8))
    expected = images.astype(float) / (16.0 if scale else 1.0)
    np.testing.assert_array_equal(X.reshape(1797, 8, 8), expected)  # row-major flattening
    np.testing.assert_array_equal(y, target)
    assert X.min() == 0.0 and X.max() == (1.0 if scale else 16.0)


def test_load_digits_returns_fresh_arrays():
    X1, y1 = load_digits()
    X1[:] = -1.0
    y1[:] = -1
    X2, y2 = load_digits()
    assert not np.shares_memory(X1, X2) and not np.shares_memory(y1, y2)
    assert X2.min() == 0.0 and y2.min() == 0


def test_digits_load_from_a_zip_without_sklearn(tmp_path):
    # A zip on sys.path has no file-system paths: only importlib.resources can
    # find the npz there, as in an installed wheel.
    archive = tmp_path / "ck.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("coursekit/__init__.py", "")
        for rel in ("_validation.py", "data/__init__.py", "data/datasets.py", "data/digits.npz"):
            z.write(ROOT / "coursekit" / rel, f"coursekit/{rel}")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import coursekit.data as d; "
        "X, y = d.load_digits(); "
        "assert d.__file__.startswith(sys.argv[1]), d.__file__; "
        "assert 'sklearn' not in sys.modules; print(X.shape, int(y.sum()))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(archive)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    _, target = raw_digits()
    assert out.stdout.strip() == f"(1797, 64) {int(target.astype(int).sum())}"


@pytest.mark.parametrize("kwargs, name", [({"flatten": 1}, "flatten"), ({"scale": "yes"}, "scale")])
def test_load_digits_bad_inputs(kwargs, name):
    with pytest.raises(TypeError, match=f"{name} must be True or False"):
        load_digits(**kwargs)


# -- train_test_split ----------------------------------------------------------
def expected_n_test(fraction: float, n: int) -> int:
    return int(math.floor(fraction * n + 0.5))


def check_partition(X, y, parts):
    """Rows are split without loss or repetition and stay paired with their labels."""
    X_tr, y_tr, X_te, y_te = parts
    ids = np.concatenate([X_tr[:, 0], X_te[:, 0]]).astype(int)
    assert sorted(ids.tolist()) == list(range(len(y)))
    np.testing.assert_array_equal(y_tr, y[X_tr[:, 0].astype(int)])
    np.testing.assert_array_equal(y_te, y[X_te[:, 0].astype(int)])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(4, 300),
    n_classes=st.integers(1, 7),
    fraction=st.floats(0.05, 0.95),
)
def test_split_partition_and_stratification(seed, n, n_classes, fraction):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, size=n)
    X = np.column_stack([np.arange(n), rng.standard_normal(n)])  # column 0 identifies the row
    n_test = expected_n_test(fraction, n)
    if not 1 <= n_test <= n - 1:
        return
    parts = train_test_split(X, y, rng=rng, test_fraction=fraction)
    check_partition(X, y, parts)
    assert len(parts[3]) == n_test and len(parts[1]) == n - n_test
    for c in np.unique(y):
        quota = n_test * np.sum(y == c) / n
        assert math.floor(quota) <= np.sum(parts[3] == c) <= math.ceil(quota)


def test_split_of_the_digits_sizes_and_class_proportions():
    X, y = load_digits()
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, rng=np.random.default_rng(0))
    assert (len(y_tr), len(y_te)) == (1348, 449)
    assert row_keys(np.vstack([X_tr, X_te])) == row_keys(X)
    for c, count in enumerate(CLASS_COUNTS):
        assert abs(np.sum(y_te == c) - 0.25 * count) <= 1
    # Shuffled, not grouped by class.
    assert np.any(np.diff(y_tr) < 0) and np.any(np.diff(y_te) < 0)


def test_split_without_stratification():
    y = np.repeat([0, 1], [90, 10])
    X = np.arange(100.0)[:, None]
    parts = train_test_split(X, y, rng=np.random.default_rng(1), test_fraction=0.3,
                             stratify=False)
    check_partition(X, y, parts)
    assert len(parts[3]) == 30
    # Regression targets need stratify=False.
    train_test_split(X, np.linspace(0, 1, 100), rng=np.random.default_rng(1), stratify=False)


def test_split_reproducible_and_seed_dependent():
    X, y = np.arange(200.0)[:, None], np.arange(200) % 3
    a = train_test_split(X, y, rng=np.random.default_rng(5))
    b = train_test_split(X, y, rng=np.random.default_rng(5))
    c = train_test_split(X, y, rng=np.random.default_rng(6))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert set(a[2][:, 0]) != set(c[2][:, 0])


def test_split_keeps_dtype_and_extra_axes_and_leaves_inputs_unchanged():
    images = np.arange(30 * 4, dtype=np.uint8).reshape(30, 2, 2)
    y = np.arange(30) % 2
    images0, y0 = images.copy(), y.copy()
    X_tr, y_tr, X_te, _ = train_test_split(images, y, rng=np.random.default_rng(0))
    assert X_tr.dtype == np.uint8 and X_tr.shape[1:] == (2, 2) and len(X_te) == 8
    X_tr[:] = 0
    y_tr[:] = 7
    np.testing.assert_array_equal(images, images0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"test_fraction": 0.0}, ValueError, r"test_fraction must be in \(0, 1\), got 0.0"),
        ({"test_fraction": 1.0}, ValueError, r"test_fraction must be in \(0, 1\), got 1.0"),
        ({"test_fraction": 1.5}, ValueError, r"test_fraction must be in \(0, 1\), got 1.5"),
        ({"test_fraction": float("nan")}, ValueError, r"test_fraction must be in \(0, 1\)"),
        ({"test_fraction": [0.2, 0.3]}, ValueError, "test_fraction must be a single number"),
        ({"test_fraction": 0.01}, ValueError, r"gives 0 test rows out of n=10"),
        ({"rng": None}, TypeError, "rng must be a numpy Generator"),
        ({"rng": 0}, TypeError, "rng must be a numpy Generator"),
        ({"rng": np.random.RandomState(0)}, TypeError, "rng must be a numpy Generator"),
        ({"stratify": 1}, TypeError, "stratify must be True or False"),
        ({"y": np.arange(9)}, ValueError, "y must be a 1-d array with one entry per row of X"),
        ({"y": np.linspace(0, 1, 10)}, ValueError, "stratify=True needs integer class labels"),
        ({"X": np.array(["a"] * 10)}, TypeError, "X must be a numeric array"),
    ],
)
def test_split_bad_inputs(kwargs, error, message):
    args = {"X": np.zeros((10, 2)), "y": np.arange(10) % 2, "rng": np.random.default_rng(0)}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        train_test_split(args.pop("X"), args.pop("y"), **args)


# -- standardize -----------------------------------------------------------------
def test_standardize_closed_form_and_constant_feature():
    X_train = np.array([[1.0, 7.0, 0.0], [3.0, 7.0, 2.0], [5.0, 7.0, 4.0], [7.0, 7.0, 2.0]])
    X_test = np.array([[9.0, 8.0, 2.0]])
    # Means (4, 7, 2); population stds (√5, 0, √2): the constant column is only centred.
    tr, te = standardize(X_train, X_test)
    np.testing.assert_allclose(tr[:, 0], np.array([-3.0, -1.0, 1.0, 3.0]) / math.sqrt(5))
    np.testing.assert_array_equal(tr[:, 1], 0.0)
    np.testing.assert_allclose(tr[:, 2], np.array([-2.0, 0.0, 2.0, 0.0]) / math.sqrt(2))
    np.testing.assert_allclose(te, [[5 / math.sqrt(5), 1.0, 0.0]])


def test_standardize_uses_training_statistics_only():
    rng = np.random.default_rng(3)
    X_train = rng.normal(2.0, 3.0, size=(50, 4))
    X_test = rng.normal(2.0, 3.0, size=(20, 4))
    X_train0, X_test0 = X_train.copy(), X_test.copy()
    tr, te = standardize(X_train, X_test)
    np.testing.assert_allclose(tr.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(tr.std(axis=0), 1.0, rtol=1e-12)
    # Moving the test rows moves nothing on the training side, and moves the
    # test outputs by exactly shift / (training std).
    shift = np.array([1000.0, -5.0, 0.0, 3.0])
    tr2, te2 = standardize(X_train, X_test + shift)
    np.testing.assert_array_equal(tr2, tr)
    np.testing.assert_allclose(te2 - te, np.broadcast_to(shift / X_train.std(axis=0), te.shape),
                               atol=1e-9)
    np.testing.assert_array_equal(X_train, X_train0)
    np.testing.assert_array_equal(X_test, X_test0)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((np.zeros((3, 2)), np.zeros((2, 3))), ValueError, "X_test must have the same feature shape"),
        ((np.zeros(3), np.zeros(3)), ValueError, r"X_train must have shape \(n, ...\)"),
        ((np.array([[np.nan]]), np.zeros((1, 1))), ValueError, "X_train must be finite"),
        ((np.zeros((2, 1)), np.zeros((1, 1)), -1.0), ValueError, r"std_floor must be in \[0, inf\)"),
    ],
)
def test_standardize_bad_inputs(args, error, message):
    with pytest.raises(error, match=message):
        standardize(*args)


# -- digits_split and binary_digits ----------------------------------------------
def train_stats_standardize(X_tr, X_te):
    """Independent oracle: training mean and population std, 1 where std is 0."""
    n = len(X_tr)
    mean = X_tr.sum(axis=0) / n
    std = np.sqrt(((X_tr - mean) ** 2).sum(axis=0) / n)
    std[std < 1e-12] = 1.0
    return (X_tr - mean) / std, (X_te - mean) / std


def test_digits_split_defaults():
    ds = digits_split()
    assert isinstance(ds, Dataset)
    assert ds.X.shape == (1348, 64) and ds.X_test.shape == (449, 64)
    assert ds.y.dtype == np.int64 and ds.theta_true is None
    assert ds.n_train == 1348 and ds.n_test == 449 and ds.dim == 64 and ds.has_test
    for c, count in enumerate(CLASS_COUNTS):
        assert abs(np.sum(ds.y_test == c) - 0.25 * count) <= 1
        assert np.sum(ds.y == c) + np.sum(ds.y_test == c) == count
    assert "seed=0" in ds.description


@pytest.mark.parametrize("seed", [0, 3])
def test_digits_split_standardizes_with_training_statistics(seed):
    raw = digits_split(seed=seed, standardize=False)
    std = digits_split(seed=seed)
    X, _ = load_digits()
    assert row_keys(np.vstack([raw.X, raw.X_test])) == row_keys(X)
    assert raw.X.min() == 0.0 and raw.X.max() == 1.0
    np.testing.assert_array_equal(std.y, raw.y)
    oracle_tr, oracle_te = train_stats_standardize(raw.X, raw.X_test)
    np.testing.assert_allclose(std.X, oracle_tr, atol=1e-12)
    np.testing.assert_allclose(std.X_test, oracle_te, atol=1e-12)
    # Test statistics were not used: the test set is not exactly centred.
    assert np.abs(std.X_test.mean(axis=0)).max() > 1e-3
    assert np.all(np.isfinite(std.X_test))


def test_pixel_constant_on_train_but_not_on_test_stays_finite():
    # With seed 3, pixel 56 is 0 in every training image but not in the test set.
    raw = digits_split(seed=3, standardize=False)
    std = digits_split(seed=3)
    assert raw.X[:, 56].max() == 0.0 and raw.X_test[:, 56].max() == 1 / 16
    np.testing.assert_array_equal(std.X_test[:, 56], raw.X_test[:, 56])


def test_digits_split_reproducible_and_seed_dependent():
    a, b, c = digits_split(seed=7), digits_split(seed=7), digits_split(seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert row_keys(a.X_test) != row_keys(c.X_test)


def test_binary_digits():
    ds = binary_digits(3, 8, standardize=False)
    images, target = raw_digits()
    n3, n8 = CLASS_COUNTS[3], CLASS_COUNTS[8]
    n_test = expected_n_test(0.25, n3 + n8)
    assert ds.X.shape == (n3 + n8 - n_test, 64) and ds.X_test.shape == (n_test, 64)
    assert set(ds.y.tolist()) == {0, 1} and ds.y.dtype == np.int64
    X_all = np.vstack([ds.X, ds.X_test])
    y_all = np.concatenate([ds.y, ds.y_test])
    flat = images.reshape(1797, 64) / 16.0
    assert row_keys(X_all[y_all == 0]) == row_keys(flat[target == 3])
    assert row_keys(X_all[y_all == 1]) == row_keys(flat[target == 8])
    std = binary_digits()
    oracle_tr, _ = train_stats_standardize(ds.X, ds.X_test)
    np.testing.assert_allclose(std.X, oracle_tr, atol=1e-12)


@pytest.mark.parametrize(
    "func, kwargs, error, message",
    [
        (digits_split, {"seed": -1}, ValueError, r"seed must be an integer in \[0, inf\], got -1"),
        (digits_split, {"seed": 1.0}, TypeError, "seed must be an integer"),
        (digits_split, {"test_fraction": 1.0}, ValueError, r"test_fraction must be in \(0, 1\)"),
        (digits_split, {"standardize": None}, TypeError, "standardize must be True or False"),
        (binary_digits, {"a": 10}, ValueError, r"a must be an integer in \[0, 9\], got 10"),
        (binary_digits, {"b": 3.0}, TypeError, "b must be an integer"),
        (binary_digits, {"a": 4, "b": 4}, ValueError, "a and b must be different digits"),
    ],
)
def test_digits_bad_inputs(func, kwargs, error, message):
    with pytest.raises(error, match=message):
        func(**kwargs)


# -- linear regression -------------------------------------------------------------
def lstsq_statistics(ds: Dataset, noise: float) -> tuple[float, float]:
    """(θ̂−θ*)ᵀXᵀX(θ̂−θ*)/σ² ~ χ²_d and RSS/σ² ~ χ²_{n−d} for Gaussian noise."""
    X = ds.X.astype(np.float64)
    y = ds.y.astype(np.float64)
    theta_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    err = X @ (theta_hat - ds.theta_true)
    resid = y - X @ theta_hat
    return float(err @ err) / noise**2, float(resid @ resid) / noise**2


@pytest.mark.parametrize("seed, n, d, noise", [(0, 200, 3, 0.1), (1, 1000, 10, 1.0),
                                               (2, 50, 1, 0.01), (3, 400, 30, 0.3)])
def test_linear_regression_least_squares_recovers_theta(seed, n, d, noise):
    ds = make_linear_regression(n, d, np.random.default_rng(seed), noise=noise)
    stat, rss = lstsq_statistics(ds, noise)
    lo, hi = chi2_bounds(d)
    assert max(lo, 0.0) <= stat <= hi
    lo, hi = chi2_bounds(n - d)
    assert lo <= rss <= hi


def test_linear_regression_shapes_and_conventions():
    rng = np.random.default_rng(0)
    ds = make_linear_regression(100, 4, rng, noise=0.2, n_test=30)
    assert ds.X.shape == (100, 4) and ds.y.shape == (100,)
    assert ds.X_test.shape == (30, 4) and ds.y_test.shape == (30,)
    assert ds.theta_true.shape == (4,) and ds.X.dtype == ds.y.dtype == np.float64
    no_test = make_linear_regression(100, 4, np.random.default_rng(0), noise=0.2)
    assert no_test.X_test.shape == (0, 4) and not no_test.has_test
    # The training rows do not depend on n_test.
    np.testing.assert_array_equal(no_test.X, ds.X)
    np.testing.assert_array_equal(no_test.y, ds.y)
    again = make_linear_regression(100, 4, np.random.default_rng(0), noise=0.2, n_test=30)
    np.testing.assert_array_equal(again.X_test, ds.X_test)
    other = make_linear_regression(100, 4, np.random.default_rng(1), noise=0.2, n_test=30)
    assert not np.array_equal(other.X, ds.X)


def test_linear_regression_theta_prior_scale():
    # θ* ~ N(0, I/d), so d‖θ*‖² ~ χ²_d.
    d = 400
    ds = make_linear_regression(1, d, np.random.default_rng(11))
    lo, hi = chi2_bounds(d)
    assert lo <= d * float(ds.theta_true @ ds.theta_true) <= hi


def test_linear_regression_noiseless_given_theta_and_scales():
    theta = np.array([1.0, -2.0, 0.5])
    scales = np.array([10.0, 1.0, 0.1])
    theta0, scales0 = theta.copy(), scales.copy()
    ds = make_linear_regression(5000, 3, np.random.default_rng(4), noise=0.0, theta_true=theta,
                                feature_scales=scales)
    np.testing.assert_allclose(ds.y, ds.X @ theta, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ds.theta_true, theta)
    # Column j has standard deviation s_j: the sample std is within a few
    # standard errors s_j / √(2n).
    rel = ds.X.std(axis=0) / scales - 1
    assert np.all(np.abs(rel) < 6 / math.sqrt(2 * 5000))
    ds.theta_true[:] = 0.0
    np.testing.assert_array_equal(theta, theta0)
    np.testing.assert_array_equal(scales, scales0)


def test_large_regression_small_n():
    n, d, noise = 20_000, 20, 0.5
    big = make_large_regression(n, d, rng=np.random.default_rng(0), noise=noise, n_test=500)
    assert big.X.shape == (n, d) and big.X_test.shape == (500, d)
    same = make_linear_regression(n, d, np.random.default_rng(0), noise=noise, n_test=500)
    np.testing.assert_array_equal(big.X, same.X)
    np.testing.assert_array_equal(big.y_test, same.y_test)
    stat, rss = lstsq_statistics(big, noise)
    assert max(chi2_bounds(d)[0], 0) <= stat <= chi2_bounds(d)[1]
    assert chi2_bounds(n - d)[0] <= rss <= chi2_bounds(n - d)[1]


def test_large_regression_float32():
    n, d, noise = 20_000, 20, 0.5
    ds = make_large_regression(n, d, rng=np.random.default_rng(1), noise=noise, n_test=100,
                               dtype=np.float32)
    assert ds.X.dtype == ds.y.dtype == ds.X_test.dtype == ds.y_test.dtype == np.float32
    assert ds.theta_true.dtype == np.float64
    # float32 rounding (~1e-7 relative) is negligible against noise 0.5.
    stat, rss = lstsq_statistics(ds, noise)
    assert max(chi2_bounds(d)[0], 0) <= stat <= chi2_bounds(d)[1]
    assert chi2_bounds(n - d)[0] <= rss <= chi2_bounds(n - d)[1]


GOOD_REG = {"n": 10, "d": 2, "rng": np.random.default_rng(0)}


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n": 0}, ValueError, r"n must be an integer in \[1, inf\], got 0"),
        ({"n": 10.0}, TypeError, "n must be an integer, got float"),
        ({"d": 0}, ValueError, r"d must be an integer in \[1, inf\], got 0"),
        ({"rng": 0}, TypeError, "rng must be a numpy Generator"),
        ({"noise": -0.1}, ValueError, r"noise must be in \[0, inf\), got -0.1"),
        ({"noise": float("inf")}, ValueError, r"noise must be in \[0, inf\), got inf"),
        ({"noise": [0.1, 0.2]}, ValueError, "noise must be a single number"),
        ({"n_test": -1}, ValueError, r"n_test must be an integer in \[0, inf\], got -1"),
        ({"dtype": np.int64}, ValueError, "dtype must be float32 or float64, got int64"),
        ({"dtype": "no-such-type"}, TypeError, "dtype must be float32 or float64"),
        ({"theta_true": [1.0]}, ValueError, r"theta_true must have shape \(2,\), got shape \(1,\)"),
        ({"theta_true": [1.0, np.nan]}, ValueError, "theta_true must be finite"),
        ({"feature_scales": [1.0, 0.0]}, ValueError, r"feature_scales must be in \(0, inf\)"),
        ({"feature_scales": [1.0]}, ValueError, r"feature_scales must have shape \(2,\)"),
    ],
)
def test_linear_regression_bad_inputs(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_linear_regression(**{**GOOD_REG, **kwargs})


def test_large_regression_bad_inputs():
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        make_large_regression(100, 2, rng=None)
    with pytest.raises(TypeError):
        make_large_regression(100, 2)  # rng is required and keyword-only
    with pytest.raises(ValueError, match=r"n_test must be an integer in \[0, inf\]"):
        make_large_regression(100, 2, rng=np.random.default_rng(0), n_test=-5)


# -- classification ------------------------------------------------------------------
def test_classification_binary_means_posterior_and_bayes_error():
    s, n, d = 2.0, 4000, 3
    ds = make_classification(n, d, np.random.default_rng(0), separation=s, n_test=20_000)
    assert ds.X.shape == (n, d) and ds.X_test.shape == (20_000, d) and ds.y.dtype == np.int64
    assert np.bincount(ds.y).tolist() == [n // 2, n // 2]
    mu = {0: -s / 2 * np.eye(d)[0], 1: s / 2 * np.eye(d)[0]}  # closed-form means
    np.testing.assert_allclose(ds.theta_true, mu[1] - mu[0], rtol=0, atol=1e-15)
    for c in (0, 1):
        dev = ds.X[ds.y == c].mean(axis=0) - mu[c]
        assert dev @ dev * (n // 2) <= chi2_bounds(d)[1]
    # Posterior from the two Gaussian densities equals σ(θ*ᵀx), zero bias.
    x = ds.X_test[:50]
    log_p = {c: -0.5 * ((x - mu[c]) ** 2).sum(axis=1) for c in (0, 1)}
    posterior = 1.0 / (1.0 + np.exp(log_p[0] - log_p[1]))
    np.testing.assert_allclose(1.0 / (1.0 + np.exp(-x @ ds.theta_true)), posterior, rtol=1e-12)
    # Bayes error Φ(−s/2), within 5 binomial standard errors.
    bayes = 0.5 * math.erfc(s / 2 / math.sqrt(2))
    err = np.mean((ds.X_test @ ds.theta_true > 0) != ds.y_test)
    assert abs(err - bayes) < 5 * math.sqrt(bayes * (1 - bayes) / 20_000)


@pytest.mark.parametrize("n_classes, d", [(3, 2), (5, 6), (10, 9)])
def test_classification_multiclass_simplex(n_classes, d):
    s, n = 4.0, 3001
    ds = make_classification(n, d, np.random.default_rng(n_classes), n_classes=n_classes,
                             separation=s)
    means = ds.theta_true
    assert means.shape == (n_classes, d)
    dist = np.sqrt(((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=-1))
    np.testing.assert_allclose(dist[~np.eye(n_classes, dtype=bool)], s, rtol=1e-12)
    np.testing.assert_allclose(means.sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_array_equal(means[:, n_classes - 1:], 0.0)
    counts = np.bincount(ds.y, minlength=n_classes)
    assert counts.min() == n // n_classes and counts.max() == -(-n // n_classes)
    noise = ds.X - means[ds.y]  # must be N(0, I)
    assert (noise.mean(axis=0) ** 2).sum() * n <= chi2_bounds(d)[1]
    np.testing.assert_allclose(noise.var(axis=0), 1.0, atol=6 * math.sqrt(2 / n))


def test_classification_reproducible_one_dimensional_and_zero_separation():
    a = make_classification(50, 1, np.random.default_rng(9), n_test=10)
    b = make_classification(50, 1, np.random.default_rng(9), n_test=10)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert a.theta_true.tolist() == [3.0]
    flat = make_classification(50, 2, np.random.default_rng(9), n_classes=3, separation=0.0)
    np.testing.assert_array_equal(flat.theta_true, 0.0)


GOOD_CLS = {"n": 10, "d": 2, "rng": np.random.default_rng(0)}


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_classes": 1}, ValueError, r"n_classes must be an integer in \[2, inf\], got 1"),
        ({"n_classes": 4}, ValueError, "d must be at least n_classes - 1 = 3"),
        ({"separation": -1.0}, ValueError, r"separation must be in \[0, inf\), got -1.0"),
        ({"n": -3}, ValueError, r"n must be an integer in \[1, inf\], got -3"),
        ({"n_test": 2.5}, TypeError, "n_test must be an integer"),
        ({"rng": np.random.RandomState(0)}, TypeError, "rng must be a numpy Generator"),
    ],
)
def test_classification_bad_inputs(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_classification(**{**GOOD_CLS, **kwargs})


# -- the container -------------------------------------------------------------------
def test_dataset_checks_shapes_and_repr():
    with pytest.raises(ValueError, match="X must have one row per entry of the 1-d array y"):
        Dataset(np.zeros((3, 2)), np.zeros(2), np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="X and X_test must have the same feature shape"):
        Dataset(np.zeros((3, 2)), np.zeros(3), np.zeros((1, 3)), np.zeros(1))
    ds = make_linear_regression(5, 2, np.random.default_rng(0), n_test=1)
    with pytest.raises(AttributeError):
        ds.X = None
    assert "X (5, 2) float64" in repr(ds) and "theta_true (2,)" in repr(ds)


def test_public_api():
    assert sorted(data.__all__) == sorted([
        "Dataset", "binary_digits", "digits_split", "load_digits", "make_classification",
        "make_large_regression", "make_linear_regression", "standardize", "train_test_split",
    ])
