"""The record grid shared by the runner, the particle simulator and the experiments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.recorder import record_steps


@given(steps=st.integers(0, 5000), every=st.integers(1, 600))
@settings(max_examples=100, deadline=None)
def test_the_grid_starts_at_0_ends_at_steps_and_is_evenly_spaced(steps, every):
    ks = record_steps(steps, every)
    assert ks.dtype == np.int64 and ks[0] == 0 and ks[-1] == steps
    assert np.all(np.diff(ks) > 0)
    np.testing.assert_array_equal(ks[:-1] if steps % every else ks, np.arange(0, steps + 1, every))
    # The same grid as an independent count: every multiple of `every`, then the end.
    assert len(ks) == steps // every + 1 + (steps % every != 0)


@pytest.mark.parametrize("steps, every, error, message", [
    (-1, 1, ValueError, r"steps must be an integer in \[0, inf\]"),
    (10, 0, ValueError, r"every must be an integer in \[1, inf\]"),
    (10, 2.5, TypeError, r"every must be an integer, got float"),
    (10.0, 1, TypeError, r"steps must be an integer, got float"),
])
def test_bad_input(steps, every, error, message):
    with pytest.raises(error, match=message):
        record_steps(steps, every)
