"""The checks of exercises 07 accept the solutions (and other correct ways of
drawing the same distributions) and name each mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursekit import checks, initializers
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "07_parameter_initialization"
EXERCISES = ["glorot_uniform", "orthogonal", "sparse"]


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


def test_the_checks_leave_numpy_global_generator_alone(solution):
    before = np.random.get_state()
    for exercise in EXERCISES:
        getattr(checks, exercise)(solution[exercise])
    after = np.random.get_state()
    assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]


# -- other correct implementations pass: the checks test the distribution, not the draws --

def _glorot_by_hand(rng, fan_in, fan_out):
    bound = np.sqrt(6 / (fan_in + fan_out))
    return (2 * rng.random((fan_out, fan_in)).T - 1) * bound


def _orthogonal_by_svd(rng, n, gain):
    # The orthogonal factor U Vᵀ of a Gaussian matrix is uniformly distributed too.
    u, _, vt = np.linalg.svd(rng.normal(size=(n, n)))
    return gain * (u @ vt)


def _sparse_by_permutation(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.permutation(fan_in)[:nonzero], j] = rng.normal(size=nonzero)
    return W


def _sparse_vectorized(rng, fan_in, fan_out, nonzero):
    rows = np.argsort(rng.random((fan_in, fan_out)), axis=0)[:nonzero]
    W = np.zeros((fan_in, fan_out))
    np.put_along_axis(W, rows, rng.standard_normal((nonzero, fan_out)), axis=0)
    return W


@pytest.mark.parametrize("exercise, fn", [
    ("glorot_uniform", _glorot_by_hand),
    ("glorot_uniform", lambda rng, m, n: initializers.glorot_uniform(rng, m, n)),
    ("orthogonal", _orthogonal_by_svd),
    ("orthogonal", lambda rng, n, gain: initializers.orthogonal(rng, n, n, gain=gain)),
    ("sparse", _sparse_by_permutation),
    ("sparse", _sparse_vectorized),
    ("sparse", lambda rng, m, n, k: initializers.sparse(rng, m, n, nonzero=k)),
], ids=["glorot-by-hand", "glorot-coursekit", "orthogonal-svd", "orthogonal-coursekit",
        "sparse-permutation", "sparse-vectorized", "sparse-coursekit"])
def test_other_correct_implementations_pass(exercise, fn, capsys):
    getattr(checks, exercise)(fn)
    assert capsys.readouterr().out.strip().endswith("checks passed.")


@pytest.mark.parametrize("offset", [1, 2, 3, 7, 50])
def test_the_statistical_checks_do_not_depend_on_the_exact_draws(solution, offset):
    """A correct implementation that consumes the generator differently still passes."""
    for exercise in EXERCISES:
        def shifted(rng, *args, _fn=solution[exercise]):
            rng.random(offset)
            return _fn(rng, *args)
        getattr(checks, exercise)(shifted)


# -- glorot_uniform ---------------------------------------------------------------

def _bound(fan_in, fan_out):
    return np.sqrt(6 / (fan_in + fan_out))


GLOROT_MUTANTS = {
    "a transposed shape (fan_out, fan_in)":
        lambda rng, m, n: rng.uniform(-_bound(m, n), _bound(m, n), size=(n, m)),
    "Glorot with only the fan-in":
        lambda rng, m, n: rng.uniform(-np.sqrt(6 / m), np.sqrt(6 / m), size=(m, n)),
    "a bound √(3/m), which uses only the fan-in":
        lambda rng, m, n: rng.uniform(-np.sqrt(3 / m), np.sqrt(3 / m), size=(m, n)),
    "without the 6":
        lambda rng, m, n: rng.uniform(-np.sqrt(1 / (m + n)), np.sqrt(1 / (m + n)), size=(m, n)),
    "the square root of 6 only":
        lambda rng, m, n: rng.uniform(-np.sqrt(6) / (m + n), np.sqrt(6) / (m + n), size=(m, n)),
    "a normal distribution instead of a uniform one":
        lambda rng, m, n: rng.normal(0.0, np.sqrt(2 / (m + n)), size=(m, n)),
    "eq. 8.23 is a uniform distribution":
        lambda rng, m, n: _bound(m, n) * rng.standard_normal((m, n)),
    "symmetric around 0": lambda rng, m, n: _bound(m, n) * rng.random((m, n)),
    "This looks like draws from np.random":
        lambda rng, m, n: np.random.uniform(-_bound(m, n), _bound(m, n), size=(m, n)),
    "draws that do not come from the generator `rng`":
        lambda rng, m, n: np.random.default_rng().uniform(-_bound(m, n), _bound(m, n), size=(m, n)),
    "a fixed seed inside the function":
        lambda rng, m, n: np.random.default_rng(0).uniform(-_bound(m, n), _bound(m, n), size=(m, n)),
    "returned: None": lambda rng, m, n: None,
    "not finite": lambda rng, m, n: rng.uniform(-1, 1, size=(m, n)) * np.sqrt(np.float64(6) / (m + n - 8)),
    "shape (3, 5) = (fan_in, fan_out)": lambda rng, m, n: rng.uniform(-_bound(m, n), _bound(m, n), size=m * n),
    "a list, not a numpy array": lambda rng, m, n: rng.uniform(-_bound(m, n), _bound(m, n), size=(m, n)).tolist(),
    "an array of dtype int64": lambda rng, m, n: rng.integers(-1, 2, size=(m, n)),
}


@pytest.mark.parametrize("hint", list(GLOROT_MUTANTS))
def test_glorot_uniform_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.glorot_uniform(GLOROT_MUTANTS[hint])


def test_glorot_uniform_reports_an_exception_with_the_call():
    def positional_size(rng, fan_in, fan_out):
        return rng.uniform(-1, 1, fan_in, fan_out)

    with pytest.raises(checks.CheckFailed, match=r"glorot_uniform\(rng=.*fan_in=3, fan_out=5\) raised"):
        checks.glorot_uniform(positional_size)


# -- orthogonal -------------------------------------------------------------------

def _qr(rng, n):
    return np.linalg.qr(rng.standard_normal((n, n)))


def _no_gain(rng, n, gain):
    q, r = _qr(rng, n)
    return q * np.sign(np.diag(r))


def _gain_squared(rng, n, gain):
    q, r = _qr(rng, n)
    return gain ** 2 * q * np.sign(np.diag(r))


def _returns_r(rng, n, gain):
    _, r = _qr(rng, n)
    return gain * r


def _returns_gaussian(rng, n, gain):
    a = rng.standard_normal((n, n))
    np.linalg.qr(a)
    return gain * a


def _no_sign_correction(rng, n, gain):
    q, _ = _qr(rng, n)
    return gain * q


def _q_diagonal_positive(rng, n, gain):
    q, _ = _qr(rng, n)
    return gain * q * np.sign(np.diag(q))


def _global_generator(rng, n, gain):
    q, r = np.linalg.qr(np.random.randn(n, n))
    return gain * q * np.sign(np.diag(r))


def _fixed_seed(rng, n, gain):
    q, r = np.linalg.qr(np.random.default_rng(42).standard_normal((n, n)))
    return gain * q * np.sign(np.diag(r))


ORTHOGONAL_MUTANTS = {
    "the gain forgotten": _no_gain,
    "the gain squared": _gain_squared,
    "R returned instead of Q": _returns_r,
    "the Gaussian matrix returned": _returns_gaussian,
    "no sign correction": _no_sign_correction,
    "signs fixed so that the diagonal of Q is positive": _q_diagonal_positive,
    "This looks like draws from np.random": _global_generator,
    "a fixed seed inside the function": _fixed_seed,
    "returned: None": lambda rng, n, gain: None,
    "not finite": lambda rng, n, gain: _no_gain(rng, n, gain) * np.nan,
    "shape (3, 3)": lambda rng, n, gain: gain * _no_gain(rng, n, gain)[None],
}


@pytest.mark.parametrize("hint", list(ORTHOGONAL_MUTANTS))
def test_orthogonal_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.orthogonal(ORTHOGONAL_MUTANTS[hint])


def test_orthogonal_shows_the_failing_entry():
    with pytest.raises(checks.CheckFailed, match=r"W\[0, 0\] > 0 in 0 of 400 draws"):
        checks.orthogonal(_no_sign_correction)


# -- sparse -----------------------------------------------------------------------

def _per_row(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for i in range(fan_in):
        W[i, rng.choice(fan_out, size=nonzero, replace=False)] = rng.standard_normal(nonzero)
    return W


def _bernoulli(rng, fan_in, fan_out, nonzero):
    keep = rng.random((fan_in, fan_out)) < nonzero / fan_in
    return np.where(keep, rng.standard_normal((fan_in, fan_out)), 0.0)


def _with_replacement(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero), j] = rng.standard_normal(nonzero)
    return W


def _k_zeros(rng, fan_in, fan_out, nonzero):
    W = rng.standard_normal((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero, replace=False), j] = 0.0
    return W


def _first_rows(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    W[:nonzero] = rng.standard_normal((nonzero, fan_out))
    return W


def _same_rows(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    W[rng.choice(fan_in, size=nonzero, replace=False)] = rng.standard_normal((nonzero, fan_out))
    return W


def _ones(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero, replace=False), j] = 1.0
    return W


def _never_last_row(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(max(fan_in - 1, nonzero), size=nonzero, replace=False), j] = rng.standard_normal(nonzero)
    return W


def _scaled_values(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero, replace=False), j] = rng.standard_normal(nonzero) / np.sqrt(nonzero)
    return W


def _global_choice(rng, fan_in, fan_out, nonzero):
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[np.random.choice(fan_in, size=nonzero, replace=False), j] = rng.standard_normal(nonzero)
    return W


def _fixed_seed_sparse(rng, fan_in, fan_out, nonzero):
    return _sparse_by_permutation(np.random.default_rng(1), fan_in, fan_out, nonzero)


SPARSE_MUTANTS = {
    "k non-zero weights per row (per input) instead of per column (per unit)": _per_row,
    "a random mask with probability k/m": _bernoulli,
    "positions drawn with replacement": _with_replacement,
    "k zero weights per unit instead of k non-zero ones": _k_zeros,
    "the first k inputs for every unit": _first_rows,
    "the same k inputs for every unit": _same_rows,
    "non-zero weights all equal to 1": _ones,
    "every row (input) non-zero in about n·k/m = 900": _never_last_row,
    "std within 5% of 1": _scaled_values,
    "This looks like draws from np.random": _global_choice,
    "a fixed seed inside the function": _fixed_seed_sparse,
    "returned: None": lambda rng, fan_in, fan_out, nonzero: None,
    "not finite": lambda rng, fan_in, fan_out, nonzero: _first_rows(rng, fan_in, fan_out, nonzero) / 0.0,
    "shape (20, 30) = (fan_in, fan_out)":
        lambda rng, fan_in, fan_out, nonzero: _sparse_by_permutation(rng, fan_in, fan_out, nonzero).T,
}


@pytest.mark.parametrize("hint", list(SPARSE_MUTANTS))
def test_sparse_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.sparse(SPARSE_MUTANTS[hint])


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _orthogonal_qr_of_uniform(rng, n, gain):
    q, r = np.linalg.qr(rng.uniform(-1.0, 1.0, size=(n, n)))
    return gain * q * np.sign(np.diag(r))


def _orthogonal_eigenvectors(rng, n, gain):
    a = rng.standard_normal((n, n))
    return gain * np.linalg.eigh(a + a.T)[1]


def _orthogonal_signed_permutation(rng, n, gain):
    return gain * np.eye(n)[rng.permutation(n)] * rng.choice([-1.0, 1.0], size=n)


def _orthogonal_cayley(rng, n, gain):
    a = rng.standard_normal((n, n))
    skew = a - a.T
    return gain * np.linalg.solve(np.eye(n) + skew, np.eye(n) - skew)


def _orthogonal_gram_schmidt(rng, n, gain):
    a = rng.standard_normal((n, n))
    q = np.zeros((n, n))
    for j in range(n):
        u = a[:, j] - q[:, :j] @ (q[:, :j].T @ a[:, j])
        q[:, j] = u / np.linalg.norm(u)
    return gain * q


def _orthogonal_random_signs(rng, n, gain):
    # Any column signs independent of Q give the uniform distribution too.
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return gain * q * rng.choice([-1.0, 1.0], size=n)


def _sparse_with(values):
    def draw(rng, fan_in, fan_out, nonzero):
        W = np.zeros((fan_in, fan_out))
        for j in range(fan_out):
            W[rng.choice(fan_in, size=nonzero, replace=False), j] = values(rng, nonzero)
        return W
    return draw


def _sparse_shared_values(rng, fan_in, fan_out, nonzero):
    values = rng.standard_normal(nonzero)  # one set of k values, reused by every unit
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero, replace=False), j] = values
    return W


def _sparse_by_argpartition(rng, fan_in, fan_out, nonzero):
    if nonzero == fan_in:
        rows = np.tile(np.arange(fan_in)[:, None], (1, fan_out))
    else:
        rows = np.argpartition(rng.random((fan_in, fan_out)), nonzero - 1, axis=0)[:nonzero]
    W = np.zeros((fan_in, fan_out))
    np.put_along_axis(W, rows, rng.normal(0.0, 1.0, size=(nonzero, fan_out)), axis=0)
    return W


def _sparse_values_first(rng, fan_in, fan_out, nonzero):
    values = rng.standard_normal((nonzero, fan_out))
    W = np.zeros((fan_in, fan_out))
    for j in range(fan_out):
        W[rng.choice(fan_in, size=nonzero, replace=False), j] = values[:, j]
    return W


FURTHER_MISTAKES = [
    ("glorot_uniform", "This looks like a normal distribution clipped to the bound",
     lambda rng, m, n: np.clip(rng.normal(0.0, np.sqrt(2 / (m + n)), size=(m, n)), -_bound(m, n), _bound(m, n))),
    ("glorot_uniform", "This looks like one draw per row repeated in every column",
     lambda rng, m, n: rng.uniform(-_bound(m, n), _bound(m, n), size=(m, 1)) * np.ones((1, n))),
    ("glorot_uniform", "This looks like one draw per column repeated in every row",
     lambda rng, m, n: np.tile(rng.uniform(-_bound(m, n), _bound(m, n), size=n), (m, 1))),
    ("glorot_uniform", "expected:",  # "random minus random": a triangular distribution
     lambda rng, m, n: _bound(m, n) * (rng.random((m, n)) - rng.random((m, n)))),
    ("glorot_uniform", "expected:",
     lambda rng, m, n: rng.uniform(-np.sqrt(6 / (m * n)), np.sqrt(6 / (m * n)), size=(m, n))),
    ("orthogonal", "This looks like the eigenvectors of a symmetric Gaussian matrix", _orthogonal_eigenvectors),
    ("orthogonal", "This looks like the QR factorization of a uniform, not a Gaussian, matrix",
     _orthogonal_qr_of_uniform),
    ("orthogonal", "expected:", _orthogonal_signed_permutation),
    ("orthogonal", "expected:", _orthogonal_cayley),
    ("sparse", "This looks like non-zero weights of random sign and size 1",
     _sparse_with(lambda rng, k: rng.choice([-1.0, 1.0], size=k))),
    ("sparse", "This looks like non-zero weights uniform on [−√3, √3]",
     _sparse_with(lambda rng, k: rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=k))),
    ("sparse", "expected:", _sparse_with(lambda rng, k: rng.laplace(0.0, np.sqrt(0.5), size=k))),
    ("sparse", "expected:", _sparse_with(lambda rng, k: np.abs(rng.standard_normal(k)))),
    ("sparse", "expected:", _sparse_shared_values),
]

FURTHER_CORRECT = [
    ("glorot_uniform", lambda rng, m, n: rng.uniform(0.0, 2 * _bound(m, n), size=(m, n)) - _bound(m, n)),
    ("glorot_uniform", lambda rng, m, n: _bound(m, n) * rng.uniform(-1.0, 1.0, size=(n, m)).T.copy()),
    ("orthogonal", _orthogonal_gram_schmidt),
    ("orthogonal", _orthogonal_random_signs),
    ("orthogonal", lambda rng, n, gain: _no_gain(rng, n, gain).T * gain),  # Qᵀ is uniform too
    ("sparse", _sparse_by_argpartition),
    ("sparse", _sparse_values_first),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)


# -- the per-entry tests over many draws of a small matrix can fail on their own ---------

def _glorot_normal_when_small(rng, fan_in, fan_out):
    if fan_in * fan_out > 100:
        return rng.uniform(-_bound(fan_in, fan_out), _bound(fan_in, fan_out), size=(fan_in, fan_out))
    return np.clip(rng.normal(0.0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out)),
                   -_bound(fan_in, fan_out), _bound(fan_in, fan_out))


def _glorot_correlated_when_small(rng, fan_in, fan_out):
    W = rng.uniform(-_bound(fan_in, fan_out), _bound(fan_in, fan_out), size=(fan_in, fan_out))
    if 1 < fan_in * fan_out <= 100:
        W.flat[1] = W.flat[0]  # two entries of the small matrix always equal
    return W


def _sparse_correlated_when_small(rng, fan_in, fan_out, nonzero):
    W = _sparse_by_permutation(rng, fan_in, fan_out, nonzero)
    if fan_in * fan_out <= 12 and nonzero < fan_in:
        W[:, 1] = 0.0
        W[W[:, 0] != 0, 1] = rng.standard_normal(nonzero)  # unit 1 copies unit 0's inputs
    return W


@pytest.mark.parametrize("exercise, fn, match", [
    ("glorot_uniform", _glorot_normal_when_small, "each entry W_ij distributed as U(−b, b)"),
    ("glorot_uniform", _glorot_correlated_when_small, "independent entries"),
    ("sparse", _sparse_correlated_when_small, "which entries are non-zero"),
], ids=["glorot-entry-distribution", "glorot-entry-correlation", "sparse-pattern-correlation"])
def test_the_per_entry_tests_fail_on_their_own(exercise, fn, match):
    with pytest.raises(checks.CheckFailed, match=re.escape(match)):
        getattr(checks, exercise)(fn)
