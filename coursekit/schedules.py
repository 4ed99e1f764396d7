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

Any callable k ↦ value is a schedule too (as in optax): :func:`as_schedule`
wraps it, and what is not declared about it (its range, its Robbins–Monro
tail) is reported as unknown rather than refused. :func:`table` builds a
schedule from a list of values, :func:`join` runs schedules one after
another, and :func:`stack` runs several side by side in one batched run.

>>> sched = linear_decay(0.1, 0.001, tau=100)
>>> float(sched(100)), float(sched(1000))
(0.001, 0.001)
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from ._validation import check_int, check_interval

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "exponential_decay",
    "inverse_k",
    "inverse_sqrt",
    "inverse_time",
    "join",
    "linear_decay",
    "nesterov_momentum",
    "polynomial_decay",
    "stack",
    "step_decay",
    "table",
]


class Schedule:
    """A pure step → value function with what is known about it.

    Parameters and attributes
    -------------------------
    fn : callable
        k ↦ value, called with a float k or a float array of k (≥ 1).
    name : str
        Human-readable formula, e.g. ``"ε0/k"``.
    params : dict
        The arguments the factory received (as arrays); empty for a plain callable.
    tail : tuple or None
        The asymptotic form as k → ∞, used by :func:`coursekit.robbins_monro`:
        ``("power", p)`` for ε_k ~ c·k^(−p) (p = 0: a positive constant),
        ``("geometric", r)`` for ε_k ~ c·r^k with r < 1, ``("zero",)`` when
        the values are eventually 0, or ``None`` when it is unknown (a plain
        callable, array parameters of mixed kinds, or not a decay schedule).
    value_range : (ndarray, ndarray) or None
        Infimum and supremum of the values over all k ≥ 1, elementwise;
        ``None`` when unknown, in which case the optimizers check each value
        as it is used.
    supremum_attained : bool or bool array
        False when the supremum is only approached (Nesterov's α_k → 1);
        elementwise, like ``value_range``, for a :func:`stack`.

    >>> s = Schedule(lambda k: 0.1 / k, "0.1/k", tail=("power", 1.0))
    >>> float(s(4)), s.value_range
    (0.025, None)
    """

    __slots__ = ("_fn", "name", "params", "tail", "value_range", "supremum_attained")

    def __init__(self, fn: Callable, name: str, params: dict | None = None, tail=None,
                 value_range=None, supremum_attained: bool = True):
        if not callable(fn):
            raise TypeError(f"fn must be callable k -> value, got {type(fn).__name__}")
        self._fn = fn
        self.name = str(name)
        self.params = {} if params is None else params
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
        return f"Schedule({self.name}; {shown})" if shown else f"Schedule({self.name})"


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
    """A schedule from a schedule, any callable k ↦ value, a number or an array.

    A number or an array is a constant schedule. A plain callable is called
    with an integer k (or an integer array), keeps its own name, and its
    range and tail are unknown.

    >>> as_schedule("lr", lambda k: 0.1 / k)(2)
    0.05
    >>> as_schedule("lr", 0.1).name
    'constant'
    """
    if isinstance(value, Schedule):
        return value
    if callable(value):
        label = getattr(value, "__name__", "") or ""

        def fn(k):  # the user's function sees an integer k, as optax gives an integer count
            return value(int(k)) if np.ndim(k) == 0 else value(np.asarray(k).astype(np.int64))

        return Schedule(fn, f"{name}(k)" if label in ("", "<lambda>") else label)
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

    >>> float(exponential_decay(1.0, 0.5)(3))
    0.25
    """
    lr0 = _nonneg("lr0", lr0)
    rate = _rate(rate)
    tail = _geometric_tail(rate, 1)
    return Schedule(
        lambda k: lr0 * np.asarray(rate) ** (k - 1.0),
        "ε0·r^(k−1)",
        {"lr0": lr0, "rate": rate},
        _tail_if_uniform(np.asarray(lr0) > 0, tail),
        (np.where(np.asarray(rate) < 1, 0.0, lr0), np.asarray(lr0 + 0.0 * np.asarray(rate))),
    )


def step_decay(lr0, rate, every: int) -> Schedule:
    """ε_k = ε_0 · r^⌊(k−1)/s⌋: multiply by r every s updates (0 < r ≤ 1, s ≥ 1 an integer).

    A piecewise-constant version of :func:`exponential_decay` (the same
    decay factor r, applied once per s updates), with the same
    Robbins–Monro verdict.

    >>> step_decay(1.0, 0.5, every=2)(np.arange(1, 6)).tolist()
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    lr0 = _nonneg("lr0", lr0)
    rate = _rate(rate)
    every = check_int("every", every, low=1)
    tail = _geometric_tail(rate, every)
    return Schedule(
        lambda k: lr0 * np.asarray(rate) ** np.floor((k - 1.0) / every),
        "ε0·r^⌊(k−1)/s⌋",
        {"lr0": lr0, "rate": rate, "every": np.asarray(every)},
        _tail_if_uniform(np.asarray(lr0) > 0, tail),
        (np.where(np.asarray(rate) < 1, 0.0, lr0), np.asarray(lr0 + 0.0 * np.asarray(rate))),
    )


def _rate(rate):
    rate = check_interval("rate", rate, 0.0, 1.0, low_open=True)
    return _value(rate) if rate.ndim == 0 else rate


def _geometric_tail(rate, every: int):
    if np.ndim(rate) != 0:
        return None
    return ("power", 0.0) if rate == 1.0 else ("geometric", float(rate) ** (1.0 / every))


def nesterov_momentum() -> Schedule:
    """α_k = (k − 1)/(k + 2), the increasing momentum of Nesterov's method.

    With batch gradients on a convex problem this schedule is what turns
    the O(1/k) excess error of gradient descent into O(1/k²) (section
    8.3.3). This closed form follows from the choice θ_k = 2/(k + 2) of
    Tseng (2008) and is the one Su, Boyd and Candès (2016) analyse;
    Nesterov's (1983) sequence (t_k − 1)/t_{k+1} only approaches it as k
    grows. α_1 = 0, and α_k → 1 without reaching it.
    """
    return Schedule(
        lambda k: (k - 1.0) / (k + 2.0),
        "(k−1)/(k+2)",
        {},
        None,
        (np.asarray(0.0), np.asarray(1.0)),
        supremum_attained=False,
    )


# --------------------------------------------------------------------------
# Building schedules from others
# --------------------------------------------------------------------------


def _known_range(schedules) -> tuple | None:
    if any(s.value_range is None for s in schedules):
        return None
    return (np.asarray([np.min(s.value_range[0]) for s in schedules]),
            np.asarray([np.max(s.value_range[1]) for s in schedules]))


def _check_parts(what: str, schedules) -> tuple:
    schedules = tuple(schedules)
    if not schedules:
        raise ValueError(f"{what} needs at least one schedule, got none")
    for i, s in enumerate(schedules):
        if not callable(s):
            raise TypeError(f"schedules[{i}] must be a schedule or a callable k -> value, "
                            f"got {type(s).__name__}")
    return tuple(as_schedule(f"schedules[{i}]", s) for i, s in enumerate(schedules))


def table(values, name: str = "table") -> Schedule:
    """ε_k = values[k − 1] for k ≤ K, then the last value for ever.

    ``values`` has shape (K,) or (K, *S): a row per update, so a table can
    also hold S settings side by side (tabulate it with k of shape (K, 1),
    like any schedule with parameters of shape (S,)).

    >>> s = table([0.3, 0.2, 0.1])
    >>> s(np.arange(1, 6)).tolist()
    [0.3, 0.2, 0.1, 0.1, 0.1]
    """
    values = check_interval("values", values, 0.0, np.inf, high_open=True)
    if values.ndim == 0 or values.shape[0] == 0:
        raise ValueError(f"values must have shape (K, ...) with K >= 1, got shape {values.shape}")
    values = values.copy()
    values.setflags(write=False)
    last = len(values) - 1

    settings = values.ndim - 1

    def fn(k):
        index = np.minimum(np.asarray(k, dtype=np.int64) - 1, last)
        if index.ndim == 0:
            return _value(values[index])
        # k of shape (K, 1) meets settings of shape (S,) as (K, S), as in every schedule.
        if settings and index.shape[-settings:] == (1,) * settings:
            index = index.reshape(index.shape[:-settings])
        return values[index]

    return Schedule(
        fn, name, {"values": values},
        _tail_if_uniform(values[-1] > 0, ("power", 0.0)),
        (values.min(axis=0), values.max(axis=0)),
    )


def join(schedules, boundaries) -> Schedule:
    """Run schedule i for b_(i−1) < k ≤ b_i, each restarted at its own k = 1.

    Like optax's ``join_schedules``, in the course's counting: with
    boundaries (b_1, ..., b_(n−1)), the first schedule gives ε_1 ... ε_b1,
    then the second starts again at its own first value, and so on.

    >>> s = join([constant(0.5), inverse_k(0.5)], boundaries=[2])
    >>> s(np.arange(1, 6)).tolist()
    [0.5, 0.5, 0.5, 0.25, 0.16666666666666666]
    """
    schedules = _check_parts("join", schedules)
    bounds = [check_int(f"boundaries[{i}]", b, low=1) for i, b in enumerate(boundaries)]
    if len(bounds) != len(schedules) - 1:
        raise ValueError(f"join needs one boundary fewer than schedules: got {len(schedules)} "
                         f"schedules and {len(bounds)} boundaries")
    if any(b <= a for a, b in zip(bounds, bounds[1:])):
        raise ValueError(f"boundaries must increase strictly, got {bounds}")
    starts = np.array([0] + bounds, dtype=float)

    def fn(k):
        part = np.searchsorted(starts, k, side="left") - 1  # the last start below k
        if np.ndim(k) == 0:
            return schedules[int(part)](int(k - starts[part]))
        ks = np.asarray(k)
        out = None
        for i, s in enumerate(schedules):
            mine = part == i
            if mine.any():
                values = np.asarray(s(np.where(mine, ks - starts[i], 1.0).astype(np.int64)))
                out = values if out is None else np.where(mine, values, out)
        return out

    known = _known_range(schedules)
    value_range, attained = None, True
    if known is not None:
        value_range = (known[0].min(), known[1].max())
        # The supremum is attained if a part that reaches it attains it (α_k → 1 only approaches 1).
        attained = any(np.all(s.supremum_attained) for s, hi in zip(schedules, known[1])
                       if hi == value_range[1])
    return Schedule(fn, " then ".join(s.name for s in schedules),
                    {"boundaries": np.asarray(bounds)}, schedules[-1].tail, value_range,
                    supremum_attained=attained)


def stack(*schedules: Schedule) -> Schedule:
    """Several schedules as one, valued at k with a trailing axis: one entry per schedule.

    One batched run can then hold different schedule families (constant,
    ε0/k, ε0/√k, ...) side by side, the trajectory axis being that last one.

    >>> s = stack(constant(0.5), inverse_k(0.5))
    >>> s(2).tolist()
    [0.5, 0.25]
    """
    schedules = _check_parts("stack", schedules)
    for i, s in enumerate(schedules):
        if np.ndim(s(1)) != 0:
            raise ValueError(f"schedules[{i}] must have scalar values, got values of shape "
                             f"{np.shape(s(1))}")

    def fn(k):
        # The Schedule wrapper hands over float k; each part wants integer k again.
        if np.ndim(k) == 0:
            return np.array([s(int(k)) for s in schedules], dtype=float)
        ks = np.asarray(k).astype(np.int64)
        return np.stack([np.broadcast_to(s(ks), ks.shape) for s in schedules], axis=-1)

    known = _known_range(schedules)
    return Schedule(fn, " | ".join(s.name for s in schedules),
                    {"schedules": tuple(s.name for s in schedules)}, None, known,
                    supremum_attained=np.array([np.all(s.supremum_attained) for s in schedules]))
