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
- :func:`interpolation_figure` (the limit of claim C2): constant-ε SGD on
  least squares with and without label noise.
- :func:`linear_schedule_figure` (claim C3): the linear schedule of
  eq. 8.14 against two constant rates on the digits, and
  :func:`linear_condition_figure`: the same comparison for two ε0.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.decay import (
    InterpolationResult,
    LinearConditionResult,
    LinearScheduleResult,
    NoiseFloorResult,
    RobbinsMonroSums,
    ScheduleRunResult,
)
from ..plotting import PALETTE, Drawn

__all__ = [
    "interpolation_figure",
    "linear_condition_figure",
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
    """Claim C2 in three panels: left, J(θ_k) − J* of SGD (mean of the seeds) for
    each constant ε with its measured floor (dashed); middle, batch gradient
    descent with the same ε, on a log axis deep enough to show its geometric
    descent; right, the floor against ε on log-log axes beside the closed form
    Σ_i εσ²/(2m(2 − ελ_i)).

    Lines: ``"sgd"``, ``"floor"`` (left) and ``"gd"`` (middle), one per ε of
    ``result.lrs``; ``"closed form"`` and ``"measured"`` (right).
    """
    check_instance("result", result, NoiseFloorResult)
    fig, (left, middle, right) = _subplots(1, 3, (14.0, 4.2))
    sgd, floor, gd = [], [], []
    for i, lr in enumerate(result.lrs):
        color = PALETTE[i % len(PALETTE)]
        sgd += left.plot(result.steps, result.sgd_excess_mean[:, i], color=color, lw=0.9,
                         label=f"ε = {lr:.3g}")
        floor.append(left.axhline(result.floor[i], color=color, ls="--", lw=1.0))
        # J − J* underflows to exactly 0 for the largest ε: a log axis drops those points.
        gd_curve = np.where(result.gd_excess[:, i] > 0, result.gd_excess[:, i], np.nan)
        gd += middle.plot(result.steps, gd_curve, color=color, lw=1.5, label=f"ε = {lr:.3g}")
    left.plot([], [], color="0.3", ls="--", label="measured floor")
    top = float(np.nanmax(result.sgd_excess_mean)) * 2.0
    left.set_ylim(float(result.floor.min()) / 30.0, top)
    left.set_yscale("log")
    left.set_xlabel("iteration k")
    left.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    left.set_title("SGD, constant ε: stalls at a floor", fontsize=10)
    left.legend(fontsize=8, ncol=2, loc="upper right")

    middle.set_yscale("log")
    middle.set_ylim(1e-300, top)
    middle.set_yticks(10.0 ** np.arange(0, -301, -50))
    middle.set_xlabel("iteration k")
    middle.set_ylabel("J(θ_k) − J* (exact gradient)")
    middle.set_title("Batch GD, same ε: down by (1 − εμ)² per step", fontsize=10)
    middle.legend(fontsize=8, loc="lower left")

    (closed,) = right.plot(result.lrs, result.closed_form, color=PALETTE[6], lw=1.5,
                           label=f"closed form (slope {result.closed_form_slope:.2f})")
    (measured,) = right.plot(result.lrs, result.floor, "o", color=PALETTE[1], ms=7,
                             label=f"measured (slope {result.slope:.2f})")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("learning rate ε")
    right.set_ylabel("floor: tail mean of J − J*")
    right.set_title("The floor grows like ε", fontsize=10)
    right.legend(fontsize=8)
    return Drawn(fig, (left, middle, right), {"sgd": tuple(sgd), "floor": tuple(floor), "gd": tuple(gd),
                                              "closed form": closed, "measured": measured})


def robbins_monro_figure(sums: RobbinsMonroSums, ylim: tuple = (20.0, 12.0)) -> Drawn:
    """Claim C1: Σ_{j≤k} ε_j (eq. 8.12) and Σ_{j≤k} ε_j² (eq. 8.13) against k.

    The k axis is logarithmic and the sums' axis linear, so a sum that grows
    like log k (ε0/k on the left, ε0/√k on the right) is a straight line and a
    sum that converges is flat. A sum that leaves the chart (``ylim``: the top
    of each panel) has its value at the last k in the title.

    Lines: ``"sum"`` (left) and ``"sum of squares"`` (right), one per
    schedule of ``sums.names``.
    """
    check_instance("sums", sums, RobbinsMonroSums)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    lines = {"sum": [], "sum of squares": []}
    panels = (
        (left, "sum", sums.partial_sum, ylim[0], r"$\sum_{j\leq k}\,\varepsilon_j$",
         "Eq. 8.12 needs Σε_k = ∞: exponential levels off", "lower right"),
        (right, "sum of squares", sums.partial_sum_squares, ylim[1],
         r"$\sum_{j\leq k}\,\varepsilon_j^2$",
         "Eq. 8.13 needs Σε_k² < ∞: constant and ε0/√k grow", "upper right"),
    )
    for ax, key, values, top, what, title, where in panels:
        for i, name in enumerate(sums.names):
            label = name
            if key == "sum":
                label += " (satisfies both)" if sums.satisfied[i] else " (fails one)"
            lines[key] += ax.plot(sums.k, values[:, i], color=PALETTE[i % len(PALETTE)], label=label)
        off = [f"{name} {values[-1, i]:.3g}" for i, name in enumerate(sums.names) if values[-1, i] > top]
        if off:
            title += f"\noff the chart, at k = {sums.k[-1]:.0e}: " + ", ".join(off)
        ax.set_xscale("log")
        ax.set_ylim(0.0, top)
        ax.set_xlabel("iteration k (log scale)")
        ax.set_ylabel(f"partial sum {what}")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, loc=where)
    return Drawn(fig, (left, right), {key: tuple(value) for key, value in lines.items()})


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
    bottom.set_title(f"ε0 = {result.lr0:g}: decaying gets below both constant rates at the same budget",
                     fontsize=10)
    bottom.legend(fontsize=8)
    return Drawn(fig, (top, bottom), {"lr": tuple(lr_lines), "excess": tuple(excess_lines)})


def interpolation_figure(result: InterpolationResult) -> Drawn:
    """The limit of claim C2: mean J(θ_k) − J* of constant-ε SGD on least squares
    whose labels have no noise (the model interpolates) and with label noise.

    Lines: ``"excess"``, one per label-noise level.
    """
    check_instance("result", result, InterpolationResult)
    fig, ax = _subplots(1, 1, (6.5, 3.8))
    lines = []
    for i, sigma in enumerate(result.label_noise):
        label = ("no label noise: every ∇L_i(θ*) = 0" if sigma == 0
                 else f"label noise σ = {sigma:g}")
        lines += ax.plot(result.steps, result.excess_mean[:, i], color=PALETTE[i], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    ax.set_title(f"Least squares, SGD with m = {result.batch_size}, constant ε = {result.lr:g}",
                 fontsize=10)
    ax.legend(fontsize=8)
    return Drawn(fig, ax, {"excess": tuple(lines)})


def linear_condition_figure(result: LinearConditionResult) -> Drawn:
    """Claim C3 and its condition: one panel per ε0, the mean J(θ_k) − J* of eq. 8.14
    and of constant ε0 up to the budget K, the constant run continued (thin) and
    its floor estimate (dashed).

    Lines: ``"linear"``, ``"constant"``, ``"continued"`` and ``"floor"``, one per
    ε0 of ``result.lr0s``.
    """
    check_instance("result", result, LinearConditionResult)
    n = len(result.lr0s)
    fig, axes = _subplots(1, n, (5.5 * n, 4.0), sharey=True)
    axes = tuple(np.atleast_1d(axes))
    linear, const, continued, floor = [], [], [], []
    for i, (ax, lr0) in enumerate(zip(axes, result.lr0s)):
        after = result.long_steps >= result.budget
        continued += ax.plot(result.long_steps[after], result.constant_long[after, i],
                             color=PALETTE[1], lw=0.8, alpha=0.6, label="constant ε0, continued")
        const += ax.plot(result.steps, result.constant_excess[:, i], color=PALETTE[1], lw=1.6,
                         label="constant ε0")
        linear += ax.plot(result.steps, result.linear_excess[:, i], color=PALETTE[0], lw=1.6,
                          label="linear decay (eq. 8.14)")
        floor.append(ax.axhline(result.constant_floor[i], color=PALETTE[1], ls="--", lw=1.0,
                                label="floor of constant ε0"))
        ax.axvline(result.budget, color="0.5", ls=":", lw=1)
        ax.text(result.budget, 0.97, f" budget K = {result.budget}", transform=ax.get_xaxis_transform(),
                va="top", fontsize=8, color="0.3")
        ax.set_yscale("log")
        ax.set_xlabel("iteration k")
        verdict = "decay pays" if result.ratio[i] < 1 else "decay loses"
        ax.set_title(f"ε0 = {lr0:g}: linear / constant at K = {result.ratio[i]:.2f} ({verdict})",
                     fontsize=10)
        ax.legend(fontsize=8, loc="upper right")
    axes[0].set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    axes[0].set_ylim(float(np.min(result.linear_final)) / 3.0, None)
    return Drawn(fig, axes, {"linear": tuple(linear), "constant": tuple(const),
                             "continued": tuple(continued), "floor": tuple(floor)})
