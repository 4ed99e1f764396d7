"""The Robbins–Monro conditions for a learning-rate schedule (eqs. 8.12, 8.13).

A sufficient condition for SGD to converge is

    Σ_k ε_k = ∞      (eq. 8.12: the steps can carry θ arbitrarily far)
    Σ_k ε_k² < ∞     (eq. 8.13: the accumulated gradient noise stays bounded).

:func:`robbins_monro` gives the verdict for a schedule from its asymptotic
form (exact, by the p-series and geometric-series tests) and also returns
the partial sums, so that a student can watch one sum grow without bound
while the other levels off.

>>> from coursekit.schedules import inverse_k
>>> robbins_monro(inverse_k(0.5), n_terms=1000).satisfied
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_int
from .schedules import as_schedule

__all__ = ["RobbinsMonroReport", "robbins_monro"]


@dataclass(frozen=True)
class RobbinsMonroReport:
    """The verdict on eqs. 8.12 and 8.13 for one schedule, with partial sums.

    ``k`` holds the checkpoints (about 60 log-spaced values of k from 1 to
    ``n_terms``) at which ``partial_sum`` = Σ_{j≤k} ε_j and
    ``partial_sum_squares`` = Σ_{j≤k} ε_j² are reported.
    """

    schedule: str
    sum_diverges: bool | None
    sum_squares_diverges: bool | None
    reason: str
    k: np.ndarray
    partial_sum: np.ndarray
    partial_sum_squares: np.ndarray

    @property
    def satisfied(self) -> bool | None:
        """True when Σε_k = ∞ and Σε_k² < ∞ both hold; None when the tail is unknown."""
        if self.sum_diverges is None:
            return None
        return self.sum_diverges and not self.sum_squares_diverges

    def __str__(self) -> str:
        if self.sum_diverges is None:
            first = second = "unknown"
        else:
            first = "= ∞ (holds)" if self.sum_diverges else "< ∞ (fails)"
            second = "= ∞ (fails)" if self.sum_squares_diverges else "< ∞ (holds)"
        return (
            f"{self.schedule}: Σε_k {first}; Σε_k² {second}. {self.reason} "
            f"Partial sums at k = {int(self.k[-1])}: Σε_k = {self.partial_sum[-1]:.4g}, "
            f"Σε_k² = {self.partial_sum_squares[-1]:.4g}."
        )


def _verdict(tail) -> tuple:
    if tail is None:
        return None, None, (
            "The schedule does not declare its asymptotic form, so no verdict: the partial "
            "sums can only suggest one."
        )
    kind = tail[0]
    if kind == "zero":
        return False, False, "The rates are eventually 0, so both sums are finite."
    if kind == "geometric":
        return False, False, (
            f"A geometric tail (ratio {tail[1]:.4g} < 1) has a finite sum, so θ can only "
            "travel a bounded distance."
        )
    p = tail[1]
    if p == 0.0:
        return True, True, (
            "A rate that tends to a positive constant keeps injecting gradient noise: "
            "SGD hovers at a noise floor instead of converging."
        )
    return p <= 1.0, 2.0 * p <= 1.0, (
        f"A k^(-{p:g}) tail: Σk^(-p) diverges iff p ≤ 1 and Σk^(-2p) diverges iff p ≤ 1/2."
    )


def robbins_monro(schedule, n_terms: int = 10**6) -> RobbinsMonroReport:
    """Classify ``schedule`` against eqs. 8.12 and 8.13 and compute partial sums.

    The verdict comes from the schedule's tail (a p-series or geometric
    series test), not from the finite partial sums, which can only suggest
    divergence. A schedule whose tail is unknown (a plain callable, or array
    parameters of mixed kinds) gets the partial sums and no verdict
    (``satisfied`` is None). The values must be scalars.

    >>> report = robbins_monro(lambda k: 1.0 / k, n_terms=100)
    >>> report.satisfied is None, round(float(report.partial_sum[-1]), 3)
    (True, 5.187)
    """
    schedule = as_schedule("schedule", schedule)
    n_terms = check_int("n_terms", n_terms, low=1, high=10**7)  # ~80 MB of partial sums
    if np.ndim(schedule(1)) != 0:
        raise ValueError(
            f"schedule {schedule.name!r} has values of shape {np.shape(schedule(1))} per k; "
            "check one schedule at a time"
        )
    values = np.broadcast_to(np.asarray(schedule(np.arange(1, n_terms + 1)), dtype=float), (n_terms,))
    sum_div, sq_div, reason = _verdict(schedule.tail)
    checkpoints = np.unique(np.geomspace(1, n_terms, 60).round().astype(int))
    return RobbinsMonroReport(
        schedule=schedule.name,
        sum_diverges=sum_div,
        sum_squares_diverges=sq_div,
        reason=reason,
        k=checkpoints,
        partial_sum=np.cumsum(values)[checkpoints - 1],
        partial_sum_squares=np.cumsum(values**2)[checkpoints - 1],
    )
