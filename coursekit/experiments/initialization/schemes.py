"""The weight initializers that the lecture on initialization compares (book section 8.4).

A :class:`Scheme` is one initializer of :mod:`coursekit.initializers` with
fixed parameters, a formula and a reference. :data:`DEEP_SCHEMES` are those
of the deep-network experiments, :data:`MLP_SCHEMES` those trained on the
digits (claim C21).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...data import digits_split
from ...initializers import get_weight_initializer
from ...problems import MLP

__all__ = [
    "ACTIVATIONS",
    "DEEP_SCHEMES",
    "FAN_IN",
    "GLOROT",
    "HE",
    "HUGE",
    "LARGE",
    "MLP_SCHEMES",
    "ORTHOGONAL",
    "SMALL",
    "SPARSE",
    "ZEROS",
    "Scheme",
    "check_activation",
    "check_schemes",
    "digits_mlp",
]

#: The hidden-unit nonlinearities of the experiments.
ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True)
class Scheme:
    """One weight initializer with fixed parameters, and how to cite it.

    ``init`` is a name in :data:`coursekit.initializers.WEIGHT_INITIALIZERS`
    and ``params`` its keyword arguments as ``((name, value), ...)``.

    >>> GLOROT.weights(np.random.default_rng(0), 4, 3, batch_shape=(2,)).shape
    (2, 4, 3)
    """

    label: str
    init: str
    params: tuple = ()
    formula: str = ""
    reference: str = ""

    @property
    def kwargs(self) -> dict:
        return dict(self.params)

    def weights(self, rng, fan_in: int, fan_out: int, batch_shape=()) -> np.ndarray:
        """W of shape ``batch_shape + (fan_in, fan_out)`` drawn with this scheme."""
        return get_weight_initializer(self.init)(rng, fan_in, fan_out, batch_shape=batch_shape,
                                                 **self.kwargs)


ZEROS = Scheme("zeros", "constant", (("value", 0.0),), "W = 0", "§8.4 (symmetry)")
SMALL = Scheme("too small", "normal", (("std", 0.01),), "N(0, 0.01²)", "§8.4 (scale)")
LARGE = Scheme("too large", "normal", (("std", 1.0),), "N(0, 1)", "§8.4 (scale)")
FAN_IN = Scheme("U(±1/√m)", "uniform_fan_in", (), "U(−1/√m, 1/√m)", "§8.4 heuristic")
GLOROT = Scheme("Glorot", "glorot_uniform", (), "U(±√(6/(m+n)))",
                "eq. 8.23, Glorot & Bengio 2010")
HE = Scheme("He", "he_normal", (), "N(0, 2/m)", "He et al. 2015 (not in book)")
ORTHOGONAL = Scheme("orthogonal", "orthogonal", (("gain", 1.0),), "gain·Q, QᵀQ = I",
                    "§8.4, Saxe et al. 2013")
SPARSE = Scheme("sparse k=16", "sparse", (("nonzero", 16), ("std", 0.25)),
                "16 per unit ~ N(0, 1/16)", "§8.4, Martens 2010")
HUGE = Scheme("huge", "normal", (("std", 1000.0),), "N(0, 1000²)", "§8.4 (stability)")

#: The schemes of the deep-network scale experiment (all have a non-zero scale).
DEEP_SCHEMES = (SMALL, LARGE, FAN_IN, GLOROT, HE, ORTHOGONAL, SPARSE)
#: The schemes trained on the digits in :func:`~coursekit.experiments.initialization.compare_initializers` (claim C21).
MLP_SCHEMES = (ZEROS, SMALL, FAN_IN, GLOROT, HE, ORTHOGONAL, SPARSE, LARGE, HUGE)


def check_schemes(schemes) -> tuple:
    """``schemes`` as a non-empty tuple of :class:`Scheme`."""
    schemes = tuple(schemes)
    if not schemes or not all(isinstance(s, Scheme) for s in schemes):
        raise TypeError("schemes must be a non-empty sequence of Scheme objects")
    return schemes


def check_activation(activation: str) -> str:
    """One of :data:`ACTIVATIONS`."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of 'tanh', 'relu'; got {activation!r}")
    return activation


def digits_mlp(hidden, activation: str = "relu", *, test_split: bool = False) -> MLP:
    """The experiments' network on the 8×8 digits (the fixed split of seed 0), with its test split if asked."""
    check_activation(activation)
    data = digits_split(seed=0)
    split = {"X_test": data.X_test, "y_test": data.y_test} if test_split else {}
    return MLP(data.X, data.y, hidden=hidden, activation=activation, **split)
