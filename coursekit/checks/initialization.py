"""Checks for the exercises of lecture 07: parameter initialization.

An initializer returns random numbers, so most of its checks are
statistical: properties of large matrices (a bound, a variance, exact
counts) and of many draws (how often an entry is positive). Each tolerance
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

import numpy as np

from ._core import Checker, Mistake, show

__all__ = ["glorot_uniform", "orthogonal", "sparse"]


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


def glorot_uniform(fn) -> None:
    """Check ``fn(rng, fan_in, fan_out)``: W_ij ~ U(−√(6/(m+n)), √(6/(m+n))), eq. 8.23.

    Glorot & Bengio (2010). Checks the shape (fan_in, fan_out) and a float
    dtype, then on large matrices: max |W_ij| at the bound and never above it,
    a mean near 0 and the variance 2/(m + n); then that every draw comes
    from ``rng``.
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


def orthogonal(fn) -> None:
    """Check ``fn(rng, n, gain)``: a random n × n orthogonal matrix times ``gain``.

    Saxe et al. (2013), book section 8.4: factor a Gaussian matrix A = QR,
    multiply column j of Q by sign(R_jj) so that Q is uniformly (Haar)
    distributed, and return gain·Q; then WᵀW = gain²·I. Checks the shape,
    WᵀW for several n and gains, that every draw comes from ``rng``, and,
    over 400 draws, that every entry is positive about half of the time
    (which the sign correction ensures).
    """
    c = Checker("orthogonal", fn, ("rng", "n", "gain"), ORTHOGONAL_MISTAKES,
                hint="draw A = rng.standard_normal((n, n)), factor q, r = np.linalg.qr(A), "
                     "fix the signs with q * np.sign(np.diag(r)) and return gain * q.")
    for args in [(np.random.default_rng(0), 3, 2.0), (np.random.default_rng(1), 1, 1.0),
                 (np.random.default_rng(2), 6, 0.5), (np.random.default_rng(3), 40, 1.3)]:
        _orthogonality(c, args)
    _seeding(c, lambda rng: (rng, 4, 1.0))
    _sign_symmetry(c)
    c.passed()


# --------------------------------------------------------------------------
# sparse: Martens (2010)
# --------------------------------------------------------------------------

def _masked(mask_fn, values="normal"):
    def draw(rng, m, n, k):
        mask = mask_fn(rng, m, n, k)
        if values == "ones":
            return mask.astype(float)
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


def _all_equal(W) -> bool:
    """Whether all the non-zero entries of W are one value."""
    values = np.asarray(W, dtype=float)
    values = values[values != 0]
    return values.size > 0 and bool(np.all(values == values[0]))


def sparse(fn) -> None:
    """Check ``fn(rng, fan_in, fan_out, nonzero)``: sparse initialization, Martens (2010).

    Book section 8.4: each unit (column of W, shape (fan_in, fan_out)) gets
    exactly ``nonzero`` = k non-zero incoming weights, at k positions chosen
    uniformly without replacement and independently per unit, with N(0, 1)
    values; the other m − k weights are 0. Checks the exact counts, that
    the positions are random and differ between units, the distribution of
    the non-zero values, edge cases (k = 1, k = m) and that every draw comes
    from ``rng``.
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
    c.passed()
