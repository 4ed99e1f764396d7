"""Learning-rate and momentum schedules: pure functions k ↦ ε_k (or α_k).

Counting convention (used everywhere in the course): k = 1, 2, 3, ... is
the index of the update, as in the book. ``schedule(k)`` is the value used
by the k-th update, so the first update uses ``schedule(1)``. (PyTorch and
optax count from 0 and use ε_0 for the first update; see notebook 00.)

Every factory validates its arguments at once and returns a
:class:`Schedule`, a callable with no state: calling it twice with the same
k gives the same value. Parameters may be arrays; the value then has their
shape, which lets one run sweep several schedules at once. To tabulate a
schedule use ``schedule(np.arange(1, K + 1))`` (scalar parameters) or
``schedule(np.arange(1, K + 1)[:, None])`` (parameters of shape (S,)).

>>> sched = linear_decay(0.1, 0.001, tau=100)
>>> float(sched(100)), float(sched(1000))
(0.001, 0.001)
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from ._validation import check_interval

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "exponential_decay",
    "inverse_k",
    "inverse_sqrt",
    "inverse_time",
    "linear_decay",
    "nesterov_momentum",
    "polynomial_decay",
    "step_decay",
]


class Schedule:
    """A pure step → value function with the facts needed to reason about it.

    Attributes
    ----------
    name : str
        Human-readable formula, e.g. ``"ε0/k"``.
    params : dict
        The arguments the factory received (as arrays).
    tail : tuple or None
        The asymptotic form as k → ∞, used by :func:`coursekit.robbins_monro`:
        ``("power", p)`` for ε_k ~ c·k^(−p) (p = 0: a positive constant),
        ``("geometric", r)`` for ε_k ~ c·r^k with r < 1, ``("zero",)`` when
        the values are eventually 0, or ``None`` when not a decay schedule.
    value_range : (ndarray, ndarray)
        Infimum and supremum of the values over all k ≥ 1, elementwise.
    supremum_attained : bool
        False when the supremum is only approached (Nesterov's α_k → 1).
    """

    __slots__ = ("_fn", "name", "params", "tail", "value_range", "supremum_attained")

    def __init__(self, fn: Callable, name: str, params: dict, tail, value_range,
                 supremum_attained: bool = True):
        self._fn = fn
        self.name = name
        self.params = params
        self.tail = tail
        self.value_range = value_range
        self.supremum_attained = supremum_attained

    def __call__(self, k):
        if type(k) is int or (isinstance(k, numbers.Integral) and not isinstance(k, bool)):
            if k < 1:
                raise ValueError(f"k must be an integer >= 1 (updates count from 1), got {k}")
            return self._fn(float(k))
        arr = np.asarray(k)
        if arr.dtype.kind not in "iu" or (arr.size and arr.min() < 1):
            raise ValueError(
                f"k must be an integer or integer array >= 1 (updates count from 1), got {k!r}"
            )
        return self._fn(arr.astype(float))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={_short(v)}" for n, v in self.params.items())
        return f"Schedule({self.name}; {shown})"


def _short(v) -> str:
    v = np.asarray(v)
    return f"{v.item():g}" if v.ndim == 0 else np.array2string(v, precision=3, threshold=5)


def _value(x: np.ndarray):
    """Plain float for 0-d parameters so scalar schedules stay cheap."""
    return float(x) if x.ndim == 0 else x


def _nonneg(name: str, value) -> np.ndarray:
    arr = check_interval(name, value, 0.0, np.inf, high_open=True)
    return _value(arr) if arr.ndim == 0 else arr


def _positive(name: str, value) -> np.ndarray:
    arr = check_interval(name, value, 0.0, np.inf, low_open=True, high_open=True)
    return _value(arr) if arr.ndim == 0 else arr


def _tail_if_uniform(mask_positive, positive_tail, zero_tail=("zero",)):
    mask = np.asarray(mask_positive)
    if mask.all():
        return positive_tail
    if not mask.any():
        return zero_tail
    return None  # mixed array: the helper asks for one family at a time


def constant(value, *, _name: str = "value") -> Schedule:
    """ε_k = ε for every k. Fails Σε_k² < ∞ (eq. 8.13) unless ε = 0."""
    value = _nonneg(_name, value)
    return Schedule(
        lambda k: value + 0.0 * k,
        "constant",
        {"value": value},
        _tail_if_uniform(np.asarray(value) > 0, ("power", 0.0)),
        (np.asarray(value), np.asarray(value)),
    )


def as_schedule(name: str, value) -> Schedule:
    """Wrap a number or array as a constant schedule; pass schedules through."""
    if isinstance(value, Schedule):
        return value
    if callable(value):
        raise TypeError(
            f"{name} must be a number, an array or a coursekit Schedule, got a plain "
            "callable; wrap it with a schedule factory so its range can be checked"
        )
    return constant(value, _name=name)


def linear_decay(lr0, lr_tau, tau) -> Schedule:
    """The linear schedule of eq. 8.14.

    ε_k = (1 − a)·ε_0 + a·ε_τ with a = k/τ for k ≤ τ, and ε_k = ε_τ for
    k > τ. (The book calls the interpolation weight α; here it is ``a`` so
    that α keeps meaning the momentum coefficient.) The book's rules of
    thumb: ε_τ ≈ 1% of ε_0, and τ ≈ enough iterations for a few hundred
    passes over the training set.

    ``lr_tau`` may exceed ``lr0``, which turns this into a linear ramp, for
    example a momentum coefficient that starts small and is raised later.

    >>> s = linear_decay(1.0, 0.01, tau=10)
    >>> round(float(s(5)), 6), float(s(10)), float(s(11))
    (0.505, 0.01, 0.01)
    """
    lr0 = _nonneg("lr0", lr0)
    lr_tau = _nonneg("lr_tau", lr_tau)
    tau = _positive("tau", tau)

    def fn(k):
        a = np.minimum(k / tau, 1.0)
        return (1.0 - a) * lr0 + a * lr_tau

    lo = np.minimum(lr0, lr_tau)
    hi = np.maximum(lr0, lr_tau)
    return Schedule(
        fn,
        "linear (eq. 8.14)",
        {"lr0": lr0, "lr_tau": lr_tau, "tau": tau},
        _tail_if_uniform(np.asarray(lr_tau) > 0, ("power", 0.0)),
        (np.asarray(lo), np.asarray(hi)),
    )


def polynomial_decay(lr0, power, *, _name: str = "ε0·k^(−p)") -> Schedule:
    """ε_k = ε_0 · k^(−p) for p ≥ 0.

    Robbins–Monro (eqs. 8.12, 8.13) holds exactly when 1/2 < p ≤ 1.

    >>> float(polynomial_decay(1.0, 0.5)(4))
    0.5
    """
    lr0 = _nonneg("lr0", lr0)
    power = _nonneg("power", power)
    tail = ("power", float(power)) if np.ndim(power) == 0 else None
    hi = np.asarray(lr0) + 0.0 * np.asarray(power)
    return Schedule(
        lambda k: lr0 * k ** (-power),
        _name,
        {"lr0": lr0, "power": power},
        _tail_if_uniform(np.asarray(lr0) > 0, tail),
        (np.where(np.asarray(power) > 0, 0.0, hi), hi),
    )


def inverse_k(lr0) -> Schedule:
    """ε_k = ε_0 / k: satisfies both Robbins–Monro conditions (eqs. 8.12, 8.13)."""
    return polynomial_decay(lr0, 1.0, _name="ε0/k")


def inverse_sqrt(lr0) -> Schedule:
    """ε_k = ε_0 / √k: Σε_k diverges, but so does Σε_k² (fails eq. 8.13).

    With iterate averaging it gives the O(1/√k) rate for convex SGD.
    """
    return polynomial_decay(lr0, 0.5, _name="ε0/√k")


def inverse_time(lr0, tau) -> Schedule:
    """ε_k = ε_0 / (1 + k/τ): behaves like ε_0·τ/k once k ≫ τ.

    With ε_0·τ = 1/μ this is ε_k = 1/(μ(k + τ)), the step size behind the
    O(1/k) rate of SGD on a μ-strongly convex problem.
    """
    lr0 = _nonneg("lr0", lr0)
    tau = _positive("tau", tau)
    return Schedule(
        lambda k: lr0 / (1.0 + k / tau),
        "ε0/(1 + k/τ)",
        {"lr0": lr0, "tau": tau},
        _tail_if_uniform(np.asarray(lr0) > 0, ("power", 1.0)),
        (np.zeros_like(np.asarray(lr0 + 0.0 * np.asarray(tau))),
         np.asarray(lr0 / (1.0 + 1.0 / np.asarray(tau)))),
    )


def exponential_decay(lr0, rate) -> Schedule:
    """ε_k = ε_0 · r^(k−1) with 0 < r ≤ 1.

    For r < 1 the sum Σε_k is finite, so the first Robbins–Monro condition
    (eq. 8.12) fails: the iterate can travel only a bounded distance.
    """
    lr0 = _nonneg("lr0", lr0)
    rate = check_interval("rate", rate, 0.0, 1.0, low_open=True)
    rate = _value(rate) if rate.ndim == 0 else rate
    if np.ndim(rate) == 0:
        tail = ("power", 0.0) if rate == 1.0 else ("geometric", float(rate))
    else:
        tail = None
    return Schedule(
        lambda k: lr0 * np.asarray(rate) ** (k - 1.0),
        "ε0·r^(k−1)",
        {"lr0": lr0, "rate": rate},
        _tail_if_uniform(np.asarray(lr0) > 0, tail),
        (np.where(np.asarray(rate) < 1, 0.0, lr0), np.asarray(lr0 + 0.0 * np.asarray(rate))),
    )


def step_decay(lr0, factor, every) -> Schedule:
    """ε_k = ε_0 · γ^⌊(k−1)/s⌋: multiply by γ every s updates (0 < γ ≤ 1).

    A piecewise-constant version of exponential decay, with the same
    Robbins–Monro verdict.
    """
    lr0 = _nonneg("lr0", lr0)
    factor = check_interval("factor", factor, 0.0, 1.0, low_open=True)
    factor = _value(factor) if factor.ndim == 0 else factor
    every = _positive("every", every)
    if np.ndim(factor) == 0 and np.ndim(every) == 0:
        tail = ("power", 0.0) if factor == 1.0 else ("geometric", float(factor) ** (1.0 / every))
    else:
        tail = None
    return Schedule(
        lambda k: lr0 * np.asarray(factor) ** np.floor((k - 1.0) / every),
        "ε0·γ^⌊(k−1)/s⌋",
        {"lr0": lr0, "factor": factor, "every": every},
        _tail_if_uniform(np.asarray(lr0) > 0, tail),
        (np.where(np.asarray(factor) < 1, 0.0, lr0), np.asarray(lr0 + 0.0 * np.asarray(factor))),
    )


def nesterov_momentum() -> Schedule:
    """α_k = (k − 1)/(k + 2), the increasing momentum of Nesterov's method.

    With batch gradients on a convex problem this schedule is what turns
    the O(1/k) excess error of gradient descent into O(1/k²) (section
    8.3.3; Nesterov, 1983). α_1 = 0, and α_k → 1 without reaching it.
    """
    return Schedule(
        lambda k: (k - 1.0) / (k + 2.0),
        "(k−1)/(k+2)",
        {},
        None,
        (np.asarray(0.0), np.asarray(1.0)),
        supremum_attained=False,
    )
