"""Figures of lecture 01: SGD and learning-rate decay (section 8.3.1).

Each function takes a result of :mod:`coursekit.experiments.decay` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, axes)`` and names its lines; nothing is shown here (the notebook
displays).

- :func:`noise_floor_figure` (claim C2): learning curves of constant-ε SGD
  and batch gradient descent; the floor against ε on log-log axes.
- :func:`robbins_monro_figure` (claim C1): partial sums Σε_k and Σε_k²
  (eqs. 8.12, 8.13) for four schedules.
- :func:`schedules_run_figure` (claim C1): the same schedules on an SGD run.
- :func:`linear_schedule_figure` (claim C3): the linear schedule of
  eq. 8.14 against two constant rates on the digits.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.decay import (
    LinearScheduleResult,
    NoiseFloorResult,
    RobbinsMonroSums,
    ScheduleRunResult,
)
from ..plotting import PALETTE, Drawn

__all__ = [
    "linear_schedule_figure",
    "noise_floor_figure",
    "robbins_monro_figure",
    "schedules_run_figure",
]

_WIDE = (11.0, 4.2)


def _subplots(nrows: int, ncols: int, figsize, **kwargs):
    import matplotlib.pyplot as plt  # on first use: pyplot is slow to import

    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)


def noise_floor_figure(result: NoiseFloorResult) -> Drawn:
    """Claim C2: left, J(θ_k) − J* of SGD (one seed) for each constant ε with its
    measured floor (dashed) and batch gradient descent (dotted); right, the
    floor against ε on log-log axes beside the closed form Σ_i εσ²/(2m(2 − ελ_i)).

    Lines: ``"sgd"``, ``"floor"`` and ``"gd"`` (one per ε of ``result.lrs``,
    left), ``"closed form"`` and ``"measured"`` (right).
    """
    check_instance("result", result, NoiseFloorResult)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    sgd, floor, gd = [], [], []
    for i, lr in enumerate(result.lrs):
        color = PALETTE[i % len(PALETTE)]
        sgd += left.plot(result.steps, result.sgd_excess[:, i], color=color, lw=0.8,
                         label=f"SGD, ε = {lr:.3g}")
        floor.append(left.axhline(result.floor[i], color=color, ls="--", lw=1.2))
        gd += left.plot(result.steps, result.gd_excess[:, i], color=color, ls=":", lw=1.5)
    left.plot([], [], color="0.3", ls="--", label="measured floor")
    left.plot([], [], color="0.3", ls=":", label="batch GD, same ε")
    top = float(np.nanmax(result.sgd_excess)) * 2.0
    left.set_ylim(float(result.floor.min()) / 300.0, top)
    left.set_yscale("log")
    left.set_xlabel("iteration k")
    left.set_ylabel("J(θ_k) − J*")
    left.set_title("SGD stalls at a floor; batch GD keeps going down")
    left.legend(fontsize=8, ncol=2, loc="upper right")

    (closed,) = right.plot(result.lrs, result.closed_form, color=PALETTE[6], lw=1.5,
                           label=f"closed form (slope {result.closed_form_slope:.2f})")
    (measured,) = right.plot(result.lrs, result.floor, "o", color=PALETTE[1], ms=7,
                             label=f"measured (slope {result.slope:.2f})")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("learning rate ε")
    right.set_ylabel("floor: tail mean of J − J*")
    right.set_title("The floor grows like ε")
    right.legend()
    return Drawn(fig, (left, right), {"sgd": tuple(sgd), "floor": tuple(floor), "gd": tuple(gd),
                                      "closed form": closed, "measured": measured})


def robbins_monro_figure(sums: RobbinsMonroSums) -> Drawn:
    """Claim C1: Σ_{j≤k} ε_j (eq. 8.12) and Σ_{j≤k} ε_j² (eq. 8.13) against k.

    Lines: ``"sum"`` (left) and ``"sum of squares"`` (right), one per
    schedule of ``sums.names``.
    """
    check_instance("sums", sums, RobbinsMonroSums)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    sums_lines, squares_lines = [], []
    for i, name in enumerate(sums.names):
        verdict = "satisfies both" if sums.satisfied[i] else "fails one"
        color = PALETTE[i % len(PALETTE)]
        sums_lines += left.plot(sums.k, sums.partial_sum[:, i], color=color, label=f"{name} ({verdict})")
        squares_lines += right.plot(sums.k, sums.partial_sum_squares[:, i], color=color, label=name)
    for ax, what, title in (
        (left, "Σ_{j≤k} ε_j", "Eq. 8.12 needs Σε_k = ∞: exponential levels off"),
        (right, "Σ_{j≤k} ε_j²", "Eq. 8.13 needs Σε_k² < ∞: constant and ε0/√k grow"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration k")
        ax.set_ylabel(f"partial sum {what}")
        ax.set_title(title, fontsize=10)
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return Drawn(fig, (left, right), {"sum": tuple(sums_lines), "sum of squares": tuple(squares_lines)})


def schedules_run_figure(result: ScheduleRunResult) -> Drawn:
    """Claim C1 on a run: ε_k (left) and the mean J(θ_k) − J* (right) on log-log axes,
    with the constant rate's closed-form floor dashed.

    Lines: ``"lr"`` (left) and ``"excess"`` (right), one per schedule of
    ``result.names``, and ``"floor"`` (right).
    """
    check_instance("result", result, ScheduleRunResult)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    k = result.steps[1:]
    lr_lines, excess_lines = [], []
    for i, name in enumerate(result.names):
        color = PALETTE[i % len(PALETTE)]
        lr_lines += left.plot(k, result.lr[1:, i], color=color, label=name)
        excess_lines += right.plot(k, result.excess_mean[1:, i], color=color, label=name)
    floor = right.axhline(result.constant_floor, color=PALETTE[0], ls="--", lw=1,
                          label="closed-form floor, constant ε0")
    # The exponential rate underflows towards 1e-240: show five decades only.
    left.set_ylim(result.lr0 * 1e-5, result.lr0 * 2.0)
    left.set_ylabel("learning rate ε_k")
    left.set_title(f"Four schedules from ε0 = {result.lr0:g} (exponential drops off the chart)",
                   fontsize=10)
    right.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    right.set_title("ε0/k and ε0/√k converge; exponential freezes; constant stalls",
                    fontsize=10)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration k")
        ax.legend(fontsize=8)
    return Drawn(fig, (left, right), {"lr": tuple(lr_lines), "excess": tuple(excess_lines),
                                      "floor": floor})


def linear_schedule_figure(result: LinearScheduleResult) -> Drawn:
    """Claim C3: the schedules (top) and the mean J(θ_k) − J* on the digits (bottom).

    Lines: ``"lr"`` (top) and ``"excess"`` (bottom), one per schedule of
    ``result.names``.
    """
    check_instance("result", result, LinearScheduleResult)
    fig, (top, bottom) = _subplots(2, 1, (7.0, 6.0), sharex=True)
    k = result.steps[1:]
    lr_lines, excess_lines = [], []
    for i, name in enumerate(result.names):
        color = PALETTE[i % len(PALETTE)]
        lr_lines += top.plot(k, result.lr[1:, i], color=color, label=name)
        excess_lines += bottom.plot(result.steps, result.excess_mean[:, i], color=color, label=name)
    for ax in (top, bottom):
        ax.axvline(result.tau, color="0.5", ls=":", lw=1)
    top.set_ylim(0.0, result.lr0 * 1.1)
    bottom.set_yscale("log")
    top.text(result.tau, result.lr0, f" τ = {result.tau}", va="top", fontsize=9, color="0.3")
    top.set_ylabel("learning rate ε_k")
    top.set_title(f"Linear decay (eq. 8.14): ε0 = {result.lr0:g} to ε_τ = {result.lr_tau:g} "
                  f"over {result.passes} passes", fontsize=10)
    top.legend(fontsize=8)
    bottom.set_xlabel("iteration k")
    bottom.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    bottom.set_title("Decaying gets below both constant rates at the same budget", fontsize=10)
    bottom.legend(fontsize=8)
    return Drawn(fig, (top, bottom), {"lr": tuple(lr_lines), "excess": tuple(excess_lines)})
