"""The checks of exercises 05 accept the solutions and name each mistake."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from coursekit import checks, optimizers
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "05_momentum_as_physics"


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


# --------------------------------------------------------------------------
# Exercise 1: euler_step
# --------------------------------------------------------------------------


def _mutating_euler(theta, velocity, grad, h, c):
    velocity -= h * (grad + c * velocity)
    return theta + h * velocity, velocity


EULER_MUTANTS = {
    "explicit Euler": lambda t, v, g, h, c: (t + h * v, v + h * (-g - c * v)),
    "a sign error in the drag": lambda t, v, g, h, c: (t + h * (v + h * (-g + c * v)), v + h * (-g + c * v)),
    "a sign error in the gradient force": lambda t, v, g, h, c: (t + h * (v + h * (g - c * v)), v + h * (g - c * v)),
    "h missing in the velocity update": lambda t, v, g, h, c: (t + h * (v - g - c * v), v - g - c * v),
    "h missing in the position update": lambda t, v, g, h, c: (t + (1 - c * h) * v - h * g, (1 - c * h) * v - h * g),
    "Algorithm 8.2 in the book's variables": lambda t, v, g, h, c: (
        t + (1 - c * h) * v - h**2 * g, (1 - c * h) * v - h**2 * g),
    "changed its input `velocity` in place": _mutating_euler,
    "returned: None": lambda t, v, g, h, c: None,
    "not finite": lambda t, v, g, h, c: (t / 0.0, v),
    "shape": lambda t, v, g, h, c: (np.atleast_2d(t + h * ((1 - c * h) * v - h * g)),
                                    np.atleast_2d((1 - c * h) * v - h * g)),
    "a tuple of 2 values": lambda t, v, g, h, c: t + h * ((1 - c * h) * v - h * g),
}


@pytest.mark.parametrize("hint", list(EULER_MUTANTS))
def test_euler_step_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.euler_step(EULER_MUTANTS[hint])


def test_euler_step_accepts_the_momentum_form(capsys):
    # v ← (1 − c h) v − h ∇J, θ ← θ + h v: the same step, written as the lecture's section 2 does.
    def rewritten(theta, velocity, grad, step, drag):
        velocity = (1 - drag * step) * velocity - step * grad
        return theta + step * velocity, velocity

    checks.euler_step(rewritten)
    assert "all 7 checks passed" in capsys.readouterr().out


def test_euler_step_is_momentum_in_disguise(solution):
    # Independent oracle: Algorithm 8.2 with ε = h², α = 1 − c h, and v_book = h v (claim C15).
    h, c = 0.2, 2.5
    def grad_fn(t):
        return np.array([1.0, 4.0]) * t

    theta, velocity = np.array([-2.5, 1.5]), np.zeros(2)
    optimizer = optimizers.momentum(lr=h * h, momentum=1 - c * h)
    book_theta, state = theta, optimizer.init(theta)
    for _ in range(50):
        theta, velocity = solution["euler_step"](theta, velocity, grad_fn(theta), h, c)
        book_theta, state = optimizer.step(book_theta, state, grad_fn)
    assert np.allclose(theta, book_theta, rtol=1e-12, atol=1e-14)
    assert np.allclose(h * velocity, state.velocity, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------
# Exercise 2: particle_from_momentum
# --------------------------------------------------------------------------


def _mutating_particle(lr, momentum):
    if isinstance(lr, np.ndarray):
        np.sqrt(lr, out=lr)
        return lr, (1 - momentum) / lr
    return np.sqrt(lr), (1 - momentum) / np.sqrt(lr)


PARTICLE_MUTANTS = {
    "h = ε": lambda lr, a: (lr, (1 - a) / lr),
    "c = α/h": lambda lr, a: (np.sqrt(lr), a / np.sqrt(lr)),
    "the map the other way round": lambda lr, a: (lr**2, 1 - a * lr),
    "c = (1 − α)·h": lambda lr, a: (np.sqrt(lr), (1 - a) * np.sqrt(lr)),
    "c = 1 − α": lambda lr, a: (np.sqrt(lr), 1 - a),
    "changed its input `lr` in place": _mutating_particle,
    # math.sqrt takes numbers only: the array case fails with the exception named.
    "raised TypeError": lambda lr, a: (math.sqrt(lr), (1 - a) / math.sqrt(lr)),
    "returned: None": lambda lr, a: None,
    "not finite": lambda lr, a: (np.sqrt(lr), np.sqrt(a - 1) / np.sqrt(lr)),  # √ of a negative number
    "shape": lambda lr, a: (np.atleast_1d(np.sqrt(lr)), np.atleast_1d((1 - a) / np.sqrt(lr))),
    "solve for h first": lambda lr, a: ((1 - a) / np.sqrt(lr), np.sqrt(lr)),  # the pair swapped
}


@pytest.mark.parametrize("hint", list(PARTICLE_MUTANTS))
def test_particle_from_momentum_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.particle_from_momentum(PARTICLE_MUTANTS[hint])


def test_particle_from_momentum_inverts_the_lecture_map(solution):
    # ε = h², α = 1 − c h recovers the inputs, and the lecture's table holds.
    for lr, alpha, h, c in [(0.01, 0.9, 0.1, 1.0), (0.04, 0.5, 0.2, 2.5), (0.0025, 0.99, 0.05, 0.2)]:
        step, drag = solution["particle_from_momentum"](lr, alpha)
        assert np.isclose(step, h) and np.isclose(drag, c)
        assert np.isclose(step**2, lr) and np.isclose(1 - drag * step, alpha)


# --------------------------------------------------------------------------
# Exercise 3: dry_friction_rest_point
# --------------------------------------------------------------------------


def _swings(theta0, curvature, friction, shrink=2.0, alternate=True):
    b = friction / curvature
    theta = theta0
    while abs(theta) > b:
        theta = (-1 if alternate else 1) * math.copysign(1.0, theta) * (abs(theta) - shrink * b)
    return theta


DRY_MUTANTS = {
    "reaches the minimum": lambda t, lam, c: 0.0,
    "one half swing only": lambda t, lam, c: -math.copysign(1.0, t) * (abs(t) - 2 * c / lam),
    "shrinks the amplitude by c/λ": lambda t, lam, c: _swings(t, lam, c, shrink=1.0),
    "never changes side": lambda t, lam, c: _swings(t, lam, c, alternate=False),
    "without the curvature": lambda t, lam, c: _swings(t, 1.0, c),
    "returned: None": lambda t, lam, c: None,
    "not finite": lambda t, lam, c: _swings(t, lam, c) / np.float64(0.0),
    "shape": lambda t, lam, c: np.array([_swings(t, lam, c)]),
}


@pytest.mark.parametrize("hint", list(DRY_MUTANTS))
def test_dry_friction_rest_point_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.dry_friction_rest_point(DRY_MUTANTS[hint])


def test_dry_friction_rest_point_accepts_the_closed_form(capsys):
    # θ_rest = (−1)^n sign(θ_0)(|θ_0| − 2bn), n = ⌈(|θ_0| − b)/(2b)⌉ half swings (lecture 05, section 6).
    def closed_form(theta0, curvature, friction):
        b = friction / curvature
        r = abs(theta0)
        n = math.ceil((r - b) / (2 * b)) if r > b else 0
        return (-1) ** n * math.copysign(1.0, theta0) * (r - 2 * b * n)

    checks.dry_friction_rest_point(closed_form)
    assert "all 11 checks passed" in capsys.readouterr().out


def test_dry_friction_cases_stay_clear_of_the_band_edge():
    # Every position a case visits is at least 0.05 from |θ| = b, so rounding
    # cannot decide whether the particle stops; and the simulation agrees.
    from coursekit import physics

    cases = [(1.6, 1.0, 0.3), (2.0, 1.0, 0.3), (-1.0, 1.0, 0.3), (3.5, 1.0, 0.3), (0.2, 1.0, 0.3),
             (-0.25, 1.0, 0.3), (-5.0, 2.0, 0.7), (1.3, 0.5, 0.2), (-2.3, 0.5, 0.2), (2.0, 4.0, 1.0),
             (0.1, 3.0, 0.6)]
    for theta0, lam, c in cases:
        b, theta = c / lam, theta0
        visited = [theta]
        while abs(theta) > b:
            theta = -math.copysign(1.0, theta) * (abs(theta) - 2 * b)
            visited.append(theta)
        assert min(abs(abs(x) - b) for x in visited) >= 0.05 - 1e-12
        # Each half swing lasts π/√λ; add one more as a margin.
        steps = int(len(visited) * math.pi / math.sqrt(lam) / 0.01)
        path = physics.simulate(lambda t, lam=lam: lam * t, [theta0], [0.0], drag="dry", coefficient=c,
                                step=0.01, steps=steps)
        assert path.final_velocity[0] == 0.0 and abs(path.final_theta[0] - theta) < 2e-3


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _rest_swing_by_swing(theta0, curvature, friction, *, band_of=lambda c, lam: c / lam, absolute=False):
    band, theta = band_of(friction, curvature), float(theta0)
    while abs(theta) > band:
        theta = 2 * band * np.sign(theta) - theta  # the mirror image about the edge ±b
    return abs(theta) if absolute else theta


def _rest_closed_form(theta0, curvature, friction):
    band, size = friction / curvature, abs(theta0)
    if size <= band:
        return float(theta0)
    swings = math.ceil((size - band) / (2 * band))  # half swings until |θ| ≤ b
    return float((-1) ** swings * np.sign(theta0) * (size - 2 * band * swings))


FURTHER_MISTAKES = [
    # Implicit in the drag: v_{k+1} = (v_k − h∇J)/(1 + hc), a stable but different scheme.
    ("euler_step", "expected:", lambda t, v, g, h, c: (t + h * (v - h * g) / (1 + h * c), (v - h * g) / (1 + h * c))),
    ("euler_step", "expected:", lambda t, v, g, h, c: (  # θ moved with the mean of the two velocities
        t + h * (v + (v + h * (-g - c * v))) / 2, v + h * (-g - c * v))),
    ("euler_step", "expected:", lambda t, v, g, h, c: (  # h² in the position update
        t + h * h * (v + h * (-g - c * v)), v + h * (-g - c * v))),
    ("particle_from_momentum", "expected:", lambda lr, a: (np.sqrt(lr), (1 - a) / lr)),  # c = (1 − α)/ε
    ("particle_from_momentum", "expected:", lambda lr, a: (np.sqrt(lr), (a - 1) / np.sqrt(lr))),  # sign of c
    ("dry_friction_rest_point", "expected:", lambda t0, lam, c: _rest_swing_by_swing(t0, lam, c, absolute=True)),
    ("dry_friction_rest_point", "This looks like the band |θ| ≤ c, without the curvature",
     lambda t0, lam, c: _rest_swing_by_swing(t0, lam, c, band_of=lambda c_, lam_: c_ * lam_)),
]

FURTHER_CORRECT = [
    ("euler_step", lambda t, v, g, h, c: (t + h * ((1 - h * c) * v - h * g), (1 - h * c) * v - h * g)),
    ("euler_step", lambda t, v, g, h, c: (np.add(t, np.multiply(h, v - np.multiply(h, g + np.multiply(c, v)))),
                                          np.subtract(v, np.multiply(h, g + np.multiply(c, v))))),
    ("particle_from_momentum", lambda lr, a: (np.power(lr, 0.5), (1 - np.asarray(a)) * np.power(lr, -0.5))),
    ("particle_from_momentum", lambda lr, a: (np.sqrt(lr), np.divide(np.subtract(1, a), np.sqrt(lr)))),
    ("dry_friction_rest_point", _rest_swing_by_swing),
    ("dry_friction_rest_point", _rest_closed_form),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
