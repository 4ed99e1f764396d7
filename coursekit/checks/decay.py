"""Checks for the exercises of lecture 01: SGD and learning-rate decay."""

from __future__ import annotations

import numpy as np

from ..schedules import linear_decay
from ._core import Checker, Mistake

__all__ = ["linear_schedule", "robbins_monro_power"]


def _linear(k, lr0, lr_tau, tau, shift=0, clamp=True):
    a = (np.asarray(k, dtype=float) + shift) / tau
    a = np.minimum(a, 1.0) if clamp else a
    return (1 - a) * lr0 + a * lr_tau


LINEAR_MISTAKES = (
    Mistake("a schedule that keeps decaying past τ",
            "for k > τ eq. 8.14 holds the rate at ε_τ: clamp a = k/τ at 1 (np.minimum).",
            lambda k, lr0, lr_tau, tau: _linear(k, lr0, lr_tau, tau, clamp=False)),
    Mistake("an off-by-one: a = (k − 1)/τ",
            "eq. 8.14 uses a = k/τ, so ε_τ is reached exactly at k = τ.",
            lambda k, lr0, lr_tau, tau: _linear(k, lr0, lr_tau, tau, shift=-1)),
    Mistake("an off-by-one: a = (k + 1)/τ",
            "eq. 8.14 uses a = k/τ, so ε_τ is reached exactly at k = τ.",
            lambda k, lr0, lr_tau, tau: _linear(k, lr0, lr_tau, tau, shift=1)),
    Mistake("ε_0 and ε_τ swapped",
            "at k = 0 the rate is ε_0: ε_k = (1 − a)·ε_0 + a·ε_τ.",
            lambda k, lr0, lr_tau, tau: _linear(k, lr_tau, lr0, tau)),
    Mistake("a rate that drops to 0 after τ",
            "after τ the rate stays at ε_τ, it does not stop.",
            lambda k, lr0, lr_tau, tau: np.where(np.asarray(k) > tau, 0.0, _linear(k, lr0, lr_tau, tau))),
    Mistake("an integer division k // τ",
            "k // τ rounds down to 0 before τ; use k / τ.",
            lambda k, lr0, lr_tau, tau: _linear(np.asarray(k) // tau, lr0, lr_tau, 1.0)),
)


def _expected_linear(k, lr0, lr_tau, tau):
    """eq. 8.14 from coursekit's schedule, which counts updates from 1; ε at k = 0 is ε_0."""
    k = np.asarray(k)
    value = linear_decay(lr0, lr_tau, tau)(np.maximum(k, 1))
    return np.where(k == 0, lr0, value) if k.ndim else float(lr0 if k == 0 else value)


def linear_schedule(fn) -> None:
    """Check ``fn(k, lr0, lr_tau, tau)``: eq. 8.14 for an int or an array k."""
    c = Checker("linear_schedule", fn, ("k", "lr0", "lr_tau", "tau"), LINEAR_MISTAKES,
                hint="eq. 8.14: a = min(k/τ, 1), ε_k = (1 − a)·ε_0 + a·ε_τ.")
    cases = [(k, 1.0, 0.01, 10) for k in (0, 1, 5, 10, 11, 100)]
    cases += [(3, 0.5, 0.005, 4), (250, 0.1, 0.001, 200), (7, 0.1, 0.3, 8)]  # the last one ramps up
    cases += [(np.arange(0, 30), 1.0, 0.01, 20), (np.array([[1, 2], [40, 50]]), 1.0, 0.01, 20)]
    for args in cases:
        c.case(args, _expected_linear(*args))
    c.passed()


def _power_mistake(condition):
    return lambda p: bool(condition(p))


POWER_MISTAKES = (
    Mistake("p = 1/2 accepted",
            "at p = 1/2 the squares ε_k² ∝ 1/k sum to infinity, so eq. 8.13 fails: "
            "the inequality at 1/2 is strict.",
            _power_mistake(lambda p: 0.5 <= p <= 1)),
    Mistake("p = 1 rejected",
            "at p = 1 the rates ∝ 1/k still sum to infinity (the harmonic series), so "
            "eq. 8.12 holds; and the squares ∝ 1/k² sum to a finite value.",
            _power_mistake(lambda p: 0.5 < p < 1)),
    Mistake("only eq. 8.12 tested",
            "Σ ε_k = ∞ needs p ≤ 1, but eq. 8.13 (Σ ε_k² < ∞) also needs 2p > 1.",
            _power_mistake(lambda p: p <= 1)),
    Mistake("only eq. 8.13 tested",
            "Σ ε_k² < ∞ needs p > 1/2, but eq. 8.12 (Σ ε_k = ∞) also needs p ≤ 1.",
            _power_mistake(lambda p: p > 0.5)),
    Mistake("the two conditions swapped",
            "eq. 8.12 asks the rates to sum to infinity and eq. 8.13 asks their "
            "squares to sum to a finite value, not the other way round.",
            _power_mistake(lambda p: p <= 0.5 or p > 1)),
)


def robbins_monro_power(fn) -> None:
    """Check ``fn(p)``: does ε_k = ε_0·k^(−p) satisfy eqs. 8.12 and 8.13?"""
    c = Checker("robbins_monro_power", fn, ("p",), POWER_MISTAKES,
                hint="Σ k^(−p) is finite exactly when p > 1; apply that to ε_k and to ε_k².")
    for p in (0.75, 0.25, 1.5, 1.0, 0.5, 0.0, 0.5001, 1.0001, 2.0, 0.6, 0.9, 3.0):
        c.case((p,), bool(0.5 < p <= 1.0))
    c.passed()
