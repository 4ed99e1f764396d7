"""Data for the course: the 8×8 handwritten digits, splits and synthetic datasets.

See :mod:`coursekit.data.datasets` for the return conventions and
``README.md`` in this folder for the provenance and licence of the digits.
"""

from __future__ import annotations

from .datasets import (
    Dataset,
    binary_digits,
    digits_split,
    load_digits,
    make_classification,
    make_large_regression,
    make_linear_regression,
    standardize,
    train_test_split,
)

__all__ = [
    "Dataset",
    "binary_digits",
    "digits_split",
    "load_digits",
    "make_classification",
    "make_large_regression",
    "make_linear_regression",
    "standardize",
    "train_test_split",
]
