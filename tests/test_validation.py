"""Argument checks: messages name the parameter, the range and the value."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import _validation as V


@given(
    values=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e308, 1e308)),
        min_size=1, max_size=20,
    )
)
@settings(max_examples=200, deadline=None)
def test_all_finite_agrees_with_the_elementwise_test(values):
    x = np.array(values, dtype=float)
    assert V.all_finite(x) == bool(np.isfinite(x).all())


def test_all_finite_survives_overflow_of_its_fast_path():
    # x·x overflows to inf here although every entry is finite.
    x = np.full((3, 4), 1e200)
    assert V.all_finite(x) is True
    x[1, 2] = np.nan
    assert V.all_finite(x) is False
    assert V.all_finite(np.array([-np.inf, 0.0])) is False


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: V.check_interval("momentum", 1.2, 0.0, 1.0, high_open=True),
         r"^momentum must be in \[0, 1\), got 1.2$"),
        (lambda: V.check_interval("tau", 0, 0.0, np.inf, low_open=True),
         r"^tau must be in \(0, inf\), got 0$"),
        (lambda: V.check_interval("lr", np.array([0.1, -1.0]), 0.0),
         r"^lr must be in \[0, inf\), got \[ 0.1 -1. \]$"),
        (lambda: V.check_int("steps", -1, low=0), r"^steps must be an integer in \[0, inf\], got -1$"),
        (lambda: V.check_int_tuple("hidden", (3, 0), low=1),
         r"^hidden must be a tuple of integers >= 1, got \(3, 0\)$"),
        (lambda: V.check_params_vector("theta", np.zeros((2, 3)), 4),
         r"^theta must have shape \(\.\.\., 4\), got shape \(2, 3\)$"),
        (lambda: V.check_finite("X", [1.0, np.inf]), r"^X must be finite, got \[ 1. inf\]$"),
        (lambda: V.check_labels("y", [0, 3], 3), r"^y labels must be integers in \[0, 2\], got 3$"),
        (lambda: V.check_labels("y", [0, 1], n=3), r"^y must have shape \(3,\) to match the 3 rows of X"),
        (lambda: V.check_batch_compatible("lr", np.ones(3), (2,)),
         r"^lr has shape \(3,\), which does not broadcast against the batch shape \(2,\)$"),
    ],
)
def test_value_errors_name_parameter_range_and_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: V.check_int("steps", 2.0), r"^steps must be an integer, got float 2.0$"),
        (lambda: V.check_int("steps", True), r"^steps must be an integer, got bool True$"),
        (lambda: V.as_float_array("lr", "fast"), r"^lr must be a real number or array, got str 'fast'$"),
        (lambda: V.as_float_array("lr", True), r"^lr must be a real number or array, got bool True$"),
        (lambda: V.check_rng(42), r"^rng must be a numpy Generator"),
        (lambda: V.check_labels("y", [0.0, 1.0]), r"^y must hold integer class labels, got dtype float64$"),
        (lambda: V.check_int_tuple("batch_shape", "ab"), r"^batch_shape must be a tuple of integers >= 0"),
        (lambda: V.check_instance("result", [1.0], tuple), r"^result must be a tuple, got list$"),
    ],
)
def test_type_errors_name_the_parameter(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_accepted_values_pass_through():
    assert V.check_int("k", np.int64(3), low=1) == 3
    assert V.check_int_tuple("batch_shape", 4) == (4,)
    assert V.check_interval("momentum", 0.0, 0.0, 1.0, high_open=True) == 0.0
    np.testing.assert_array_equal(V.check_labels("y", np.array([2, 0], dtype=np.int8), 3), [2, 0])
    V.check_batch_compatible("lr", np.ones((1, 3)), (2, 3))
    pair = (1, 2)
    assert V.check_instance("result", pair, tuple) is pair
