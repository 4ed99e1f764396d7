"""Checks for the exercises of lecture 07: parameter initialization.

An initializer returns random numbers, so most of its checks are
statistical: properties of large matrices (a bound, a variance, exact
counts, the spread of the column and row means) and of many draws (how
often an entry is positive), and a Kolmogorov–Smirnov test of the values
against the exact distribution the exercise specifies (U(−b, b), N(0, 1),
for a 3 × 3 orthogonal matrix U(−1, 1) for each entry, for a 2 × 2 one a
uniform angle of the first column), with a threshold from the Dvoretzky–Kiefer–Wolfowitz inequality that a correct
implementation exceeds with probability below 1e-9. Each other tolerance
is several standard errors wide, so that a correct implementation passes
with probability ≈ 1 whatever way it draws its numbers from ``rng``; the
seeds are fixed, so the outcome never changes from one run to the next.
Every initializer must draw from the generator it receives and from
nothing else: the same seed gives the same matrix, a different seed a
different one, and numpy's global generator is left alone.

Weight layout: W has shape (fan_in, fan_out) = (m, n), and column j holds
the incoming weights of unit j.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Checker, Mistake, show

__all__ = ["glorot_uniform", "ks_distance", "ks_limit", "orthogonal", "sparse"]


# --------------------------------------------------------------------------
# Shared steps
# --------------------------------------------------------------------------

def _looks_like(mistake: Mistake) -> str:
    return f"This looks like {mistake.name}.\nHint: {mistake.hint}"


def _weights(c: Checker, args: tuple, shape: tuple) -> np.ndarray:
    """The student's matrix on ``args``: a finite float array of ``shape``, or a failure."""
    W = c.call(args)
    want = f"a float array of shape {shape}"
    if W is None:
        c.fail(args, want, "None", "the function has no `return` statement, or returns before computing.")
    if not isinstance(W, np.ndarray) or W.dtype.kind != "f":
        if isinstance(W, np.ndarray):
            got = f"an array of dtype {W.dtype}"
        elif isinstance(W, (list, tuple)):
            got = f"a {type(W).__name__}, not a numpy array"
        else:
            got = f"{type(W).__name__} {show(W)}"
        c.fail(args, want, got,
               "return a numpy array of floats, such as the result of rng.uniform or "
               "rng.standard_normal.")
    if W.shape != shape:
        hint = c.diagnose(args, lambda m: np.shape(m) == W.shape)
        if hint == c.hint:
            hint = ("the course stores W as (fan_in, fan_out) = (m, n), one column per unit; "
                    "pass that shape to the generator.")
        c.fail(args, f"shape {shape} = (fan_in, fan_out)", f"shape {W.shape}", hint)
    if not np.all(np.isfinite(W)):
        bad = int(np.sum(~np.isfinite(W)))
        c.fail(args, "finite values", f"{bad} of {W.size} entries not finite (NaN or inf)",
               "NaN or inf means a division by zero or a square root of a negative "
               "number somewhere in your function.")
    c.count += 1
    return W


def _global_state():
    _, keys, pos, has_gauss, cached = np.random.get_state()
    return keys.copy(), pos, has_gauss, cached


def _same_global_state(a, b) -> bool:
    return np.array_equal(a[0], b[0]) and a[1:] == b[1:]


_NOT_FROM_RNG = (
    "draws that do not come from the generator `rng`",
    ("draw every random number from the generator you are given (rng.uniform, "
     "rng.standard_normal, rng.choice, ...): np.random.uniform uses numpy's global "
     "generator, and np.random.default_rng() without a seed starts a new one each call."),
)


def _seeding(c: Checker, make_args) -> None:
    """Same seed, same matrix; another seed, another matrix; numpy's global generator untouched."""
    args = make_args(np.random.default_rng(2024))
    before = _global_state()
    first = c.call(args)
    c.count += 1
    if not _same_global_state(before, _global_state()):
        c.fail(args, "no use of numpy's global generator", "np.random's global state changed",
               "This looks like draws from np.random (np.random.uniform, np.random.randn, ...) "
               "instead of rng.\nHint: " + _NOT_FROM_RNG[1])
    second = c.call(args)
    c.count += 1
    if not np.array_equal(first, second):
        c.fail(args, "the same matrix from two generators with the same seed",
               "two different matrices", f"This looks like {_NOT_FROM_RNG[0]}.\nHint: {_NOT_FROM_RNG[1]}")
    other = c.call(make_args(np.random.default_rng(2025)))
    c.count += 1
    if np.array_equal(first, other):
        c.fail(args, "different matrices for different seeds (2024 and 2025)",
               "the same matrix for both seeds",
               "This looks like a fixed seed inside the function, e.g. np.random.default_rng(0).\n"
               "Hint: use the generator `rng` passed as the first argument; the caller chooses "
               "its seed.")


def ks_distance(values, cdf) -> float:
    """Kolmogorov–Smirnov distance sup_x |F_N(x) − F(x)| between the sample ``values``
    and the exact CDF ``cdf`` (a vectorized function)."""
    x = np.sort(np.asarray(values, dtype=float).ravel())
    n = x.size
    f = np.asarray(cdf(x), dtype=float)
    return float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))


def ks_limit(n: int, tests: int = 1, false_failure: float = 1e-9) -> float:
    """The distance above which ``tests`` KS tests of ``n`` independent draws each fail
    together with probability below ``false_failure`` for a correct initializer:
    P(√n·D > x) ≤ 2·exp(−2x²) (Dvoretzky–Kiefer–Wolfowitz, Massart's constant)."""
    return float(np.sqrt(np.log(2.0 * tests / false_failure) / 2.0) / np.sqrt(n))


def _normal_cdf(x):
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(np.asarray(x, dtype=float) / math.sqrt(2.0)))


# --------------------------------------------------------------------------
# glorot_uniform: eq. 8.23
# --------------------------------------------------------------------------

def _uniform(bound, shape=None):
    def draw(rng, m, n):
        size = (m, n) if shape is None else shape(m, n)
        b = bound(m, n)
        return rng.uniform(-b, b, size=size)
    return draw


def _glorot_bound(m, n):
    return np.sqrt(6.0 / (m + n))


GLOROT_MISTAKES = (
    Mistake("a transposed shape (fan_out, fan_in)",
            "the course stores W as (fan_in, fan_out) = (m, n), so that h = x @ W: "
            "size=(fan_in, fan_out).",
            _uniform(_glorot_bound, shape=lambda m, n: (n, m))),
    Mistake("Glorot with only the fan-in: a bound √(6/m)",
            "eq. 8.23 uses both fans: the bound is √(6/(m + n)), with m = fan_in and n = fan_out.",
            _uniform(lambda m, n: np.sqrt(6.0 / m))),
    Mistake("a bound √(3/m), which uses only the fan-in",
            "eq. 8.23 averages the two fans: the bound is √(6/(m + n)), which gives the "
            "variance 2/(m + n).",
            _uniform(lambda m, n: np.sqrt(3.0 / m))),
    Mistake("a bound √(1/(m + n)), without the 6",
            "the bound of eq. 8.23 is √(6/(m + n)); a uniform on [−b, b] has variance b²/3, "
            "and the 6 makes it 2/(m + n).",
            _uniform(lambda m, n: np.sqrt(1.0 / (m + n)))),
    Mistake("a bound √6/(m + n), the square root of 6 only",
            "the square root covers the whole fraction: √(6/(m + n)) = np.sqrt(6 / (m + n)).",
            _uniform(lambda m, n: np.sqrt(6.0) / (m + n))),
    Mistake("a normal distribution instead of a uniform one",
            "eq. 8.23 is a uniform distribution: rng.uniform(-bound, bound, size=(m, n)).",
            lambda rng, m, n: rng.normal(0.0, np.sqrt(2.0 / (m + n)), size=(m, n))),
    Mistake("a normal distribution instead of a uniform one",
            "eq. 8.23 is a uniform distribution: rng.uniform(-bound, bound, size=(m, n)).",
            lambda rng, m, n: rng.normal(0.0, _glorot_bound(m, n), size=(m, n))),
    Mistake("a normal distribution clipped to the bound",
            "eq. 8.23 is a uniform distribution; clipping a normal to [−√(6/(m + n)), "
            "√(6/(m + n))] keeps its bell shape: rng.uniform(-bound, bound, size=(m, n)).",
            lambda rng, m, n: np.clip(rng.normal(0.0, np.sqrt(2.0 / (m + n)), size=(m, n)),
                                      -_glorot_bound(m, n), _glorot_bound(m, n))),
    Mistake("one draw per row repeated in every column",
            "every weight is an independent draw: size=(fan_in, fan_out), not a column "
            "of fan_in draws broadcast across the fan_out columns.",
            lambda rng, m, n: rng.uniform(-_glorot_bound(m, n), _glorot_bound(m, n), size=(m, 1))
            * np.ones((1, n))),
    Mistake("one draw per column repeated in every row",
            "every weight is an independent draw: size=(fan_in, fan_out), not a row "
            "of fan_out draws broadcast down the fan_in rows.",
            lambda rng, m, n: rng.uniform(-_glorot_bound(m, n), _glorot_bound(m, n), size=(1, n))
            * np.ones((m, 1))),
    Mistake("a uniform distribution on [0, √(6/(m + n))] instead of [−√(6/(m + n)), √(6/(m + n))]",
            "the interval of eq. 8.23 is symmetric around 0: rng.uniform(-bound, bound, ...).",
            lambda rng, m, n: rng.uniform(0.0, _glorot_bound(m, n), size=(m, n))),
)


def _moments(W):
    W = np.asarray(W, dtype=float)
    centred = W - W.mean()
    var = np.mean(centred ** 2)
    return W.mean(), np.sqrt(var), np.mean(centred ** 4) / var ** 2


def _same_distribution(student: np.ndarray):
    """A matcher: the mistake's matrix has the student's shape, mean, std and kurtosis."""
    mean, std, kurtosis = _moments(student)

    def matches(mistaken) -> bool:
        if np.shape(mistaken) != student.shape:
            return False
        m_mean, m_std, m_kurtosis = _moments(mistaken)
        return (abs(m_std / std - 1.0) < 0.03 and abs(m_kurtosis - kurtosis) < 0.2
                and abs(m_mean - mean) < 0.05 * std)
    return matches


def _mean_spreads(W) -> tuple[float, float]:
    """std of the column means and of the row means of W, each over what it is for
    independent draws with the entries' own spread (std(W)/√m and std(W)/√n): both near 1
    for independent entries, whatever their distribution."""
    W = np.asarray(W, dtype=float)
    m, n = W.shape
    scale = float(np.std(W)) or 1.0
    return (float(np.std(W.mean(axis=0))) / (scale / np.sqrt(m)),
            float(np.std(W.mean(axis=1))) / (scale / np.sqrt(n)))


def _glorot_statistics(c: Checker, args: tuple) -> None:
    _, m, n = args
    W = _weights(c, args, (m, n))
    bound = _glorot_bound(m, n)
    top, size = float(np.max(np.abs(W))), W.size

    def diagnosis() -> str:
        return c.diagnose(args, _same_distribution(W))

    c.count += 1
    if top > bound * (1.0 + 1e-12):
        c.fail(args, f"every |W_ij| ≤ √(6/(m + n)) = {show(bound)}", f"max |W_ij| = {show(top)}",
               diagnosis())
    # The whole matrix, first (a draw repeated along one axis fails the later checks only
    # by chance, and these checks name it): the column means are means of m independent
    # draws, so their spread is std(W)/√m, and the row means' spread is std(W)/√n. A draw
    # repeated along one axis makes one ratio 0 and the other √m or √n. Each ratio's
    # relative standard error is below 1/√(2·50) = 0.1 here; 0.5 is five of them.
    spreads = _mean_spreads(W)
    for ratio, count, label in ((spreads[0], m, "column"), (spreads[1], n, "row")):
        c.count += 1
        if abs(ratio - 1.0) > 0.5:
            c.fail(args, f"{label} means spread as means of {count} independent draws: their "
                         f"std within 50% of std(W)/√{count}",
                   f"{show(ratio)} × std(W)/√{count}",
                   c.diagnose(args, lambda mistaken: np.shape(mistaken) == W.shape and all(
                       abs(a - b) < 0.25 * max(b, 1.0) for a, b in zip(_mean_spreads(mistaken), spreads))))
    # Of N uniform draws the largest |W_ij| is within a relative 1e-3 of the
    # bound unless (1 − 1e-3)^N ≈ 0 fails, which never happens for N ≥ 10^5.
    c.count += 1
    if top < bound * (1.0 - 1e-3):
        c.fail(args, f"max |W_ij| close to √(6/(m + n)) = {show(bound)} ({size} draws)",
               f"max |W_ij| = {show(top)}", diagnosis())
    # The standard error of a mean of N uniform draws is bound/√(3N).
    mean, limit = float(W.mean()), 6.0 * bound / np.sqrt(3.0 * size)
    c.count += 1
    if abs(mean) > limit:
        c.fail(args, f"a mean of the entries near 0 (|mean| < {show(limit)})", f"mean {show(mean)}",
               diagnosis())
    # Relative standard error of the variance: √(4/5)/√N, below 0.3% here.
    var, target = float(np.mean(W ** 2)), 2.0 / (m + n)
    c.count += 1
    if abs(var / target - 1.0) > 0.03:
        c.fail(args, f"a variance 2/(m + n) = {show(target)} (within 3%)", f"variance {show(var)}",
               diagnosis())
    # The distribution itself: the values against the exact CDF of U(−b, b).
    distance, limit = ks_distance(W, lambda x: np.clip((x + bound) / (2.0 * bound), 0.0, 1.0)), ks_limit(size)
    c.count += 1
    if distance > limit:
        c.fail(args, f"values distributed as U(−b, b), b = {show(bound)}: Kolmogorov–Smirnov "
                     f"distance below {show(limit)} for {size} draws",
               f"distance {show(distance)}", diagnosis())


_ENTRY_DRAWS, _ENTRY_SEED = 2000, 30_000
# Over N independent draws a sample correlation of two independent entries is about
# N(0, 1/N): 6/√N is six standard deviations (P ≈ 2e-9 for one pair).
_CORRELATION_LIMIT = 6.0 / np.sqrt(_ENTRY_DRAWS)


def _draws(c: Checker, make_args, shape: tuple) -> np.ndarray:
    """The student's matrices for seeds _ENTRY_SEED, _ENTRY_SEED + 1, ..., the first checked."""
    _weights(c, make_args(np.random.default_rng(_ENTRY_SEED)), shape)
    return np.array([np.asarray(c.call(make_args(np.random.default_rng(_ENTRY_SEED + seed))), dtype=float)
                     for seed in range(_ENTRY_DRAWS)])


def _worst_correlation(columns: np.ndarray, expected: np.ndarray) -> tuple[float, tuple[int, int]]:
    """The largest |r − expected| over the pairs of columns of ``columns`` (draws × variables)."""
    with np.errstate(all="ignore"):
        r = np.corrcoef(columns, rowvar=False)
    gap = np.abs(np.nan_to_num(r, nan=1.0) - expected)
    np.fill_diagonal(gap, 0.0)
    i, j = np.unravel_index(np.argmax(gap), gap.shape)
    return float(gap[i, j]), (int(i), int(j))


def _glorot_entries(c: Checker) -> None:
    """Each entry, and the entries together, over 2000 draws of a 3 × 5 matrix: every
    W_ij is U(−b, b) (a KS test each), and no two entries are correlated."""
    m, n = 3, 5

    def make_args(rng):
        return rng, m, n

    draws = _draws(c, make_args, (m, n))
    bound, args = _glorot_bound(m, n), make_args(np.random.default_rng(_ENTRY_SEED))
    seeds = f"seeds {_ENTRY_SEED} to {_ENTRY_SEED + _ENTRY_DRAWS - 1}"

    def diagnosis() -> str:
        return c.diagnose(args, lambda mistaken: np.shape(mistaken) == draws[0].shape
                          and bool(np.allclose(np.asarray(mistaken, dtype=float), draws[0])))

    limit = ks_limit(_ENTRY_DRAWS, tests=m * n)
    distances = np.array([[ks_distance(draws[:, i, j], lambda x: np.clip((x + bound) / (2.0 * bound), 0.0, 1.0))
                           for j in range(n)] for i in range(m)])
    i, j = np.unravel_index(np.argmax(distances), distances.shape)
    c.count += 1
    if distances[i, j] > limit:
        c.fail(args, f"each entry W_ij distributed as U(−b, b), b = {show(bound)}, over {_ENTRY_DRAWS} "
                     f"draws ({seeds}): Kolmogorov–Smirnov distance below {show(limit)}",
               f"distance {show(float(distances[i, j]))} for W[{i}, {j}]", diagnosis())
    gap, (a, b) = _worst_correlation(draws.reshape(_ENTRY_DRAWS, m * n), np.eye(m * n))
    c.count += 1
    if gap > _CORRELATION_LIMIT:
        c.fail(args, f"independent entries: over {_ENTRY_DRAWS} draws ({seeds}) every correlation "
                     f"between two entries within {show(_CORRELATION_LIMIT)} of 0",
               f"correlation {show(gap)} between W[{a // n}, {a % n}] and W[{b // n}, {b % n}]",
               diagnosis())


def glorot_uniform(fn) -> None:
    """Check ``fn(rng, fan_in, fan_out)``: W_ij ~ U(−√(6/(m+n)), √(6/(m+n))), eq. 8.23.

    Glorot & Bengio (2010). Checks the shape (fan_in, fan_out) and a float
    dtype, then on large matrices: max |W_ij| at the bound and never above it,
    a mean near 0, the variance 2/(m + n), the spread of the row and column
    means and a KS test of all the values against U(−b, b); that every draw
    comes from ``rng``; then over 2000 draws of a 3 × 5 matrix, a KS test of
    each entry and the correlations between entries.
    """
    c = Checker("glorot_uniform", fn, ("rng", "fan_in", "fan_out"), GLOROT_MISTAKES,
                hint="eq. 8.23: W_ij ~ U(−√(6/(m + n)), √(6/(m + n))), with m = fan_in and "
                     "n = fan_out: rng.uniform(-bound, bound, size=(fan_in, fan_out)).")
    _weights(c, (np.random.default_rng(0), 3, 5), (3, 5))
    _glorot_statistics(c, (np.random.default_rng(1), 400, 600))
    _glorot_statistics(c, (np.random.default_rng(2), 50, 3000))
    args = (np.random.default_rng(3), 1, 1)
    W = _weights(c, args, (1, 1))
    c.count += 1
    if abs(W[0, 0]) > np.sqrt(3.0):
        c.fail(args, "|W_11| ≤ √(6/2) = 1.73205", f"W = {show(W)}")
    _seeding(c, lambda rng: (rng, 20, 30))
    _glorot_entries(c)  # after the seeding, which names a fixed seed or np.random
    c.passed()


# --------------------------------------------------------------------------
# orthogonal: Saxe et al. (2013)
# --------------------------------------------------------------------------

def _qr_draw(sign: str = "R", factor: str = "Q", gain_power: float = 1.0):
    def draw(rng, n, gain):
        a = rng.standard_normal((n, n))
        q, r = np.linalg.qr(a)
        if sign == "R":
            q = q * np.where(np.diag(r) < 0.0, -1.0, 1.0)
        elif sign == "Q diagonal":
            q = q * np.where(np.diag(q) < 0.0, -1.0, 1.0)
        w = {"Q": q, "R": r, "A": a}[factor]
        return w * gain ** gain_power
    return draw


def _symmetric(a):
    return a + a.T


def _sign_corrected_qr(a):
    q, r = np.linalg.qr(a)
    return q * np.where(np.diag(r) < 0.0, -1.0, 1.0)


ORTHOGONAL_MISTAKES = (
    Mistake("the gain forgotten",
            "multiply Q by the gain: W = gain·Q, so that WᵀW = gain²·I.",
            _qr_draw(gain_power=0.0)),
    Mistake("the gain squared",
            "W = gain·Q; it is WᵀW that equals gain²·I.",
            _qr_draw(gain_power=2.0)),
    Mistake("R returned instead of Q",
            "np.linalg.qr(A) returns (Q, R); W is built from Q, the factor with orthonormal "
            "columns (R is upper triangular).",
            _qr_draw(factor="R")),
    Mistake("the Gaussian matrix returned without its QR factorization",
            "factor the Gaussian matrix, q, r = np.linalg.qr(a), and build W from Q.",
            _qr_draw(factor="A")),
    Mistake("no sign correction",
            "np.linalg.qr fixes the signs of R's diagonal by a convention of its own, so Q "
            "is not uniformly distributed: multiply column j of Q by the sign of R_jj, "
            "q * np.sign(np.diag(r)).",
            _qr_draw(sign="none")),
    Mistake("the eigenvectors of a symmetric Gaussian matrix, with LAPACK's signs",
            "np.linalg.eigh fixes the sign of each eigenvector by a rule of its own, so the "
            "matrix is orthogonal but not uniformly distributed: factor A = QR and fix the "
            "signs with q * np.sign(np.diag(r)).",
            lambda rng, n, gain: gain * np.linalg.eigh(_symmetric(rng.standard_normal((n, n))))[1]),
    Mistake("the QR factorization of a uniform, not a Gaussian, matrix",
            "only a Gaussian matrix, whose distribution no rotation changes, gives a uniformly "
            "distributed Q; a matrix of uniform draws favours the directions of the cube's "
            "corners: factor a = rng.standard_normal((n, n)).",
            lambda rng, n, gain: gain * _sign_corrected_qr(rng.uniform(-1.0, 1.0, size=(n, n)))),
    Mistake("signs fixed so that the diagonal of Q is positive",
            "the correction uses the diagonal of R, not of Q: multiply column j of Q by "
            "the sign of R_jj, q * np.sign(np.diag(r)).",
            _qr_draw(sign="Q diagonal")),
)


def _gram_signature(W):
    """(c, triangular): c such that WᵀW = c·I (None if no such c), and whether W is upper triangular."""
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        return None
    gram = W.T @ W
    scale = float(np.mean(np.diag(gram)))
    is_scaled_identity = np.allclose(gram, scale * np.eye(len(W)), rtol=0.0, atol=1e-9 * max(scale, 1.0))
    return (round(scale, 6) if is_scaled_identity else None,
            bool(np.allclose(W, np.triu(W), rtol=0.0, atol=1e-12)))


def _same_gram(student: np.ndarray):
    """A matcher: the mistake's W has the student's WᵀW = c·I or is triangular like it;
    otherwise (a matrix with no such structure) it must be the student's matrix itself."""
    signature = _gram_signature(student)

    def matches(mistaken) -> bool:
        if signature is not None and (signature[0] is not None or signature[1]):
            return _gram_signature(mistaken) == signature
        return np.shape(mistaken) == student.shape and bool(np.allclose(mistaken, student))
    return matches


def _orthogonality(c: Checker, args: tuple) -> None:
    _, n, gain = args
    W = _weights(c, args, (n, n))
    gram = W.T @ W
    c.count += 1
    if not np.allclose(gram, gain ** 2 * np.eye(n), rtol=0.0, atol=1e-9 * max(gain ** 2, 1.0)):
        c.fail(args, f"WᵀW = gain²·I = {show(gain ** 2)}·I", f"WᵀW = {show(gram)}",
               c.diagnose(args, _same_gram(W)))


_SIGN_DRAWS, _SIGN_SIZE, _SIGN_GAIN = 400, 3, 1.5


def _positive_fractions(c: Checker, fn=None) -> np.ndarray:
    """For each entry (i, j): the fraction of the draws in which W_ij > 0."""
    count = np.zeros((_SIGN_SIZE, _SIGN_SIZE))
    for seed in range(_SIGN_DRAWS):
        W = c.call((np.random.default_rng(10_000 + seed), _SIGN_SIZE, _SIGN_GAIN), fn)
        count += np.asarray(W) > 0
    return count / _SIGN_DRAWS


def _sign_symmetry(c: Checker) -> None:
    """Q of a uniformly distributed (Haar) orthogonal matrix has every entry
    symmetric around 0. The QR routine's own sign convention breaks this:
    without the correction W_11 < 0 in every draw."""
    got = _positive_fractions(c)
    c.count += 1
    # Each fraction has standard error 0.5/√400 = 0.025; 0.15 is six of them.
    i, j = np.unravel_index(np.argmax(np.abs(got - 0.5)), got.shape)
    if abs(got[i, j] - 0.5) <= 0.15:
        return
    args = (np.random.default_rng(10_000), _SIGN_SIZE, _SIGN_GAIN)
    hint = c.hint
    for mistake in c.mistakes:
        try:
            W = c.call(args, mistake.fn)
            if not np.allclose(W.T @ W, _SIGN_GAIN ** 2 * np.eye(_SIGN_SIZE)):
                continue  # this mistake fails an earlier check, which the student passed
            if np.max(np.abs(_positive_fractions(c, mistake.fn) - got)) < 0.1:
                hint = _looks_like(mistake)
                break
        except (ValueError, TypeError, AttributeError, np.linalg.LinAlgError):
            continue  # a mistake that cannot run here does not match
    c.fail(args, f"each entry of W positive in about half of {_SIGN_DRAWS} draws "
                 f"(seeds 10000 to {10_000 + _SIGN_DRAWS - 1}), as for a uniformly "
                 "distributed orthogonal matrix",
           f"W[{i}, {j}] > 0 in {round(got[i, j] * _SIGN_DRAWS)} of {_SIGN_DRAWS} draws",
           hint)


_HAAR_DRAWS, _HAAR_SEED = 4000, 20_000


def _haar_entries(c: Checker) -> None:
    """For n = 3 each entry of a uniformly distributed orthogonal matrix is uniform on
    [−1, 1] (the first coordinate of a uniform point on the sphere S², Archimedes'
    hat-box theorem): a KS test of each of the 9 entries of W/gain over 4000 draws.
    The signs alone cannot tell a wrong distribution, e.g. the eigenvectors of a
    symmetric Gaussian matrix, whose signs LAPACK fixes by a rule of its own."""
    draws = np.array([np.asarray(c.call((np.random.default_rng(_HAAR_SEED + seed), _SIGN_SIZE, _SIGN_GAIN)),
                                 dtype=float) for seed in range(_HAAR_DRAWS)]) / _SIGN_GAIN
    limit = ks_limit(_HAAR_DRAWS, tests=_SIGN_SIZE ** 2)
    distances = np.array([[ks_distance(draws[:, i, j], lambda x: np.clip((x + 1.0) / 2.0, 0.0, 1.0))
                           for j in range(_SIGN_SIZE)] for i in range(_SIGN_SIZE)])
    c.count += 1
    i, j = np.unravel_index(np.argmax(distances), distances.shape)
    if distances[i, j] <= limit:
        return
    args = (np.random.default_rng(_HAAR_SEED), _SIGN_SIZE, _SIGN_GAIN)
    c.fail(args, f"each entry of W/gain uniform on [−1, 1] over {_HAAR_DRAWS} draws (seeds {_HAAR_SEED} "
                 f"to {_HAAR_SEED + _HAAR_DRAWS - 1}), as for a uniformly distributed 3 × 3 orthogonal "
                 f"matrix: Kolmogorov–Smirnov distance below {show(limit)}",
           f"distance {show(float(distances[i, j]))} for W[{i}, {j}]",
           c.diagnose(args, lambda mistaken: np.shape(mistaken) == draws[0].shape
                      and bool(np.allclose(np.asarray(mistaken, dtype=float) / _SIGN_GAIN, draws[0]))))


_ANGLE_DRAWS, _ANGLE_SEED, _HARMONICS = 8000, 40_000, 8


def _haar_angles(c: Checker) -> None:
    """For n = 2 the first column of a uniformly distributed orthogonal matrix is
    (cos θ, sin θ) with θ uniform on (−π, π]: a KS test of θ over 8000 draws, and its
    first 8 harmonics, whose means E[cos kθ] and E[sin kθ] are 0. The harmonics see
    what KS spread over the whole circle does not: a preference for some directions
    repeated in every quadrant, as the corners of the cube give to the QR factors of a
    matrix of uniform draws (E[cos 4θ] = −0.14 there)."""
    draws = np.array([np.asarray(c.call((np.random.default_rng(_ANGLE_SEED + seed), 2, _SIGN_GAIN)),
                                 dtype=float) for seed in range(_ANGLE_DRAWS)]) / _SIGN_GAIN
    theta = np.arctan2(draws[:, 1, 0], draws[:, 0, 0])
    args = (np.random.default_rng(_ANGLE_SEED), 2, _SIGN_GAIN)
    seeds = f"seeds {_ANGLE_SEED} to {_ANGLE_SEED + _ANGLE_DRAWS - 1}"

    def diagnosis() -> str:
        return c.diagnose(args, lambda mistaken: np.shape(mistaken) == draws[0].shape
                          and bool(np.allclose(np.asarray(mistaken, dtype=float) / _SIGN_GAIN, draws[0])))

    distance, limit = ks_distance(theta, lambda x: np.clip((x + np.pi) / (2.0 * np.pi), 0.0, 1.0)), \
        ks_limit(_ANGLE_DRAWS)
    c.count += 1
    if distance > limit:
        c.fail(args, f"the angle θ of the first column of W, (cos θ, sin θ)·gain, uniform on (−π, π] "
                     f"over {_ANGLE_DRAWS} draws of 2 × 2 matrices ({seeds}): Kolmogorov–Smirnov "
                     f"distance below {show(limit)}", f"distance {show(distance)}", diagnosis())
    # Each of cos kθ, sin kθ has mean 0 and variance 1/2 and lies in [−1, 1]; by Bernstein's
    # inequality a mean of 8000 of them exceeds 0.06 with probability below 2e-12, so the
    # 16 means pass together except with probability below 1e-10.
    k = np.arange(1, _HARMONICS + 1)[:, None]
    means = np.concatenate([np.cos(k * theta).mean(axis=1), np.sin(k * theta).mean(axis=1)])
    worst = int(np.argmax(np.abs(means)))
    c.count += 1
    if abs(means[worst]) > 0.06:
        kind, order = ("cos", "sin")[worst // _HARMONICS], worst % _HARMONICS + 1
        c.fail(args, f"the angle θ of the first column of W uniform on (−π, π] over {_ANGLE_DRAWS} draws "
                     f"of 2 × 2 matrices ({seeds}): the mean of {kind}({order}θ) within 0.06 of 0",
               f"mean {kind}({order}θ) = {show(float(means[worst]))}", diagnosis())


def orthogonal(fn) -> None:
    """Check ``fn(rng, n, gain)``: a random n × n orthogonal matrix times ``gain``.

    Saxe et al. (2013), book section 8.4: factor a Gaussian matrix A = QR,
    multiply column j of Q by sign(R_jj) so that Q is uniformly (Haar)
    distributed, and return gain·Q; then WᵀW = gain²·I. Checks the shape,
    WᵀW for several n and gains, that every draw comes from ``rng``, and,
    over 400 draws, that every entry is positive about half of the time
    (which the sign correction ensures), over 4000 draws of 3 × 3 matrices,
    that every entry of W/gain is uniform on [−1, 1], and over 8000 draws of
    2 × 2 matrices, that the angle of the first column is uniform on the
    circle, as they are for a uniformly distributed orthogonal matrix.
    """
    c = Checker("orthogonal", fn, ("rng", "n", "gain"), ORTHOGONAL_MISTAKES,
                hint="draw A = rng.standard_normal((n, n)), factor q, r = np.linalg.qr(A), "
                     "fix the signs with q * np.sign(np.diag(r)) and return gain * q.")
    for args in [(np.random.default_rng(0), 3, 2.0), (np.random.default_rng(1), 1, 1.0),
                 (np.random.default_rng(2), 6, 0.5), (np.random.default_rng(3), 40, 1.3)]:
        _orthogonality(c, args)
    _seeding(c, lambda rng: (rng, 4, 1.0))
    _sign_symmetry(c)
    _haar_entries(c)
    _haar_angles(c)
    c.passed()


# --------------------------------------------------------------------------
# sparse: Martens (2010)
# --------------------------------------------------------------------------

def _masked(mask_fn, values="normal"):
    def draw(rng, m, n, k):
        mask = mask_fn(rng, m, n, k)
        if values == "ones":
            return mask.astype(float)
        if values == "signs":
            return np.where(mask, rng.choice([-1.0, 1.0], size=(m, n)), 0.0)
        if values == "uniform":
            return np.where(mask, rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=(m, n)), 0.0)
        return np.where(mask, rng.standard_normal((m, n)), 0.0)
    return draw


def _per_column(rng, m, n, k, replace=False):
    mask = np.zeros((m, n), dtype=bool)
    if replace:
        rows = rng.integers(0, m, size=(k, n))
    else:  # the k smallest of m random keys per column: a uniform k-subset
        rows = np.argsort(rng.random((m, n)), axis=0)[:k]
    np.put_along_axis(mask, rows, True, axis=0)
    return mask


def _per_row(rng, m, n, k):
    mask = np.zeros((m, n), dtype=bool)
    for i in range(m):
        mask[i, rng.choice(n, size=k, replace=False)] = True
    return mask


def _same_rows(rng, m, n, k):
    mask = np.zeros((m, n), dtype=bool)
    mask[rng.choice(m, size=k, replace=False), :] = True
    return mask


def _first_rows(rng, m, n, k):
    mask = np.zeros((m, n), dtype=bool)
    mask[:k, :] = True
    return mask


SPARSE_MISTAKES = (
    Mistake("k non-zero weights per row (per input) instead of per column (per unit)",
            "in the course's layout (fan_in, fan_out) the incoming weights of unit j are "
            "column j: choose k of the m rows in every column. (torch.nn.init.sparse_ counts "
            "along the other axis of its [out, in] weight.)",
            _masked(_per_row)),
    Mistake("a random mask with probability k/m: k non-zeros on average, not exactly",
            "every unit needs exactly k non-zero incoming weights: choose k positions per "
            "column, e.g. rng.choice(fan_in, size=nonzero, replace=False).",
            _masked(lambda rng, m, n, k: rng.random((m, n)) < k / m)),
    Mistake("positions drawn with replacement (the default of rng.choice)",
            "rng.choice(m, size=k) can draw the same position twice, which leaves fewer than k "
            "non-zeros: pass replace=False.",
            _masked(lambda rng, m, n, k: _per_column(rng, m, n, k, replace=True))),
    Mistake("k zero weights per unit instead of k non-zero ones",
            "`nonzero` counts the weights that are kept: k non-zeros and m − k zeros per column.",
            _masked(lambda rng, m, n, k: ~_per_column(rng, m, n, k))),
    Mistake("the first k inputs for every unit",
            "choose the k inputs of each unit at random, e.g. rng.choice(fan_in, size=nonzero, "
            "replace=False).",
            _masked(_first_rows)),
    Mistake("the same k inputs for every unit",
            "draw a new set of k positions for each column (each unit), not one set for the "
            "whole layer.",
            _masked(_same_rows)),
    Mistake("non-zero weights of random sign and size 1 (±1)",
            "±1 has mean 0 and variance 1, but the non-zero weights are N(0, 1) draws: "
            "rng.standard_normal(nonzero).",
            _masked(_per_column, values="signs")),
    Mistake("non-zero weights uniform on [−√3, √3] (mean 0, variance 1, but not normal)",
            "the non-zero weights are N(0, 1) draws: rng.standard_normal(nonzero), not "
            "rng.uniform.",
            _masked(_per_column, values="uniform")),
    Mistake("non-zero weights all equal to 1",
            "the non-zero weights are random, N(0, 1): take them from rng.standard_normal.",
            _masked(_per_column, values="ones")),
)


def _count_kind(W, k) -> str | None:
    """What the non-zero pattern of W looks like, to compare a mistake with the student's answer."""
    W = np.asarray(W, dtype=float)
    if W.ndim != 2:
        return None
    nonzero = W != 0
    cols, rows = nonzero.sum(axis=0), nonzero.sum(axis=1)
    if np.all(cols == k):
        return "exact"
    if np.all(cols == W.shape[0] - k):
        return "complement"
    if np.all(rows == k):
        return "rows"
    if np.all(cols == cols[0]):
        return None  # the same wrong count everywhere: no known mistake does that
    if np.all(cols <= k):
        return "at most k"
    if abs(cols.mean() - k) <= 0.25 * k:
        return "k on average"
    return None


def _counts(c: Checker, args: tuple) -> np.ndarray:
    _, m, n, k = args
    W = _weights(c, args, (m, n))
    cols = (W != 0).sum(axis=0)
    c.count += 1
    if not np.all(cols == k):
        kind = _count_kind(W, k)
        c.fail(args, f"{k} non-zero weights in every column (unit)",
               f"non-zero weights per column: {show(cols)}",
               c.diagnose(args, lambda mistaken: kind is not None and _count_kind(mistaken, k) == kind))
    return W


def _support_kind(W, k) -> str | None:
    W = np.asarray(W)
    support = {tuple(np.flatnonzero(column)) for column in (W != 0).T}
    if support == {tuple(range(k))}:
        return "first"
    return "same" if len(support) == 1 else None


def _randomness(c: Checker, args: tuple) -> None:
    """Positions: a uniform k-subset per column. Values: N(0, 1)."""
    _, m, n, k = args
    W = _counts(c, args)
    nonzero = W != 0
    supports = {tuple(np.flatnonzero(column)) for column in nonzero.T}
    c.count += 1
    # 3000 columns drawn from the C(10, 3) = 120 subsets cover nearly all of them.
    if len(supports) < 60:
        kind = _support_kind(W, k)
        c.fail(args, "different random positions in different columns",
               f"the same positions in all {n} columns" if len(supports) == 1
               else f"only {len(supports)} different sets of positions in {n} columns",
               c.diagnose(args, lambda mistaken: kind is not None and _support_kind(mistaken, k) == kind))
    # Each row is chosen in a column with probability k/m: a binomial count
    # of mean n·k/m and standard deviation 25 here; 150 is six of them.
    rows, mean = nonzero.sum(axis=1), n * k / m
    c.count += 1
    if np.max(np.abs(rows - mean)) > 150:
        c.fail(args, f"every row (input) non-zero in about n·k/m = {mean:g} columns (± 150)",
               f"non-zero weights per row: {show(rows)}",
               "choose the k positions uniformly among the m rows of each column, e.g. "
               "rng.choice(fan_in, size=nonzero, replace=False).")
    values = W[nonzero]
    mu, sd = float(values.mean()), float(values.std())
    limit = 6.0 / np.sqrt(values.size)
    c.count += 1
    if abs(mu) > limit or abs(sd - 1.0) > 0.05:
        c.fail(args, f"non-zero weights from N(0, 1): mean within {show(limit)} of 0, "
                     "std within 5% of 1",
               f"mean {show(mu)}, std {show(sd)}",
               c.diagnose(args, lambda mistaken: _all_equal(W) and _all_equal(mistaken)))
    # Mean 0 and standard deviation 1 do not make a normal distribution: the values
    # against the exact N(0, 1) CDF.
    distance, limit = ks_distance(values, _normal_cdf), ks_limit(values.size)
    c.count += 1
    if distance > limit:
        def same_values(mistaken) -> bool:
            # The mistake's non-zero values look like the student's: two-sample KS distance
            # below 0.03 (3.3 standard deviations of it for two samples of 9000 draws).
            other = np.asarray(mistaken, dtype=float)
            other = other[other != 0]
            return other.size > 0 and _two_sample_distance(values, other) < 0.03
        c.fail(args, f"non-zero weights from N(0, 1): Kolmogorov–Smirnov distance below "
                     f"{show(limit)} for {values.size} values",
               f"distance {show(distance)}", c.diagnose(args, same_values))


def _two_sample_distance(a, b) -> float:
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, grid, side="right") / a.size
                               - np.searchsorted(b, grid, side="right") / b.size)))


def _all_equal(W) -> bool:
    """Whether all the non-zero entries of W are one value."""
    values = np.asarray(W, dtype=float)
    values = values[values != 0]
    return values.size > 0 and bool(np.all(values == values[0]))


def _sparse_entries(c: Checker) -> None:
    """Each entry over 2000 draws of a 4 × 3 matrix with k = 2: non-zero with probability
    k/m = 1/2, its non-zero values N(0, 1) (a KS test each), and the pattern's correlations
    exact: −1/(m − 1) between two entries of a column (exactly k of m are chosen), 0
    between entries of different columns (each unit chooses on its own)."""
    m, n, k = 4, 3, 2

    def make_args(rng):
        return rng, m, n, k

    draws = _draws(c, make_args, (m, n))
    args, seeds = make_args(np.random.default_rng(_ENTRY_SEED)), \
        f"seeds {_ENTRY_SEED} to {_ENTRY_SEED + _ENTRY_DRAWS - 1}"
    nonzero = draws != 0

    def diagnosis() -> str:
        return c.diagnose(args, lambda mistaken: np.shape(mistaken) == draws[0].shape
                          and bool(np.allclose(np.asarray(mistaken, dtype=float), draws[0])))

    # A binomial count (mean 1000 and standard deviation 22.4 for 2000 draws, k/m = 1/2): 134 is six of them.
    counts = nonzero.sum(axis=0)
    i, j = np.unravel_index(np.argmax(np.abs(counts - _ENTRY_DRAWS * k / m)), counts.shape)
    c.count += 1
    if abs(counts[i, j] - _ENTRY_DRAWS * k / m) > 134:
        c.fail(args, f"each entry non-zero with probability k/m = {k}/{m}: in {_ENTRY_DRAWS * k // m} ± 134 "
                     f"of {_ENTRY_DRAWS} draws ({seeds})",
               f"W[{i}, {j}] non-zero in {int(counts[i, j])}", diagnosis())
    limit = ks_limit(_ENTRY_DRAWS * k // m - 134, tests=m * n)
    distances = np.array([[ks_distance(draws[nonzero[:, i, j], i, j], _normal_cdf) for j in range(n)]
                          for i in range(m)])
    i, j = np.unravel_index(np.argmax(distances), distances.shape)
    c.count += 1
    if distances[i, j] > limit:
        c.fail(args, f"the non-zero values of each entry from N(0, 1) over {_ENTRY_DRAWS} draws ({seeds}): "
                     f"Kolmogorov–Smirnov distance below {show(limit)}",
               f"distance {show(float(distances[i, j]))} for W[{i}, {j}]", diagnosis())
    column = np.repeat(np.arange(n)[None, :], m, axis=0).ravel()  # the column of each flattened entry
    expected = np.where(column[:, None] == column[None, :], -1.0 / (m - 1), 0.0)
    gap, (a, b) = _worst_correlation(nonzero.reshape(_ENTRY_DRAWS, m * n).astype(float), expected)
    c.count += 1
    if gap > _CORRELATION_LIMIT:
        c.fail(args, f"which entries are non-zero: over {_ENTRY_DRAWS} draws ({seeds}) a correlation of "
                     f"−1/(m − 1) = {show(-1.0 / (m - 1))} between two entries of a column and 0 between "
                     f"columns, each within {show(_CORRELATION_LIMIT)}",
               f"off by {show(gap)} for W[{a // n}, {a % n}] and W[{b // n}, {b % n}]", diagnosis())


def sparse(fn) -> None:
    """Check ``fn(rng, fan_in, fan_out, nonzero)``: sparse initialization, Martens (2010).

    Book section 8.4: each unit (column of W, shape (fan_in, fan_out)) gets
    exactly ``nonzero`` = k non-zero incoming weights, at k positions chosen
    uniformly without replacement and independently per unit, with N(0, 1)
    values; the other m − k weights are 0. Checks the exact counts, that
    the positions are random and differ between units, the distribution of
    the non-zero values (mean, standard deviation and a Kolmogorov–Smirnov test
    against N(0, 1)), edge cases (k = 1, k = m), that every draw comes from
    ``rng``, and over 2000 draws of a small matrix each entry's probability of
    being non-zero, its values and the correlations of the pattern.
    """
    c = Checker("sparse", fn, ("rng", "fan_in", "fan_out", "nonzero"), SPARSE_MISTAKES,
                hint="for each column j choose k = nonzero rows with rng.choice(fan_in, "
                     "size=nonzero, replace=False) and put N(0, 1) draws there; "
                     "every other weight is 0.")
    _counts(c, (np.random.default_rng(0), 20, 30, 5))
    _randomness(c, (np.random.default_rng(1), 10, 3000, 3))
    for args in [(np.random.default_rng(2), 7, 3, 1), (np.random.default_rng(3), 5, 6, 5),
                 (np.random.default_rng(4), 1, 4, 1)]:
        _counts(c, args)
    _seeding(c, lambda rng: (rng, 10, 20, 3))
    _sparse_entries(c)  # after the seeding, which names a fixed seed or np.random
    c.passed()
