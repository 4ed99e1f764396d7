"""Datasets for the course: the 8×8 handwritten digits, splits and synthetic data.

Return convention
-----------------
* :func:`load_digits` returns a pair ``(X, y)`` and :func:`train_test_split`
  and :func:`standardize` return tuples of arrays: they are the raw tools.
* Every ready-to-use dataset (:func:`digits_split`, :func:`binary_digits`
  and the three ``make_*`` generators) returns a :class:`Dataset`: training
  arrays ``X, y``, held-out arrays ``X_test, y_test`` (with zero rows when
  there is no test split), the true parameters ``theta_true`` when they are
  known, and a one-line ``description``.

Every call builds fresh arrays (nothing is cached), so a caller that edits a
result in place cannot change what the next call returns. All randomness
comes from an explicit ``np.random.Generator`` (or, for the course's fixed
digits splits, from an integer ``seed``).

The digits are the test part of the UCI "Optical Recognition of Handwritten
Digits" data (Alpaydin & Kaynak, 1998; CC BY 4.0); see ``README.md`` in this
folder for provenance, licence and checksum.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .._validation import check_bool, check_finite, check_int, check_interval, check_rng, check_scalar

__all__ = [
    "Dataset",
    "binary_digits",
    "digits_split",
    "load_digits",
    "make_classification",
    "make_large_regression",
    "make_linear_regression",
    "standardize",
    "train_test_split",
]

_DIGITS_FILE = "digits.npz"
_N_DIGITS = 1797


# -- small checks used only here --------------------------------------------
def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64, got {dt.name}")
    return dt


# -- the container -----------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Dataset:
    """Training and held-out arrays of one dataset.

    Attributes
    ----------
    X, y : ndarray
        Training inputs, shape (n, d) (or (n, 8, 8) for unflattened images),
        and targets, shape (n,).
    X_test, y_test : ndarray
        Held-out inputs and targets, shapes (n_test, d) and (n_test,);
        ``n_test`` may be 0.
    theta_true : ndarray or None
        The parameters that generated the data, when known.
    description : str
        One line saying what the data are and how they were drawn.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    theta_true: np.ndarray | None = None
    description: str = ""

    def __post_init__(self):
        for a, b, name in ((self.X, self.y, ""), (self.X_test, self.y_test, "_test")):
            if np.ndim(b) != 1 or np.shape(a)[:1] != np.shape(b):
                raise ValueError(
                    f"X{name} must have one row per entry of the 1-d array y{name}, "
                    f"got shapes {np.shape(a)} and {np.shape(b)}"
                )
        if np.shape(self.X)[1:] != np.shape(self.X_test)[1:]:
            raise ValueError(
                "X and X_test must have the same feature shape, "
                f"got {np.shape(self.X)[1:]} and {np.shape(self.X_test)[1:]}"
            )

    @property
    def n_train(self) -> int:
        return len(self.y)

    @property
    def n_test(self) -> int:
        return len(self.y_test)

    @property
    def dim(self) -> int:
        """d, the number of features per example."""
        return int(np.prod(np.shape(self.X)[1:]))

    @property
    def has_test(self) -> bool:
        return self.n_test > 0

    def __repr__(self) -> str:
        theta = "" if self.theta_true is None else f", theta_true {self.theta_true.shape}"
        return (
            f"Dataset({self.description!r}, X {self.X.shape} {self.X.dtype}, "
            f"X_test {self.X_test.shape}{theta})"
        )


# -- the digits ----------------------------------------------------------------
def load_digits(flatten: bool = True, scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits as ``(X, y)``, read from the shipped npz file.

    Each image is 8×8 pixels with integer values 0..16 (the count of "on"
    pixels in a 4×4 block of a 32×32 bitmap). Labels are the digits 0..9.

    Parameters
    ----------
    flatten : bool
        X of shape (1797, 64) if True, (1797, 8, 8) otherwise.
    scale : bool
        Divide by 16 so that every pixel lies in [0, 1].

    Returns
    -------
    X : float64 array, shape (1797, 64) or (1797, 8, 8)
    y : int64 array, shape (1797,)

    The file is read through ``importlib.resources`` on every call, so it is
    found inside an installed package too, and each call returns new arrays.

    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.max())
    ((1797, 64), (1797,), 1.0)
    """
    flatten = check_bool("flatten", flatten)
    scale = check_bool("scale", scale)
    raw = resources.files(__package__).joinpath(_DIGITS_FILE).read_bytes()
    with np.load(io.BytesIO(raw)) as npz:
        images = npz["images"].astype(np.float64)
        y = npz["target"].astype(np.int64)
    if scale:
        images /= 16.0
    X = images.reshape(_N_DIGITS, 64) if flatten else images
    return X, y


# -- splitting and standardizing ---------------------------------------------
def train_test_split(X, y, *, rng, test_fraction: float = 0.25, stratify: bool = True):
    """Split ``(X, y)`` at random into training and test rows.

    The test set has ``round(test_fraction · n)`` rows (halves round up).
    With ``stratify=True`` each class c of the n_c examples with label c
    sends either ⌊q_c⌋ or ⌈q_c⌉ examples to the test set, q_c =
    n_test · n_c / n, the rounding chosen by largest remainder (Hamilton's
    method) so that the total is exact; class proportions then match the
    full data to within one example per class. Both parts are shuffled.

    Parameters
    ----------
    X : array, shape (n, ...)
        Inputs; the dtype is kept.
    y : array, shape (n,)
        Targets; integer class labels when ``stratify`` is True.
    rng : np.random.Generator
    test_fraction : float in (0, 1)
    stratify : bool

    Returns
    -------
    X_train, y_train, X_test, y_test : new arrays (the inputs are not changed)

    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 2
    >>> Xtr, ytr, Xte, yte = train_test_split(X, y, rng=np.random.default_rng(0), test_fraction=0.2)
    >>> Xtr.shape, Xte.shape, np.bincount(yte).tolist()
    ((8, 2), (2, 2), [1, 1])
    """
    X = np.asarray(X)
    y = np.asarray(y)
    rng = check_rng(rng)
    test_fraction = check_scalar("test_fraction", test_fraction, 0.0, 1.0,
                                  low_open=True, high_open=True)
    stratify = check_bool("stratify", stratify)
    if X.ndim == 0 or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"X must be a numeric array of shape (n, ...), got {X.dtype} {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must be a 1-d array with one entry per row of X, got shapes {X.shape} and {y.shape}"
        )
    n = len(y)
    n_test = int(math.floor(test_fraction * n + 0.5))
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_fraction={test_fraction:g} gives {n_test} test rows out of n={n}; "
            f"it must leave between 1 and n - 1"
        )
    if stratify:
        if not np.issubdtype(y.dtype, np.integer):
            if not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
                raise ValueError(
                    "stratify=True needs integer class labels in y; "
                    "pass stratify=False for regression targets"
                )
        test_idx, train_idx = _stratified_indices(y, n_test, rng)
    else:
        perm = rng.permutation(n)
        test_idx, train_idx = perm[:n_test], perm[n_test:]
    # Shuffle both parts so that neither is ordered by class.
    train_idx = rng.permutation(train_idx)
    test_idx = rng.permutation(test_idx)
    return X[train_idx], y[train_idx], X[test_idx], y[test_idx]


def _stratified_indices(y: np.ndarray, n_test: int, rng: np.random.Generator):
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    quota = n_test * counts / len(y)
    take = np.floor(quota).astype(int)
    # Largest remainder; a stable sort breaks ties by class order.
    order = np.argsort(-(quota - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    test, train = [], []
    for c in range(len(classes)):
        members = rng.permutation(np.flatnonzero(inverse == c))
        test.append(members[: take[c]])
        train.append(members[take[c]:])
    return np.concatenate(test), np.concatenate(train)


def standardize(X_train, X_test, std_floor: float = 1e-8):
    """Centre and scale features with the *training* mean and standard deviation.

    x ↦ (x − μ) / s, where μ and σ are the per-feature mean and (population)
    standard deviation over the rows of ``X_train`` only, so nothing about
    the test rows leaks into the training data. s = σ where σ > std_floor,
    and s = 1 for a feature that is (numerically) constant on the training
    set: such a feature is centred but not scaled. A tiny floor in place of
    σ would avoid the division by zero too, but would blow up any test value
    of that feature; dividing by 1 keeps it on its original scale.

    Returns ``(X_train_std, X_test_std)``, new float64 arrays.

    >>> tr, te = standardize([[0.0, 5.0], [2.0, 5.0]], [[4.0, 6.0]])
    >>> tr.tolist(), te.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [[3.0, 1.0]])
    """
    X_train = check_finite("X_train", X_train)
    X_test = check_finite("X_test", X_test)
    std_floor = check_scalar("std_floor", std_floor, 0.0)
    if X_train.ndim < 2 or len(X_train) < 1:
        raise ValueError(f"X_train must have shape (n, ...) with n >= 1, got shape {X_train.shape}")
    if X_test.shape[1:] != X_train.shape[1:]:
        raise ValueError(
            "X_test must have the same feature shape as X_train, "
            f"got {X_test.shape[1:]} and {X_train.shape[1:]}"
        )
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    scale = np.where(std > std_floor, std, 1.0)
    return (X_train - mean) / scale, (X_test - mean) / scale


def _digits_dataset(X, y, seed, test_fraction, standardize_, what):
    seed = check_int("seed", seed, low=0)
    test_fraction = check_scalar("test_fraction", test_fraction, 0.0, 1.0,
                                  low_open=True, high_open=True)
    standardize_ = check_bool("standardize", standardize_)
    X_tr, y_tr, X_te, y_te = train_test_split(
        X, y, rng=np.random.default_rng(seed), test_fraction=test_fraction, stratify=True
    )
    if standardize_:
        X_tr, X_te = standardize(X_tr, X_te)
    how = "standardized with training statistics" if standardize_ else "pixels in [0, 1]"
    return Dataset(X_tr, y_tr, X_te, y_te, None,
                   f"{what}, stratified split seed={seed} test_fraction={test_fraction:g}, {how}")


def digits_split(seed: int = 0, test_fraction: float = 0.25, standardize: bool = True) -> Dataset:
    """The course's standard digits split: 64 features, 10 classes.

    Pixels are scaled to [0, 1], split with :func:`train_test_split`
    (stratified, ``rng = np.random.default_rng(seed)``), then, if
    ``standardize``, centred and scaled with the training statistics only
    (:func:`standardize`; pixels that are constant on the training set are
    only centred). With the defaults there are 1,348 training and 449 test
    images.

    >>> ds = digits_split()
    >>> ds.X.shape, ds.X_test.shape
    ((1348, 64), (449, 64))
    """
    X, y = load_digits()
    return _digits_dataset(X, y, seed, test_fraction, standardize, "8x8 digits 0-9")


def binary_digits(a: int = 3, b: int = 8, seed: int = 0, test_fraction: float = 0.25,
                  standardize: bool = True) -> Dataset:
    """Two digits, ``a`` labelled 0 and ``b`` labelled 1, for binary logistic regression.

    Same conventions as :func:`digits_split`. The default pair 3 vs 8 is one
    of the harder pairs, so a linear model does not separate it at once.

    >>> ds = binary_digits()
    >>> sorted(set(ds.y.tolist())), ds.dim
    ([0, 1], 64)
    """
    a = check_int("a", a, low=0, high=9)
    b = check_int("b", b, low=0, high=9)
    if a == b:
        raise ValueError(f"a and b must be different digits, got a={a} and b={b}")
    X, y = load_digits()
    keep = (y == a) | (y == b)
    return _digits_dataset(X[keep], (y[keep] == b).astype(np.int64), seed, test_fraction,
                           standardize, f"8x8 digits {a} (label 0) vs {b} (label 1)")


# -- synthetic data ------------------------------------------------------------
def _regression(n, d, rng, noise, n_test, theta_true, feature_scales, dtype, what):
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=1)
    rng = check_rng(rng)
    noise = check_scalar("noise", noise, 0.0)
    n_test = check_int("n_test", n_test, low=0)
    dtype = _check_dtype(dtype)
    if theta_true is not None:
        theta_true = check_finite("theta_true", theta_true)
        if theta_true.shape != (d,):
            raise ValueError(f"theta_true must have shape ({d},), got shape {theta_true.shape}")
        theta_true = theta_true.copy()
    if feature_scales is not None:
        feature_scales = check_interval("feature_scales", feature_scales, 0.0, np.inf,
                                        low_open=True, high_open=True)
        if feature_scales.shape != (d,):
            raise ValueError(
                f"feature_scales must have shape ({d},), got shape {feature_scales.shape}"
            )
    if theta_true is None:
        theta_true = rng.standard_normal(d) / math.sqrt(d)

    def draw(m):
        # One (m, d) array and in-place updates: peak memory is X plus one (m,) vector.
        X = rng.standard_normal((m, d), dtype=dtype)
        if feature_scales is not None:
            X *= feature_scales.astype(dtype)
        y = X @ theta_true.astype(dtype)
        y += dtype.type(noise) * rng.standard_normal(m, dtype=dtype)
        return X, y

    X, y = draw(n)  # training rows first: they do not depend on n_test
    X_test, y_test = draw(n_test)
    return Dataset(X, y, X_test, y_test, theta_true,
                   f"{what}: y = X theta + {noise:g} * N(0, 1), n={n}, d={d}, n_test={n_test}")


def make_linear_regression(n: int, d: int, rng, noise: float = 0.1, n_test: int = 0, *,
                           theta_true=None, feature_scales=None,
                           dtype=np.float64) -> Dataset:
    """Synthetic least squares: y = X θ* + σ ε.

    Rows x ~ N(0, diag(s²)) with s = ``feature_scales`` (all ones by
    default), ε ~ N(0, 1), σ = ``noise``. Unless given, θ* ~ N(0, I/d), so
    the signal xᵀθ* has variance about 1 and σ reads as a noise-to-signal
    ratio. The population cost J(θ) = ½ E[(xᵀθ − y)²] has Hessian diag(s²),
    so ``feature_scales`` sets the conditioning (κ = max s² / min s²).

    The draws come from ``rng`` in this order: θ* (only when not given),
    training X, training ε, test X, test ε; so the training rows are the
    same whatever ``n_test``.

    Returns a :class:`Dataset` with ``theta_true`` = θ* (float64) and
    X, y of the chosen ``dtype``.

    >>> ds = make_linear_regression(100, 3, np.random.default_rng(0), n_test=10)
    >>> ds.X.shape, ds.y.shape, ds.X_test.shape, ds.theta_true.shape
    ((100, 3), (100,), (10, 3), (3,))
    """
    return _regression(n, d, rng, noise, n_test, theta_true, feature_scales, dtype,
                       "linear regression")


def make_large_regression(n: int = 10**6, d: int = 20, *, rng, noise: float = 0.5,
                          n_test: int = 10_000, dtype=np.float64) -> Dataset:
    """A large least-squares training set for claim C7 (book section 8.3.1).

    The same model as :func:`make_linear_regression`, sized so that SGD can
    be seen to reach a fixed tolerance of its final test error before one
    pass over the n training rows. X is drawn in one
    ``rng.standard_normal((n, d))`` call and y is built in place, so peak
    memory is about n·(d + 2) numbers: 176 MB for the defaults in float64,
    half that with ``dtype=np.float32``.

    >>> ds = make_large_regression(1000, 5, rng=np.random.default_rng(0), n_test=100)
    >>> ds.X.shape, ds.X_test.shape
    ((1000, 5), (100, 5))
    """
    return _regression(n, d, rng, noise, n_test, None, None, dtype, "large linear regression")


def _simplex_means(n_classes: int, d: int, separation: float) -> np.ndarray:
    """Class means at the vertices of a regular simplex, all pairwise distances = separation.

    Vertex c is e_c − 1/K in R^K written in the Helmert basis of the
    (K−1)-dimensional subspace orthogonal to (1, ..., 1), scaled by
    separation/√2, then padded with zeros to d coordinates.
    """
    K = n_classes
    means = np.zeros((K, d))
    for j in range(1, K):
        # Helmert row j, (1, ..., 1, -j, 0, ..., 0) / √(j(j+1)), times separation/√2;
        # one square root keeps K = 2 exact (±separation/2). The minus sign puts
        # class 1 on the positive side of the first axis when K = 2.
        row = np.zeros(K)
        row[:j] = 1.0
        row[j] = -j
        means[:, j - 1] = -separation * row / math.sqrt(2.0 * j * (j + 1))
    return means


def make_classification(n: int, d: int, rng, n_classes: int = 2, separation: float = 3.0,
                        n_test: int = 0) -> Dataset:
    """Gaussian class blobs: x | y = c ~ N(μ_c, I_d), classes balanced.

    The K = ``n_classes`` means sit at the vertices of a regular simplex in
    the first K − 1 coordinates, every pair ``separation`` apart; the other
    coordinates are pure noise. Labels are ``arange(n) % K`` shuffled, so
    each class has ⌊n/K⌋ or ⌈n/K⌉ rows.

    With equal priors and identity covariance the Bayes posterior is a
    logistic (K = 2) or softmax function of x (Hastie, Tibshirani &
    Friedman, 2009, sec. 4.3). ``theta_true`` holds its weights: for K = 2
    the vector μ_1 − μ_0, so P(y=1 | x) = σ(θ*ᵀx) with zero bias; for K > 2
    the (K, d) matrix of means, logits μ_cᵀx. For K = 2 the Bayes error is
    Φ(−separation/2).

    The draws come from ``rng`` in the order: training labels, training
    noise, test labels, test noise.

    >>> ds = make_classification(200, 2, np.random.default_rng(0))
    >>> ds.X.shape, np.bincount(ds.y).tolist(), ds.theta_true.tolist()
    ((200, 2), [100, 100], [3.0, 0.0])
    """
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=1)
    rng = check_rng(rng)
    n_classes = check_int("n_classes", n_classes, low=2)
    separation = check_scalar("separation", separation, 0.0)
    n_test = check_int("n_test", n_test, low=0)
    if d < n_classes - 1:
        raise ValueError(
            f"d must be at least n_classes - 1 = {n_classes - 1} to place the class means, got {d}"
        )
    means = _simplex_means(n_classes, d, separation)

    def draw(m):
        y = rng.permutation(np.arange(m) % n_classes).astype(np.int64)
        X = rng.standard_normal((m, d))
        X += means[y]
        return X, y

    X, y = draw(n)
    X_test, y_test = draw(n_test)
    theta_true = means[1] - means[0] if n_classes == 2 else means
    return Dataset(X, y, X_test, y_test, theta_true,
                   f"{n_classes} Gaussian blobs, separation={separation:g}, n={n}, d={d}, "
                   f"n_test={n_test}")
