"""The checks of exercises 06 accept the solutions and name each mistake."""

from __future__ import annotations

import re

import numpy as np
import pytest

from coursekit import checks
from tests.exercise_code import solution_namespace
from tests.further_cases import further_case_tests

NAME = "06_nesterov_momentum"


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(NAME)


def test_a_called_function_is_refused(solution):
    with pytest.raises(checks.CheckFailed, match=re.escape("checks.nesterov_schedule(nesterov_schedule)")):
        checks.nesterov_schedule(solution["nesterov_schedule"](3))


# -- nesterov_step ----------------------------------------------------------------

def _at_theta(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity - lr * grad_fn(theta)
    return theta + velocity, velocity


def _at_theta_plus_v(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity - lr * grad_fn(theta + velocity)
    return theta + velocity, velocity


def _at_theta_minus_alpha_v(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity - lr * grad_fn(theta - momentum * velocity)
    return theta + velocity, velocity


def _velocity_sign(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity + lr * grad_fn(theta + momentum * velocity)
    return theta + velocity, velocity


def _old_velocity(theta, velocity, grad_fn, lr, momentum):
    new_theta = theta + velocity
    velocity = momentum * velocity - lr * grad_fn(theta + momentum * velocity)
    return new_theta, velocity


def _from_interim(theta, velocity, grad_fn, lr, momentum):
    theta = theta + momentum * velocity
    velocity = momentum * velocity - lr * grad_fn(theta)
    return theta + velocity, velocity


def _no_alpha(theta, velocity, grad_fn, lr, momentum):
    velocity = velocity - lr * grad_fn(theta + momentum * velocity)
    return theta + velocity, velocity


def _swapped(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity - lr * grad_fn(theta + momentum * velocity)
    return velocity, theta + velocity


def _in_place(theta, velocity, grad_fn, lr, momentum):
    grad = grad_fn(theta + momentum * velocity)
    velocity *= momentum
    velocity -= lr * grad
    return theta + velocity, velocity


def _two_gradients(theta, velocity, grad_fn, lr, momentum):
    grad_fn(theta)  # computed "just to look", then not used
    velocity = momentum * velocity - lr * grad_fn(theta + momentum * velocity)
    return theta + velocity, velocity


def _flat(theta, velocity, grad_fn, lr, momentum):
    velocity = momentum * velocity - lr * grad_fn(theta + momentum * velocity)
    return (theta + velocity).ravel(), velocity.ravel()


STEP_MUTANTS = {
    "the gradient taken at θ, which is plain momentum": _at_theta,
    "the gradient taken at θ + v instead of θ + αv": _at_theta_plus_v,
    "the gradient taken at θ − αv": _at_theta_minus_alpha_v,
    "v ← αv − εg (eq. 8.21)": _velocity_sign,
    "θ updated with the old velocity": _old_velocity,
    "θ updated from the interim point": _from_interim,
    "α missing from the velocity update": _no_alpha,
    "return the new parameters first": _swapped,
    "changed its input `velocity` in place": _in_place,
    "grad_fn called 2 times": _two_gradients,
    "shape (4, 3)": _flat,
    "returned: None": lambda theta, velocity, grad_fn, lr, momentum: None,
    "a tuple of 2 values": lambda theta, velocity, grad_fn, lr, momentum: theta - lr * grad_fn(theta),
    "not finite": lambda theta, velocity, grad_fn, lr, momentum: (theta / 0.0, velocity * np.nan),
}


@pytest.mark.parametrize("hint", list(STEP_MUTANTS))
def test_nesterov_step_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.nesterov_step(STEP_MUTANTS[hint])


def test_nesterov_step_reports_an_exception_with_the_call():
    def wrong_arguments(theta, velocity, grad_fn, lr, momentum):
        return grad_fn(theta, velocity)

    with pytest.raises(checks.CheckFailed, match=r"nesterov_step\(theta=.* raised TypeError"):
        checks.nesterov_step(wrong_arguments)


# -- nesterov_schedule ------------------------------------------------------------

def _a_scalar_if_k_is(k, value):
    return float(value) if np.ndim(k) == 0 else value


def _schedule_in_place(k):
    k -= 1  # changes the caller's array when k is one
    return k / (k + 3)


def _if_on_arrays(k):
    if k == 1:
        return 0.0
    return (k - 1) / (k + 2)


SCHEDULE_MUTANTS = {
    "(k − 1)/(k + 1)": lambda k: _a_scalar_if_k_is(k, (np.asarray(k) - 1) / (np.asarray(k) + 1)),
    "integer division": lambda k: (np.asarray(k) - 1) // (np.asarray(k) + 2),
    "k/(k + 3)": lambda k: _a_scalar_if_k_is(k, np.asarray(k) / (np.asarray(k) + 3)),
    "(k − 2)/(k + 1)": lambda k: _a_scalar_if_k_is(k, (np.asarray(k) - 2) / (np.asarray(k) + 1)),
    "the numerator is k − 1": lambda k: _a_scalar_if_k_is(k, np.asarray(k) / (np.asarray(k) + 2)),
    "`if` and `and`/`or` do not work elementwise": _if_on_arrays,
    "changed its input `k` in place": _schedule_in_place,
    "shape (2, 3)": lambda k: np.reshape((np.asarray(k) - 1) / (np.asarray(k) + 2), np.size(k) if np.ndim(k) > 1 else np.shape(k)),
    "shape ()": lambda k: np.atleast_1d((np.asarray(k) - 1) / (np.asarray(k) + 2)),
    "no `return`": lambda k: None,
    "not finite": lambda k: (np.asarray(k) - 1) / (np.asarray(k) - 1) * 0.0,
}


@pytest.mark.parametrize("hint", list(SCHEDULE_MUTANTS))
def test_nesterov_schedule_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.nesterov_schedule(SCHEDULE_MUTANTS[hint])


# -- nesterov_to_library ----------------------------------------------------------

def _library_in_place(theta, velocity, lr, momentum):
    velocity /= -lr
    return theta - momentum * lr * velocity, velocity


LIBRARY_MUTANTS = {
    "p = θ, the change of variables of plain momentum":
        lambda theta, velocity, lr, momentum: (theta, -velocity / lr),
    "p = θ − αv": lambda theta, velocity, lr, momentum: (theta - momentum * velocity, -velocity / lr),
    "p = θ + v, without α": lambda theta, velocity, lr, momentum: (theta + velocity, -velocity / lr),
    "b = v/ε": lambda theta, velocity, lr, momentum: (theta + momentum * velocity, velocity / lr),
    "multiplied by ε instead of divided":
        lambda theta, velocity, lr, momentum: (theta + momentum * velocity, -lr * velocity),
    "ε forgotten in the buffer": lambda theta, velocity, lr, momentum: (theta + momentum * velocity, -velocity),
    "return the parameters first, then the buffer":
        lambda theta, velocity, lr, momentum: (-velocity / lr, theta + momentum * velocity),
    "changed its input `velocity` in place": _library_in_place,
    "item 0 shape (2,)": lambda theta, velocity, lr, momentum: ((theta + momentum * velocity)[None],
                                                                -velocity / lr),
    "returned: None": lambda theta, velocity, lr, momentum: None,
    "not finite": lambda theta, velocity, lr, momentum: (theta + momentum * velocity, -velocity / 0.0),
}


@pytest.mark.parametrize("hint", list(LIBRARY_MUTANTS))
def test_nesterov_to_library_names_each_mistake(hint):
    with pytest.raises(checks.CheckFailed, match=re.escape(hint)):
        checks.nesterov_to_library(LIBRARY_MUTANTS[hint])


# --------------------------------------------------------------------------
# Further mistakes (each named or failed) and further correct versions (each accepted)
# --------------------------------------------------------------------------


def _step_gradient_at_eps(theta, velocity, grad_fn, lr, momentum):
    new_velocity = momentum * velocity - lr * grad_fn(theta + lr * velocity)  # θ + εv, not θ + αv
    return theta + new_velocity, new_velocity


def _step_reformulated(theta, velocity, grad_fn, lr, momentum):
    """The reformulation that tracks the interim point, applied to the book's θ."""
    grad = grad_fn(theta + momentum * velocity)
    new_velocity = momentum * velocity - lr * grad
    return theta + momentum * new_velocity - lr * grad, new_velocity


def _step_with_numpy(theta, velocity, grad_fn, lr, momentum):
    interim = np.add(theta, np.multiply(momentum, velocity))
    new_velocity = np.subtract(np.multiply(momentum, velocity), np.multiply(lr, grad_fn(interim)))
    return np.add(theta, new_velocity), new_velocity


def _step_in_one_line(theta, velocity, grad_fn, lr, momentum):
    grad = grad_fn(theta + momentum * velocity)
    return theta + momentum * velocity - lr * grad, momentum * velocity - lr * grad


def _fista_ratio(k):
    """(t_k − 1)/t_{k+1} with t_1 = 1, t_{k+1} = (1 + √(1 + 4t_k²))/2: a related but different schedule."""
    k = np.asarray(k)
    out = np.empty(k.shape)
    for index, value in np.ndenumerate(k):
        t = 1.0
        for _ in range(int(value) - 1):
            t = (1 + np.sqrt(1 + 4 * t * t)) / 2
        out[index] = (t - 1) / ((1 + np.sqrt(1 + 4 * t * t)) / 2)
    return float(out) if out.ndim == 0 else out


def _schedule_capped(k):
    alpha = np.minimum((np.asarray(k, dtype=float) - 1) / (np.asarray(k, dtype=float) + 2), 0.9)
    return float(alpha) if alpha.ndim == 0 else alpha


def _schedule_one_minus(k):
    alpha = 1 - 3 / (np.asarray(k, dtype=float) + 2)
    return float(alpha) if alpha.ndim == 0 else alpha


def _schedule_divide(k):
    alpha = np.divide(np.subtract(k, 1), np.add(k, 2), dtype=float)
    return float(alpha) if np.ndim(alpha) == 0 else alpha


FURTHER_MISTAKES = [
    ("nesterov_step", "expected:", _step_gradient_at_eps),
    ("nesterov_step", "expected:", _step_reformulated),
    ("nesterov_schedule", "expected:", _fista_ratio),
    ("nesterov_schedule", "expected:", _schedule_capped),  # α capped at 0.9, as some codes do
    ("nesterov_to_library", "expected:", lambda t, v, lr, a: (t + a * lr * v, -v / lr)),  # p = θ + αεv
    ("nesterov_to_library", "expected:", lambda t, v, lr, a: (t + a * v, -a * v / lr)),  # b = −αv/ε
]

FURTHER_CORRECT = [
    ("nesterov_step", _step_with_numpy),
    ("nesterov_step", _step_in_one_line),
    ("nesterov_schedule", _schedule_one_minus),
    ("nesterov_schedule", _schedule_divide),
    ("nesterov_to_library", lambda t, v, lr, a: (np.add(t, np.multiply(a, v)), np.divide(np.negative(v), lr))),
    ("nesterov_to_library", lambda t, v, lr, a: (t + a * v, v * (-1.0 / lr))),
]


test_further_mistakes_are_named_or_failed, test_further_correct_versions_pass = \
    further_case_tests(FURTHER_MISTAKES, FURTHER_CORRECT)
