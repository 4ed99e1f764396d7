"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

__all__ = ["learning_rates", "momenta", "seeds", "vectors"]

seeds = st.integers(min_value=0, max_value=2**32 - 1)
learning_rates = st.floats(min_value=1e-4, max_value=1.0, allow_nan=False)
momenta = st.floats(min_value=0.0, max_value=0.999, allow_nan=False)


@st.composite
def vectors(draw, min_dim: int = 1, max_dim: int = 6):
    """A random finite float64 vector θ, from a seeded generator."""
    dim = draw(st.integers(min_dim, max_dim))
    rng = np.random.default_rng(draw(seeds))
    return rng.normal(size=dim)
