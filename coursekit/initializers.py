"""Weight and bias initializers of book section 8.4, plus He (Kaiming).

Weight layout (used everywhere in the course)
---------------------------------------------
A fully connected layer with m inputs and n units stores its weights as a
matrix W of shape ``(fan_in, fan_out) = (m, n)`` and computes

    h = x @ W + b,        x of shape (..., m),  b of shape (n,).

Column j of W holds the m incoming weights of unit j. PyTorch stores the
transpose, shape ``[out, in]`` (``nn.Linear`` computes ``x @ W.T + b``), so
a *row* of a PyTorch weight is a *column* here.

Every weight initializer has the signature

    f(rng, fan_in, fan_out, *, batch_shape=(), **its_own_parameters)

and returns a fresh float64 array of shape ``batch_shape + (fan_in, fan_out)``:
``batch_shape`` draws independent matrices so that many networks can be
initialized at once. Scale parameters (``scale``, ``gain``, ``std``,
``value``) are numbers or arrays that broadcast against ``batch_shape``, one
value per network, which is how one call builds the "too small" and "too
large" networks of a scale sweep.

Biases: :func:`constant_bias` (0 is the usual value) and
:func:`marginal_output_bias`. :data:`WEIGHT_INITIALIZERS` maps names to the
weight initializers and :func:`get_weight_initializer` looks one up by name.

>>> rng = np.random.default_rng(0)
>>> glorot_uniform(rng, 4, 3, batch_shape=(5,)).shape
(5, 4, 3)
"""

from __future__ import annotations


import numpy as np

from ._validation import (
    check_batch_compatible,
    check_batch_shape,
    check_bool,
    check_finite,
    check_int,
    check_interval,
    check_labels,
    check_rng,
)

__all__ = [
    "WEIGHT_INITIALIZERS",
    "constant",
    "constant_bias",
    "glorot_normal",
    "glorot_uniform",
    "get_weight_initializer",
    "he_normal",
    "he_uniform",
    "marginal_output_bias",
    "normal",
    "orthogonal",
    "sparse",
    "uniform_fan_in",
]


# -- shared argument checks ---------------------------------------------------
def _check_weight_args(rng, fan_in, fan_out, batch_shape):
    rng = check_rng(rng)
    fan_in = check_int("fan_in", fan_in, low=1)
    fan_out = check_int("fan_out", fan_out, low=1)
    return rng, fan_in, fan_out, check_batch_shape(batch_shape)


def _per_network(name: str, value, batch_shape: tuple, *, positive: bool) -> np.ndarray:
    """A finite (and, if asked, positive) number or array broadcasting against
    ``batch_shape``, returned with two trailing axes to scale (m, n) matrices."""
    arr = check_finite(name, value)
    if positive:
        check_interval(name, arr, 0.0, np.inf, low_open=True)
    check_batch_compatible(name, arr, batch_shape, against="batch_shape",
                           hint=" (use one value per network, or a number)")
    return arr[..., None, None]


# -- dense random initializers ------------------------------------------------
def uniform_fan_in(rng, fan_in, fan_out, *, batch_shape=(), scale=1.0) -> np.ndarray:
    """W_ij ~ U(−scale/√m, scale/√m), the heuristic of book section 8.4.

    m = ``fan_in``. The variance is scale²/(3m). With ``scale=1`` this is the
    default initialization of PyTorch's ``nn.Linear`` weights.

    >>> W = uniform_fan_in(np.random.default_rng(0), 100, 3)
    >>> bool(np.all(np.abs(W) <= 0.1))
    True
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    bound = _per_network("scale", scale, batch_shape, positive=True) / np.sqrt(m)
    return rng.uniform(-1.0, 1.0, size=batch_shape + (m, n)) * bound


def glorot_uniform(rng, fan_in, fan_out, *, batch_shape=(), gain=1.0) -> np.ndarray:
    """Normalized initialization W_ij ~ U(−gain·√(6/(m+n)), gain·√(6/(m+n))).

    Book eq. 8.23 (gain = 1), Glorot & Bengio (2010). The variance is
    gain²·2/(m+n), a compromise between keeping the forward activations and
    the back-propagated gradients at the same variance in every layer.
    Equals ``torch.nn.init.xavier_uniform_`` with the same gain.
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    bound = _per_network("gain", gain, batch_shape, positive=True) * np.sqrt(6.0 / (m + n))
    return rng.uniform(-1.0, 1.0, size=batch_shape + (m, n)) * bound


def glorot_normal(rng, fan_in, fan_out, *, batch_shape=(), gain=1.0) -> np.ndarray:
    """W_ij ~ N(0, gain²·2/(m+n)): Glorot & Bengio (2010) with a Gaussian.

    Same variance as :func:`glorot_uniform` (book eq. 8.23).
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    std = _per_network("gain", gain, batch_shape, positive=True) * np.sqrt(2.0 / (m + n))
    return rng.standard_normal(batch_shape + (m, n)) * std


def he_normal(rng, fan_in, fan_out, *, batch_shape=(), gain=np.sqrt(2.0)) -> np.ndarray:
    """W_ij ~ N(0, gain²/m), He et al. (2015); not in the book.

    The default gain √2 keeps the second moment of ReLU activations constant
    across layers (a ReLU zeroes half its inputs). Equals
    ``torch.nn.init.kaiming_normal_`` (fan_in mode) with the same gain.
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    std = _per_network("gain", gain, batch_shape, positive=True) / np.sqrt(m)
    return rng.standard_normal(batch_shape + (m, n)) * std


def he_uniform(rng, fan_in, fan_out, *, batch_shape=(), gain=np.sqrt(2.0)) -> np.ndarray:
    """W_ij ~ U(−gain·√(3/m), gain·√(3/m)), variance gain²/m, He et al. (2015).

    The uniform twin of :func:`he_normal`; not in the book.
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    bound = _per_network("gain", gain, batch_shape, positive=True) * np.sqrt(3.0 / m)
    return rng.uniform(-1.0, 1.0, size=batch_shape + (m, n)) * bound


def normal(rng, fan_in, fan_out, *, batch_shape=(), std) -> np.ndarray:
    """W_ij ~ N(0, std²) with a fixed std, whatever m and n.

    Used to show weights that are too small (signals vanish layer after
    layer) or too large (saturation, exploding values), book section 8.4.
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    std = _per_network("std", std, batch_shape, positive=True)
    return rng.standard_normal(batch_shape + (m, n)) * std


def constant(rng, fan_in, fan_out, *, batch_shape=(), value) -> np.ndarray:
    """Every weight equal to ``value`` (``value=0`` gives zeros).

    Deterministic: ``rng`` is checked but unused, so that the signature
    matches the other initializers. Units of a layer initialized this way
    receive identical gradients and stay identical forever under
    deterministic gradient descent: the symmetry that random initialization
    must break (book section 8.4).
    """
    _, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    value = _per_network("value", value, batch_shape, positive=False)
    return np.broadcast_to(value, batch_shape + (m, n)).copy()


def orthogonal(rng, fan_in, fan_out, *, batch_shape=(), gain=1.0) -> np.ndarray:
    """A random orthogonal matrix times ``gain``, Saxe et al. (2013).

    Draw a Gaussian A of shape (max(m, n), min(m, n)), factor A = QR and
    multiply column j of Q by sign(R_jj). Fixing the signs makes the
    factorization unique, so Q is Haar distributed (uniform over matrices
    with orthonormal columns); without it Q inherits the sign convention of
    the QR routine. For m < n the transpose is returned. Hence

    - m ≥ n: Wᵀ W = gain²·I_n (orthonormal columns);
    - m < n: W Wᵀ = gain²·I_m (orthonormal rows).

    Each entry has mean 0 and variance gain²/max(m, n).

    >>> W = orthogonal(np.random.default_rng(0), 5, 3, gain=2.0)
    >>> bool(np.allclose(W.T @ W, 4.0 * np.eye(3)))
    True
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    gain = _per_network("gain", gain, batch_shape, positive=True)
    tall, short = max(m, n), min(m, n)
    a = rng.standard_normal(batch_shape + (tall, short))
    q, r = np.linalg.qr(a)  # stacked, reduced: q (..., tall, short)
    diag = np.diagonal(r, axis1=-2, axis2=-1)
    q = q * np.where(diag < 0.0, -1.0, 1.0)[..., None, :]
    if m < n:
        q = np.swapaxes(q, -1, -2)
    return np.ascontiguousarray(q * gain)


def sparse(rng, fan_in, fan_out, *, batch_shape=(), nonzero, std=1.0) -> np.ndarray:
    """Sparse initialization, Martens (2010), book section 8.4.

    Each unit (column of W) gets exactly ``nonzero`` = k non-zero incoming
    weights, at k of its m input positions chosen uniformly without
    replacement, independently per unit; the non-zero values are N(0, std²).
    Dense schemes shrink every weight like 1/√m to keep a unit's total input
    bounded; here only k terms contribute, so the total input stays bounded
    while the individual non-zero weights keep their scale std whatever m,
    and the units differ strongly from one another. The price is a strong
    prior on which connections start large. One entry has variance k·std²/m.

    ``torch.nn.init.sparse_(w, sparsity)`` is a different scheme: on its
    [out, in] weight it zeroes ceil(sparsity·out) entries of every *column*,
    i.e. it fixes how many units each *input* feeds, and the number of
    non-zero incoming weights per unit (a row there, a column here) varies.

    >>> W = sparse(np.random.default_rng(0), 10, 4, nonzero=3)
    >>> (W != 0).sum(axis=0).tolist()
    [3, 3, 3, 3]
    """
    rng, m, n, batch_shape = _check_weight_args(rng, fan_in, fan_out, batch_shape)
    k = check_int("nonzero", nonzero, low=1, high=m)
    std = _per_network("std", std, batch_shape, positive=True)
    # The k smallest of m i.i.d. uniform keys per column: a uniform k-subset.
    keys = rng.random(batch_shape + (m, n))
    chosen = np.argsort(keys, axis=-2)[..., :k, :]
    mask = np.zeros(batch_shape + (m, n), dtype=bool)
    np.put_along_axis(mask, chosen, True, axis=-2)
    values = rng.standard_normal(batch_shape + (m, n)) * std
    # An exact zero (or an underflow with a tiny std) would break the count.
    values = np.where(values == 0.0, np.broadcast_to(std, values.shape), values)
    return np.where(mask, values, 0.0)


# -- biases -------------------------------------------------------------------
def constant_bias(n, value, *, batch_shape=()) -> np.ndarray:
    """A bias vector of shape ``batch_shape + (n,)`` filled with ``value``.

    Book section 8.4: 0 is the usual choice; 0.1 for ReLU hidden units keeps
    them active at the start of training; 1 for the forget gate of an LSTM
    makes the cell remember by default. ``value`` may also be an array that
    broadcasts against ``batch_shape + (n,)`` (per unit or per network).
    """
    n = check_int("n", n, low=1)
    batch_shape = check_batch_shape(batch_shape)
    arr = check_finite("value", value)
    shape = batch_shape + (n,)
    check_batch_compatible("value", arr, shape, against="shape")
    return np.broadcast_to(arr, shape).copy()


def marginal_output_bias(y, n_classes, *, sigmoid: bool = False) -> np.ndarray:
    """Output biases set from the label marginals (book section 8.4).

    With p̂_c the frequency of class c in ``y``:

    - softmax output (default): b_c = log p̂_c, shape (n_classes,), so that
      softmax(b) = p̂ and a network whose output weights are zero predicts
      the marginals; its cost is then the label entropy −Σ_c p̂_c log p̂_c.
    - one sigmoid output (``sigmoid=True``, needs ``n_classes == 2``):
      b = log(p̂_1 / p̂_0), shape (1,), so that σ(b) = p̂_1.

    Every class must occur in ``y``: log 0 = −inf is not a usable bias, so a
    missing class raises a ValueError rather than being clipped to an
    arbitrary floor (smooth the counts yourself if you need one).

    >>> marginal_output_bias([0, 1, 1, 1], 2, sigmoid=True).round(4).tolist()
    [1.0986]
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    y = check_labels("y", y, n_classes)
    sigmoid = check_bool("sigmoid", sigmoid)
    if sigmoid and n_classes != 2:
        raise ValueError(f"sigmoid=True needs n_classes == 2, got {n_classes}")
    # bincount takes platform-sized integers: int64 labels fail on 32-bit builds (Pyodide).
    counts = np.bincount(y.astype(np.intp), minlength=n_classes)
    missing = np.flatnonzero(counts == 0)
    if missing.size:
        raise ValueError(
            f"class {int(missing[0])} never occurs in y, so its log-frequency would be "
            "-inf; every class in [0, n_classes) must occur at least once"
        )
    log_freq = np.log(counts) - np.log(y.size)
    if sigmoid:
        return np.array([log_freq[1] - log_freq[0]])
    return log_freq


# -- registry -----------------------------------------------------------------
WEIGHT_INITIALIZERS: dict = {
    "uniform_fan_in": uniform_fan_in,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "orthogonal": orthogonal,
    "sparse": sparse,
    "normal": normal,
    "constant": constant,
}


def get_weight_initializer(name):
    """The initializer called ``name`` in :data:`WEIGHT_INITIALIZERS`.

    >>> get_weight_initializer("constant")(np.random.default_rng(0), 2, 2, value=0.5).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    if not isinstance(name, str):
        raise TypeError(
            f"weight initializer name must be a str, got {type(name).__name__} {name!r}"
        )
    try:
        return WEIGHT_INITIALIZERS[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in sorted(WEIGHT_INITIALIZERS))
        raise ValueError(f"weight initializer must be one of {valid}; got {name!r}") from None
