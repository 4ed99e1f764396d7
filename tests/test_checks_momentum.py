"""The checks of exercises 04 accept the solutions and name each mistake."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from coursekit import checks
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "04_momentum"


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


# --------------------------------------------------------------------------
# Exercise 1: momentum_step
# --------------------------------------------------------------------------


def _mutating_step(theta, velocity, grad, lr, momentum):
    velocity *= momentum
    velocity -= lr * grad
    return theta + velocity, velocity


STEP_MUTANTS = {
    "a sign error in the velocity": lambda t, v, g, lr, a: (t + a * v + lr * g, a * v + lr * g),
    "θ moved with the old velocity": lambda t, v, g, lr, a: (t + v, a * v - lr * g),
    "the damped form": lambda t, v, g, lr, a: (t + a * v - (1 - a) * lr * g, a * v - (1 - a) * lr * g),
    "never damped": lambda t, v, g, lr, a: (t + v - lr * g, v - lr * g),
    "forgets the past": lambda t, v, g, lr, a: (t - lr * g, -lr * g),
    "the library form": lambda t, v, g, lr, a: (t - lr * (a * v + g), a * v + g),
    "changed its input `velocity` in place": _mutating_step,
    "returned: None": lambda t, v, g, lr, a: None,
    "not finite": lambda t, v, g, lr, a: (t + a * v - lr * g, (a * v - lr * g) / 0.0),
    "shape": lambda t, v, g, lr, a: (np.ravel(t + a * v - lr * g), np.ravel(a * v - lr * g)),
    "a tuple of 2 values": lambda t, v, g, lr, a: t + a * v - lr * g,
    # float() of a (K, 1) array: a scalar-only solution fails on the per-row case.
    "raised TypeError": lambda t, v, g, lr, a: (t + float(a) * v - float(lr) * g, float(a) * v - float(lr) * g),
}


@pytest.mark.parametrize("hint", list(STEP_MUTANTS))
def test_momentum_step_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.momentum_step(STEP_MUTANTS[hint])


def test_momentum_step_failure_shows_the_call_and_both_values():
    with pytest.raises(checks.CheckFailed) as info:
        checks.momentum_step(STEP_MUTANTS["θ moved with the old velocity"])
    text = str(info.value)
    assert text.startswith("momentum_step(theta=array([ 1., -2.]), velocity=array([ 0.5 , -0.25])")
    # expected θ = θ + αv − εg = (1.25, −2.325); the old velocity moves θ to (1.5, −2.25)
    assert "expected: (array([ 1.25 , -2.325])" in text and "returned: (array([ 1.5 , -2.25])" in text
    assert "Hint: update v first" in text


def _step_with_a_loop(theta, velocity, grad, lr, momentum):
    """Row by row, as a student might write it: accepted."""
    if theta.ndim == 1:
        new_velocity = momentum * velocity - lr * grad
        return theta + new_velocity, new_velocity
    lr, momentum = (np.broadcast_to(x, (len(theta), 1)) for x in (lr, momentum))
    rows = [_step_with_a_loop(theta[i], velocity[i], grad[i], lr[i, 0], momentum[i, 0])
            for i in range(len(theta))]
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def test_momentum_step_accepts_a_loop_over_rows(capsys):
    checks.momentum_step(_step_with_a_loop)
    assert "all 7 checks passed" in capsys.readouterr().out


def test_momentum_step_oracle_is_the_lecture_table(solution):
    # The lecture's hand-computed rows on J = θ²/2, ε = 0.1, α = 0.9.
    step = solution["momentum_step"]
    theta, velocity = np.array([1.0]), np.zeros(1)
    rows = []
    for _ in range(6):
        theta, velocity = step(theta, velocity, theta, 0.1, 0.9)
        rows.append((theta[0], velocity[0]))
    assert np.allclose(rows, [(0.9, -0.1), (0.72, -0.18), (0.486, -0.234), (0.2268, -0.2592),
                              (-0.02916, -0.25596), (-0.25661, -0.22745)], atol=5e-6)


# --------------------------------------------------------------------------
# Exercise 2: terminal_velocity_steps
# --------------------------------------------------------------------------


def _ceil_formula(a, f):
    return int(np.ceil(np.log(1 - f) / np.log(a)))


TERMINAL_MUTANTS = {
    "rounding down": lambda a, f: int(np.floor(np.log(1 - f) / np.log(a))),
    "int() instead of ceil": lambda a, f: int(np.log(1 - f) / np.log(a)),
    "rounding to the nearest integer": lambda a, f: round(np.log(1 - f) / np.log(a)),
    "one update too many": lambda a, f: _ceil_formula(a, f) + 1,
    "solving α^k = fraction": lambda a, f: int(np.ceil(np.log(f) / np.log(a))),
    "the fraction 0.99 written into the function": lambda a, f: int(np.ceil(np.log(0.01) / np.log(a))),
    "k = 0 for α = 0": _ceil_formula,
    "raised ValueError: math domain error": lambda a, f: math.ceil(math.log(1 - f) / math.log(a)),
    "an int, e.g. int(np.ceil(x))": lambda a, f: np.ceil(np.log(1 - f) / np.log(a)),
}


@pytest.mark.parametrize("hint", list(TERMINAL_MUTANTS))
def test_terminal_velocity_steps_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.terminal_velocity_steps(TERMINAL_MUTANTS[hint])


def test_terminal_velocity_steps_accepts_a_loop(capsys):
    def loop(momentum, fraction):
        k = 1
        while 1 - momentum**k < fraction:
            k += 1
        return k

    checks.terminal_velocity_steps(loop)
    assert "all 18 checks passed" in capsys.readouterr().out


def test_terminal_velocity_steps_matches_the_lecture(solution):
    steps = solution["terminal_velocity_steps"]
    assert [steps(a, 0.99) for a in (0.5, 0.9, 0.99)] == [7, 44, 459]
    # The defining inequality, brute force: k works and k − 1 does not.
    for a, f in [(0.8, 0.999), (0.95, 0.63), (0.999, 0.5), (0.3, 0.999999)]:
        k = steps(a, f)
        assert 1 - a**k >= f > 1 - a ** (k - 1)


# --------------------------------------------------------------------------
# Exercise 3: optimal_heavy_ball
# --------------------------------------------------------------------------


def _polyak(mu, L):
    r = math.sqrt(L / mu)
    return 4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, ((r - 1) / (r + 1)) ** 2


OPTIMAL_MUTANTS = {
    "α* without the square": lambda mu, L: (_polyak(mu, L)[0], (math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)),
    "gradient descent's best step": lambda mu, L: (2 / (L + mu), _polyak(mu, L)[1]),
    "the step ε = 1/L": lambda mu, L: (1 / L, _polyak(mu, L)[1]),
    "the canyon race's setting": lambda mu, L: (2 / (L + mu), (1 - math.sqrt(2 / (L + mu) * mu)) ** 2),
    "κ in place of √κ": lambda mu, L: (_polyak(mu, L)[0], ((L / mu - 1) / (L / mu + 1)) ** 2),
    "ε* without the square": lambda mu, L: (2 / (math.sqrt(L) + math.sqrt(mu)), _polyak(mu, L)[1]),
    "the pair in the wrong order": lambda mu, L: _polyak(mu, L)[::-1],
    "a tuple of 2 values": lambda mu, L: (*_polyak(mu, L), math.sqrt(_polyak(mu, L)[1])),
    "returned: None": lambda mu, L: None,
    "not finite": lambda mu, L: (_polyak(mu, L)[0], float("nan")),
}


@pytest.mark.parametrize("hint", list(OPTIMAL_MUTANTS))
def test_optimal_heavy_ball_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.optimal_heavy_ball(OPTIMAL_MUTANTS[hint])


def test_optimal_heavy_ball_accepts_mu_and_L_swapped(capsys):
    # ε* and α* are symmetric under μ ↔ L (α* under κ ↔ 1/κ), so a swap is not an error.
    checks.optimal_heavy_ball(lambda mu, L: _polyak(L, mu))
    assert "all 6 checks passed" in capsys.readouterr().out


def test_optimal_heavy_ball_gives_the_optimal_rate(solution):
    # Independent of the formula: on a grid of (ε, α) none beats the returned pair.
    from coursekit.momentum_theory import spectrum_rate

    mu, L = 1.0, 100.0
    lr, alpha = solution["optimal_heavy_ball"](mu, L)
    assert np.isclose(lr * L, 400 / 121) and np.isclose(alpha, (9 / 11) ** 2)
    best = spectrum_rate(lr, alpha, mu, L)
    grid = spectrum_rate(np.linspace(0.001, 0.039, 200)[:, None], np.linspace(0.0, 0.99, 200), mu, L)
    assert np.isclose(best, 9 / 11) and grid.min() >= best - 1e-9



# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _steps_loop_non_strict(momentum, fraction):
    """Counts while 1 − α^k ≤ fraction: one update too many exactly on a boundary."""
    k = 1
    while 1 - momentum**k <= fraction:
        k += 1
    return k


def _step_on_copies(theta, velocity, grad, lr, momentum):
    new_velocity = np.array(velocity, dtype=float)  # a copy, so in-place updates are safe
    new_velocity *= momentum
    new_velocity -= lr * grad
    new_theta = theta.copy()
    new_theta += new_velocity
    return new_theta, new_velocity


FURTHER_MISTAKES = [
    ("momentum_step", "expected:", lambda t, v, g, lr, a: (t - (a * v - lr * g), a * v - lr * g)),  # θ ← θ − v
    ("momentum_step", "expected:", lambda t, v, g, lr, a: (t + a * (v - lr * g), a * (v - lr * g))),  # α on εg too
    ("momentum_step", "expected:", lambda t, v, g, lr, a: (t + a * v - lr * g, v)),  # the old v returned
    # ceil(x) written as int(x) + 1: wrong exactly when ln(1 − fraction)/ln α is a whole number.
    ("terminal_velocity_steps", "This looks like int(...) + 1 in place of ceil",
     lambda a, f: int(np.log(1 - f) / np.log(a)) + 1 if a > 0 else 1),
    ("terminal_velocity_steps", "This looks like int(...) + 1 in place of ceil", _steps_loop_non_strict),
    ("terminal_velocity_steps", "expected:",  # log10 over ln
     lambda a, f: max(1, math.ceil(math.log10(1 - f) / math.log(a))) if a > 0 else 1),
    ("optimal_heavy_ball", "expected:", lambda mu, L: (_polyak(mu, L)[0], 1 - 1 / math.sqrt(L / mu))),
    ("optimal_heavy_ball", "expected:", lambda mu, L: (4 / (L + mu), _polyak(mu, L)[1])),
    ("optimal_heavy_ball", "expected:", lambda mu, L: (1 / math.sqrt(L * mu), _polyak(mu, L)[1])),
]

FURTHER_CORRECT = [
    ("momentum_step", _step_on_copies),
    ("momentum_step", lambda t, v, g, lr, a: (np.add(t, np.multiply(a, v) - np.multiply(lr, g)),
                                              np.subtract(np.multiply(a, v), np.multiply(lr, g)))),
    ("terminal_velocity_steps", lambda a, f: 1 if a == 0 else max(1, math.ceil(math.log(1 - f, a)))),
    ("terminal_velocity_steps", lambda a, f: 1 if a == 0 else max(1, int(np.ceil(np.log1p(-f) / np.log(a))))),
    ("optimal_heavy_ball", lambda mu, L: ((2 / (np.sqrt(L) + np.sqrt(mu))) ** 2,
                                          ((np.sqrt(L) - np.sqrt(mu)) / (np.sqrt(L) + np.sqrt(mu))) ** 2)),
    ("optimal_heavy_ball", lambda mu, L: (4 / (L + mu + 2 * math.sqrt(L * mu)),
                                          (1 - 2 / (math.sqrt(L / mu) + 1)) ** 2)),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
